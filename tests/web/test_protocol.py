"""SPARQL 1.1 Protocol at /sparql: the three ways to send a query, the dataset, and the
4xx answers for requests that are ambiguous or malformed."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest

from .conftest import MG, PREFIXES, SOURCE_GRAPHS, SRC, select, serve

LABELS = "SELECT DISTINCT ?label WHERE { ?m a mg:Model ; rdfs:label ?label } ORDER BY ?label"
RDFS = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"


def labels(response) -> list[str]:
    assert response.status_code == 200, response.text
    results = ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)
    return [solution["label"].value for solution in results]


EXPECTED_LABELS = ['Breeze "the quick" model', "Zephyr"]


def test_a_query_can_be_sent_as_a_get_parameter(client):
    response = client.get("/sparql", params={"query": PREFIXES + RDFS + LABELS})
    assert labels(response) == EXPECTED_LABELS


def test_a_query_can_be_posted_as_a_form(client):
    response = client.post("/sparql", data={"query": PREFIXES + RDFS + LABELS})
    assert labels(response) == EXPECTED_LABELS


def test_a_query_can_be_posted_as_the_body(client):
    response = client.post(
        "/sparql",
        content=(PREFIXES + RDFS + LABELS).encode(),
        headers={"Content-Type": "application/sparql-query; charset=utf-8"},
    )
    assert labels(response) == EXPECTED_LABELS


def test_without_dataset_parameters_the_default_graph_is_the_union_of_the_source_graphs(client):
    rows = select(client, "SELECT ?m WHERE { ?m mg:vendor mgid:vendor\\/windco } ORDER BY ?m")
    assert [r["m"] for r in rows] == [
        "https://w3id.org/modelgraph/id/model/breeze",
        "https://w3id.org/modelgraph/id/model/zephyr",
    ]


def test_graph_reaches_each_source_page_separately(client):
    rows = select(
        client,
        "SELECT ?g ?cw WHERE { GRAPH ?g { mgid:model\\/zephyr mg:contextWindow ?cw } } ORDER BY ?g",
    )
    assert rows == [{"g": SRC + "alpha", "cw": "64000"}, {"g": SRC + "beta", "cw": "65536"}]


def test_default_graph_uri_makes_those_graphs_the_default_graph(client):
    rows = select(
        client,
        "SELECT ?cw WHERE { ?m mg:contextWindow ?cw } ORDER BY ?cw",
        **{"default-graph-uri": [SRC + "gamma", SRC + "beta"]},
    )
    assert [r["cw"] for r in rows] == ["8000", "65536"]


def test_default_graph_uri_alone_leaves_no_named_graphs(client):
    rows = select(
        client,
        "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
        **{"default-graph-uri": SRC + "gamma"},
    )
    assert rows == []


def test_named_graph_uri_limits_graph_and_leaves_the_default_graph_empty(client):
    query = "SELECT DISTINCT ?g ?x WHERE { { GRAPH ?g { ?s ?p ?o } } UNION { ?x ?y ?z } }"
    rows = select(client, query, **{"named-graph-uri": SRC + "beta"})
    assert rows == [{"g": SRC + "beta"}]


def test_from_in_the_query_chooses_the_default_graph_when_the_request_does_not(client):
    rows = select(client, f"SELECT ?cw FROM <{SRC}alpha> WHERE {{ ?m mg:contextWindow ?cw }}")
    assert rows == [{"cw": "64000"}]


def test_dataset_parameters_override_from_in_the_query(client):
    rows = select(
        client,
        f"SELECT ?cw FROM <{SRC}alpha> WHERE {{ ?m mg:contextWindow ?cw }}",
        **{"default-graph-uri": SRC + "gamma"},
    )
    assert rows == [{"cw": "8000"}]


def test_a_graph_uri_that_is_not_an_iri_is_refused_naming_the_parameter(client):
    response = client.get("/sparql", params={"query": "ASK {}", "default-graph-uri": "not an iri"})
    assert response.status_code == 400
    assert response.json()["field"] == "default-graph-uri"


@pytest.mark.parametrize(
    "method, kwargs, status, fragment",
    [
        ("get", {"params": [("query", "ASK {}"), ("query", "ASK {}")]}, 400, "more than one"),
        ("post", {"data": {"query": "ASK {}", "update": "CLEAR ALL"}}, 400, "not both"),
        ("post", {"data": {"format": "json"}}, 400, "no query"),
        ("get", {"params": {"query": "  "}}, 400, "empty"),
        ("get", {"params": {"update": "CLEAR ALL"}}, 400, "POST"),
        (
            "post",
            {
                "params": {"query": "ASK {}"},
                "content": b"ASK {}",
                "headers": {"Content-Type": "application/sparql-query"},
            },
            400,
            "must not carry",
        ),
        (
            "post",
            {"content": b"ASK {}", "headers": {"Content-Type": "text/plain"}},
            415,
            "application/sparql-query",
        ),
        ("post", {"content": b"ASK {}"}, 415, "application/x-www-form-urlencoded"),
        (
            "post",
            {"content": b"\xff\xfe", "headers": {"Content-Type": "application/sparql-query"}},
            400,
            "UTF-8",
        ),
    ],
    ids=[
        "two-queries",
        "query-and-update",
        "post-without-query",
        "empty-query",
        "update-by-get",
        "query-in-body-and-url",
        "unknown-content-type",
        "no-content-type",
        "body-not-utf8",
    ],
)
def test_ambiguous_or_malformed_requests_are_refused(client, method, kwargs, status, fragment):
    response = getattr(client, method)("/sparql", **kwargs)
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) >= {"error", "message"}
    assert fragment in body["message"]


def test_a_syntax_error_answers_400_with_the_parsers_line_and_column(client):
    query = 'SELECT ?s\nWHERE {\n  ?s ?p "unterminated .\n}'
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "QuerySyntaxError"
    assert (body["line"], body["column"]) == (3, 24)  # the end of line 3: no closing quote
    assert re.search(r"\b3:24\b", body["message"])


def test_an_undeclared_prefix_is_named_with_the_prefix_line_to_add(client):
    query = "SELECT ?m WHERE {\n  ?m a mg:Model ;\n     ex:flag true }"
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "QuerySyntaxError"
    assert (body["line"], body["column"]) == (2, 8)  # where mg:Model is
    assert body["message"] == (
        "SPARQL syntax error: the prefix mg: of mg:Model is not declared (nor are ex:); "
        f"start the query with: PREFIX mg: <{MG}> PREFIX ex: <…> "
        "(with the namespace IRI of ex:)")


def test_an_unknown_path_and_a_wrong_method_answer_json(client):
    missing = client.get("/nowhere")
    assert missing.status_code == 404 and missing.json()["error"] == "NotFound"
    wrong = client.put("/sparql", content=b"x")
    assert wrong.status_code == 405 and wrong.json()["error"] == "MethodNotAllowed"


def test_health_reports_the_generation_and_size_of_the_store(client):
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["graphs"] == len(SOURCE_GRAPHS)
    assert body["triples"] == 24
    assert body["generation"]
    assert response.headers["content-type"] == "application/json"


def test_health_says_unavailable_when_nothing_has_been_built(tmp_path):
    from fastapi.testclient import TestClient

    from modelgraph.settings import Settings
    from modelgraph.web import create_app

    app = create_app(Settings(data_dir=tmp_path / "empty", workers=1))
    with TestClient(app) as client:
        response = client.get("/health")
        query = client.get("/sparql", params={"query": "ASK {}"})
    assert response.status_code == 503
    assert "modelgraph build" in response.json()["message"]
    assert query.status_code == 503 and query.json()["error"] == "StoreError"


def test_a_body_over_the_limit_is_refused_with_413():
    with serve(max_body_bytes=200) as client:
        big = "ASK {}" + " " * 300
        declared = client.post("/sparql", data={"query": big})
        chunked = client.post(
            "/sparql",
            content=iter([b"ASK {}", b" " * 300]),
            headers={"Content-Type": "application/sparql-query"},
        )
        small = client.post("/sparql", data={"query": "ASK {}"})
    assert declared.status_code == 413 and declared.json()["error"] == "PayloadTooLarge"
    assert chunked.status_code == 413 and "200" in chunked.json()["message"]
    assert small.status_code == 200


def test_cors_is_off_by_default_and_configurable(client):
    origin = {"Origin": "https://example.org"}
    off = client.get("/sparql", params={"query": "ASK {}"}, headers=origin)
    assert "access-control-allow-origin" not in off.headers
    with serve(cors_origins="https://example.org, https://other.example") as cors_client:
        on = cors_client.get("/sparql", params={"query": "ASK {}"}, headers=origin)
    assert on.headers["access-control-allow-origin"] == "https://example.org"


def test_relative_iris_in_a_query_resolve_against_the_endpoint_url(client):
    response = client.get("/sparql", params={"query": "CONSTRUCT { <s> <p> 1 } WHERE {}"},
                          headers={"Accept": "application/n-triples"})
    assert response.status_code == 200, response.text
    [triple] = ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES)
    assert triple.subject == ox.NamedNode("http://testserver/s")


def test_a_host_header_that_makes_no_iri_falls_back_to_the_server_address(client):
    """Regression: the base IRI was built from the Host header as sent: 500."""
    response = client.get("/sparql", params={"query": "CONSTRUCT { <s> <p> 1 } WHERE {}"},
                          headers={"Accept": "application/n-triples", "Host": "bad host<>"})
    assert response.status_code == 200, response.text
    [triple] = ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES)
    assert triple.subject.value.endswith("/s") and "bad" not in triple.subject.value
