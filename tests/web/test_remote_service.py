"""The service on a triplestore server (`MODELGRAPH_STORE_URL`): it answers from the server
and follows its changes; a server that is down, answers garbage or is too slow gives the
usual JSON errors; admin writes reach the server only whole and validated.

The protocol, view, validation and admin tests run on this backend too (conftest.BACKENDS);
these are the cases that only a remote store has."""

from __future__ import annotations

import json
import re
import threading
import time
from urllib.parse import parse_qs

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from modelgraph.execution import UpdateJob
from modelgraph.execution.remote import RemoteExecutor
from modelgraph.settings import Settings
from modelgraph.store import RemoteStore
from modelgraph.web import create_app
from modelgraph.web.app import executor_of

from ..oxigraph_server import free_port
from ..store.stub_server import Reply, StubServer
from .conftest import PREFIXES, SRC, catalogue_quads, select, serve

TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
WINDOWS = "SELECT ?cw WHERE { ?m mg:contextWindow ?cw } ORDER BY ?cw"


def _client(**settings) -> TestClient:
    settings.setdefault("workers", 1)
    return TestClient(create_app(Settings(**settings)), raise_server_exceptions=False)


def test_a_store_url_setting_serves_the_server_and_follows_its_changes(shared_oxigraph):
    shared_oxigraph.load(catalogue_quads())
    with _client(store_url=shared_oxigraph.url) as client:
        assert isinstance(executor_of(client.app), RemoteExecutor)
        before = client.get("/health").json()
        assert [r["cw"] for r in select(client, WINDOWS)] == ["8000", "64000", "65536"]
        window = ox.NamedNode("https://w3id.org/modelgraph/ontology#contextWindow")
        model = ox.NamedNode("https://w3id.org/modelgraph/id/model/breeze")
        with RemoteStore(shared_oxigraph.url) as other_writer:
            other_writer.replace_graph(ox.NamedNode(SRC + "gamma"),
                                       [ox.Triple(model, window, ox.Literal("9000"))])
        assert "9000" in [r["cw"] for r in select(client, WINDOWS)]
        after = client.get("/health").json()
    assert after["generation"] != before["generation"]
    assert after["triples"] == 24 - 9 + 1 and after["graphs"] == 3


def _dead_url() -> str:
    return f"http://127.0.0.1:{free_port()}"


@pytest.mark.parametrize("path", ["/sparql?query=ASK%20%7B%7D", "/models", "/validation",
                                  "/export?format=nquads", "/rdf-graphs/service"])
def test_a_store_that_is_down_is_a_503_json_error_naming_it(path):
    url = _dead_url()
    with _client(store_url=url) as client:
        response = client.get(path)
        health = client.get("/health")
    assert response.status_code == 503, response.text
    body = response.json()
    assert body["error"] == "StoreError" and url in body["source"]
    assert "cannot reach the triplestore" in body["message"]
    assert health.status_code == 503 and health.json()["status"] == "unavailable"


@pytest.mark.parametrize("reply", [
    Reply(content_type="text/html", body=b"<html>Welcome to the proxy</html>"),
    Reply(body=b'{"head": {"vars": ["g", "n"]}, "results": {"bindings": [{"n": '),
], ids=["an-html-page", "cut-off-json"])
def test_garbage_from_the_store_is_a_503_json_error(reply):
    with StubServer(lambda request: reply) as stub, _client(store_url=stub.url) as client:
        for path in ("/sparql?query=ASK%20%7B%7D", "/models", "/health"):
            response = client.get(path)
            assert response.status_code == 503, (path, response.text)
            assert "the triplestore answered with" in response.json()["message"]


def _stub_answers(slow_s: float):
    """Answers a query as an empty store would; queries containing SLOW after `slow_s`."""
    def answer(request) -> Reply:
        query = parse_qs(request.body.decode()).get("query", [""])[0]
        if "COUNT(*) AS ?n) (SUM" in query:  # the fingerprint
            row = {"n": {"type": "literal", "value": "0"}}
            body = {"head": {"vars": ["n", "sum"]}, "results": {"bindings": [row]}}
        elif re.search(r"\bASK\s*\{", query, re.IGNORECASE):  # maybe after a BASE
            body = {"head": {}, "boolean": False}
        else:
            body = {"head": {"vars": ["g", "n"]}, "results": {"bindings": []}}
        return Reply(body=json.dumps(body).encode(), delay_s=slow_s if "SLOW" in query else 0)
    return answer


