"""The endpoint is safe to expose: no SERVICE/LOAD unless allowed (found on tokens, not by
substring), a time limit that really stops the query's worker, a response size limit."""

from __future__ import annotations

import os
import signal
import threading
import time

import pyoxigraph as ox
import pytest

from modelgraph.store import EmbeddedStore
from modelgraph.web.app import executor_of
from modelgraph.web.query_route import RecentConnections

from .conftest import PREFIXES, is_remote, serve

REMOTE = "<http://127.0.0.1:9/sparql>"  # oxigraph refuses port 9 itself: nothing is contacted

# (query, refused?) — refused means 400 ForbiddenOperation before any evaluation.
SERVICE_CASES = [
    (f"SELECT * WHERE {{ SERVICE {REMOTE} {{ ?s ?p ?o }} }}", True),
    (f"select * where {{ service {REMOTE} {{ ?s ?p ?o }} }}", True),
    (f"SELECT * WHERE {{ SeRvIcE SILENT {REMOTE} {{ ?s ?p ?o }} }}", True),
    ("SELECT * WHERE { ?x ?p ?o SERVICE ?x { ?s ?p ?o } }", True),
    ("SELECT * WHERE { ?x ?p ?o .SERVICE?x{ ?s ?p ?o } }", True),
    (f"SELECT * WHERE {{ SERVICESILENT{REMOTE}{{ ?s ?p ?o }} }}", True),
    ("PREFIX ex: <http://127.0.0.1:9/> SELECT * WHERE { SERVICEex:sparql { ?s ?p ?o } }", True),
    ("SELECT * WHERE { ?a ?p ?b FILTER(?a<?b)SERVICE?a#>\n{ ?s ?p ?o } }", True),
    ("PREFIX ex: <http://e/> SELECT * WHERE { ?s ex:a\\#b ?o SERVICE ?s { ?s ?p ?o } }", True),
    (f"SELECT * WHERE {{ \\u0053ERVICE {REMOTE} {{ ?s ?p ?o }} }}", True),
    (f"SELECT * WHERE {{ SERVICE#comment\n{REMOTE} {{ ?s ?p ?o }} }}", True),
    ('SELECT * WHERE { ?s ?p "SERVICE <http://127.0.0.1:9/> { }" }', False),
    ("SELECT * WHERE { ?s ?p '''a\nSERVICE ?x { }\n''' }", False),
    ("SELECT * WHERE { ?s ?p 'it\\'s' } # SERVICE <http://127.0.0.1:9/> {}", False),
    ("SELECT * WHERE { ?s <http://example.org/service> ?o }", False),
    ("SELECT ?service WHERE { ?service ?p ?o }", False),
    ("PREFIX ex: <http://e/> SELECT * WHERE { ?s ex:service ?o }", False),
    ('SELECT * WHERE { ?s ?p "x"@service }', False),
    ("PREFIX service: <http://e/> SELECT * WHERE { GRAPH service:g { ?s ?p ?o } }", False),
    ("PREFIX service: <http://e/> SELECT * FROM service:g { ?s ?p ?o }", False),
    ("SELECT * WHERE { ?s ?p ?o FILTER(?o < 3 && ?s > ?p) }", False),
]


@pytest.mark.parametrize("query, refused", SERVICE_CASES)
def test_service_is_refused_wherever_the_parser_would_see_it_and_only_there(client, query, refused):
    response = client.get("/sparql", params={"query": query})
    if refused:
        assert response.status_code == 400, response.text
        body = response.json()
        assert body["error"] == "ForbiddenOperation"
        assert "SERVICE" in body["message"] and "MODELGRAPH_ALLOW_SERVICE_CALLS" in body["message"]
    else:
        assert response.status_code == 200, response.text


@pytest.mark.parametrize("query", [q for q, refused in SERVICE_CASES if refused and "\\u" not in q])
def test_every_refused_spelling_is_a_service_call_oxigraph_would_make(query):
    """The refusals are not lucky syntax errors: oxigraph parses each of these queries."""
    ox.Store().query(query)  # evaluation is lazy: parsing only, nothing is contacted


def test_the_refusal_points_at_the_service_keyword(client):
    query = f"SELECT *\nWHERE {{\n  ?a ?b ?c .\n  SERVICE {REMOTE} {{ ?s ?p ?o }}\n}}"
    body = client.get("/sparql", params={"query": query}).json()
    assert (body["line"], body["column"]) == (4, 3)


def test_update_operations_are_refused_on_the_query_endpoint(client):
    for text in ("INSERT DATA { <http://a> <http://b> <http://c> }", f"LOAD {REMOTE}"):
        response = client.post("/sparql", data={"query": text})
        assert response.status_code == 400
        assert response.json()["error"] == "ForbiddenOperation"
        assert "update" in response.json()["message"]


def test_an_operator_can_allow_service_calls():
    with serve(allow_service_calls=True) as client:
        query = f"SELECT * WHERE {{ SERVICE SILENT {REMOTE} {{ ?s ?p ?o }} }}"
        response = client.get("/sparql", params={"query": query})
        description = client.get("/sparql", headers={"Accept": "application/n-triples"})
    assert response.status_code == 200, response.text
    assert "BasicFederatedQuery" in description.text


def _generated_store(n: int) -> EmbeddedStore:
    graph = ox.NamedNode("http://example.org/generated")
    p = ox.NamedNode("http://example.org/p")
    return EmbeddedStore.memory(
        ox.Quad(ox.NamedNode(f"http://example.org/s{i}"), p, ox.Literal(str(i)), graph)
        for i in range(n)
    )


CROSS_JOIN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def test_a_runaway_query_is_stopped_at_the_time_limit_and_its_worker_killed():
    with serve(store=_generated_store(300), query_timeout_s=1.0) as client:
        executor = executor_of(client.app)
        before = executor.worker_pids()
        start = time.monotonic()
        response = client.get("/sparql", params={"query": CROSS_JOIN})
        elapsed = time.monotonic() - start
        after = executor.worker_pids()
        assert response.status_code == 503
        assert response.json()["message"].startswith("query exceeded the 1 s time limit")
        assert response.headers["retry-after"]
        assert 1.0 <= elapsed < 3.0
        (killed,) = set(before) - set(after)
        with pytest.raises(ProcessLookupError):
            os.kill(killed, 0)  # gone, not merely abandoned: no core stays busy
        assert len(after) == len(before)
        follow_up = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
        assert follow_up.status_code == 200  # the replacement worker answers
        assert client.get("/health").json()["queries_stopped_by_time_limit"] == 1


def test_an_answer_over_the_size_limit_is_refused_with_advice():
    with serve(store=_generated_store(300), max_response_bytes=4096) as client:
        too_big = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
        limited = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 3"})
    assert too_big.status_code == 400
    assert too_big.json()["error"] == "ResultTooLarge"
    assert "LIMIT" in too_big.json()["message"] and "4,096" in too_big.json()["message"]
    assert limited.status_code == 200


def test_a_size_limit_also_stops_a_huge_streaming_answer_early():
    with serve(store=_generated_store(300), max_response_bytes=100_000) as client:
        start = time.monotonic()
        response = client.get(
            "/sparql", params={"query": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"}
        )
    assert response.status_code == 400
    assert time.monotonic() - start < 2.0  # 27 million rows were never produced


def test_a_server_error_is_json_and_500(client, monkeypatch):
    executor = executor_of(client.app)

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    async def broken_async(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(executor, "run", broken)
    if hasattr(executor, "run_async"):
        monkeypatch.setattr(executor, "run_async", broken_async)
    response = client.get("/sparql", params={"query": PREFIXES + "ASK {}"})
    assert response.status_code == 500
    assert response.json() == {
        "error": "InternalError",
        "message": "internal server error; it has been logged",
    }


def test_a_query_that_cannot_be_evaluated_is_a_client_error(client):
    response = client.get(
        "/sparql", params={"query": "SELECT (<http://example.org/f>(1) AS ?x) {}"}
    )
    if is_remote(client):
        # the server reports it as its own failure (HTTP 500), which modelgraph cannot tell
        # from a broken server: 503, with the server's explanation passed on
        assert response.status_code == 503
        assert response.json()["error"] == "StoreError"
    else:
        assert response.status_code == 400
        assert response.json()["error"] == "QueryEvaluationError"
    assert "http://example.org/f" in response.json()["message"]


def test_a_worker_that_died_while_idle_is_replaced_without_failing_the_query():
    with serve() as client:
        executor = executor_of(client.app)
        (pid,) = executor.worker_pids()
        os.kill(pid, signal.SIGKILL)
        time.sleep(0.1)
        response = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
        assert response.status_code == 200
        assert executor.worker_pids() != [pid]


def test_a_worker_that_dies_during_a_query_gives_a_json_500_and_is_replaced():
    with serve(store=_generated_store(300), query_timeout_s=10) as client:
        executor = executor_of(client.app)
        (pid,) = executor.worker_pids()
        threading.Timer(0.3, os.kill, (pid, signal.SIGKILL)).start()
        response = client.get("/sparql", params={"query": CROSS_JOIN})
        assert response.status_code == 500
        assert response.json()["error"] == "WorkerFailed"
        assert client.get("/sparql", params={"query": "ASK {}"}).status_code == 200


def test_queries_from_several_connections_at_once_are_not_a_lone_client():
    now = [100.0]
    connections = RecentConnections(0.05, clock=lambda: now[0])
    a, b = ("10.0.0.1", 40001), ("10.0.0.1", 40002)
    assert connections.alone(a)
    now[0] += 0.01
    assert connections.alone(a)  # the same connection again
    assert not connections.alone(b)  # a second one within the window
    now[0] += 0.01
    assert not connections.alone(a)
    now[0] += 0.2  # both quiet for longer than the window
    assert connections.alone(b)