def _slow_client(stub: StubServer, **settings) -> TestClient:
    store = RemoteStore(stub.url, union_default_graph="native", timeout_param="timeout={ms}")
    app = create_app(Settings(workers=1, **settings), store)
    return TestClient(app, raise_server_exceptions=False)


def test_a_query_the_store_does_not_answer_in_time_is_a_503_at_the_time_limit():
    with StubServer(_stub_answers(slow_s=3.0)) as stub, \
            _slow_client(stub, query_timeout_s=0.5) as client:
        start = time.monotonic()
        response = client.get("/sparql", params={"query": "ASK { ?s ?p 'SLOW' }"})
        elapsed = time.monotonic() - start
        health = client.get("/health").json()
        follow_up = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
    assert response.status_code == 503 and response.headers["retry-after"]
    assert response.json()["message"].startswith("query exceeded the 0.5 s time limit")
    assert 0.5 <= elapsed < 1.5
    assert health["queries_stopped_by_time_limit"] == 1
    assert follow_up.status_code == 200
    sent = parse_qs(stub.requests[0].body.decode())
    assert 400 <= int(sent["timeout"][0]) <= 500  # the server is told the same limit, in ms


def test_queries_beyond_the_concurrency_limit_wait_for_a_free_connection():
    with StubServer(_stub_answers(slow_s=1.5)) as stub, \
            _slow_client(stub, query_timeout_s=0.4) as client:  # workers=1
        slow = threading.Thread(target=client.get,
                                args=("/sparql",), kwargs={"params": {"query": "ASK {'SLOW'}"}})
        slow.start()
        time.sleep(0.1)
        start = time.monotonic()
        response = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
        waited = time.monotonic() - start
        slow.join()
    assert response.status_code == 200
    assert waited >= 0.25  # until the slow query gave up its connection at its time limit
    assert len(stub.requests) == 2


@pytest.fixture
def admin(shared_oxigraph):
    with serve(shared=shared_oxigraph, admin_token=TOKEN) as client:
        yield client


def test_an_update_into_the_default_graph_is_refused_and_nothing_is_written(admin,
                                                                            shared_oxigraph):
    before = admin.get("/health").json()
    response = admin.post("/sparql", headers=AUTH, data={
        "update": 'INSERT DATA { <https://w3id.org/modelgraph/id/model/x> <http://e/p> "y" }'})
    assert response.status_code == 400
    assert "named graphs only" in response.json()["message"]
    assert admin.get("/health").json() == before


def test_an_update_that_races_another_write_is_refused_with_409(admin, shared_oxigraph):
    executor = executor_of(admin.app)
    run = executor.run
    racing = ox.Quad(ox.NamedNode("https://w3id.org/modelgraph/id/model/breeze"),
                     ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment"),
                     ox.Literal("written by someone else"), ox.NamedNode(SRC + "beta"))

    def run_then_race(job, **kwargs):
        output = run(job, **kwargs)
        if isinstance(job, UpdateJob):  # another writer changes the server meanwhile
            with RemoteStore(shared_oxigraph.url) as other:
                other.replace_graph(racing.graph_name, [*other.quads(racing.graph_name), racing])
        return output

    executor.run = run_then_race
    update = PREFIXES + 'INSERT DATA { GRAPH src:gamma { mgid:model\\/breeze mg:alias "b2" } }'
    response = admin.post("/sparql", headers=AUTH, data={"update": update})
    executor.run = run
    assert response.status_code == 409, response.text
    assert "nothing was written" in response.json()["message"]
    assert select(admin, "SELECT ?a WHERE { ?m mg:alias 'b2' }") == []
    with RemoteStore(shared_oxigraph.url) as store:
        assert racing in store.quads(racing.graph_name)
