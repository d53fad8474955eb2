"""Result formats and content negotiation: every format parses back with pyoxigraph, the
Accept header is honoured (q-values, wildcards), `format=` overrides it, 406 names the
acceptable types."""

from __future__ import annotations

import csv
import io

import pyoxigraph as ox
import pytest

from .conftest import PREFIXES

SELECT = PREFIXES + "SELECT ?m ?cw WHERE { GRAPH ?g { ?m mg:contextWindow ?cw } } ORDER BY ?cw"
ASK = PREFIXES + "ASK { ?m mg:contextWindow 8000 }"
CONSTRUCT = PREFIXES + "CONSTRUCT { ?m mg:contextWindow ?cw } WHERE { ?m mg:contextWindow ?cw }"
DESCRIBE = PREFIXES + "DESCRIBE mgid:model\\/breeze"

RESULT_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
}


def media_type(response) -> str:
    return response.headers["content-type"].split(";")[0].strip()


@pytest.mark.parametrize("accept", list(RESULT_FORMATS))
def test_select_answers_in_each_results_format(client, accept):
    response = client.get("/sparql", params={"query": SELECT}, headers={"Accept": accept})
    assert response.status_code == 200, response.text
    assert media_type(response) == accept
    if accept == "text/csv":  # lossy, so pyoxigraph does not parse it back
        rows = list(csv.DictReader(io.StringIO(response.text)))
        values = [row["cw"] for row in rows]
    else:
        results = ox.parse_query_results(response.content, format=RESULT_FORMATS[accept])
        values = [solution["cw"].value for solution in results]
    assert values == ["8000", "64000", "65536"]


@pytest.mark.parametrize(
    "accept", ["application/sparql-results+json", "application/sparql-results+xml"]
)
def test_ask_answers_a_boolean(client, accept):
    response = client.get("/sparql", params={"query": ASK}, headers={"Accept": accept})
    assert response.status_code == 200
    assert bool(ox.parse_query_results(response.content, format=RESULT_FORMATS[accept])) is True


@pytest.mark.parametrize("query", [CONSTRUCT, DESCRIBE], ids=["construct", "describe"])
@pytest.mark.parametrize("accept", list(GRAPH_FORMATS))
def test_construct_and_describe_answer_in_each_rdf_format(client, accept, query):
    response = client.get("/sparql", params={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200, response.text
    assert media_type(response) == accept
    triples = {q.triple for q in ox.parse(response.content, format=GRAPH_FORMATS[accept])}
    breeze = ox.NamedNode("https://w3id.org/modelgraph/id/model/breeze")
    window = ox.NamedNode("https://w3id.org/modelgraph/ontology#contextWindow")
    assert ox.Triple(breeze, window, ox.Literal("8000", datatype=_XSD_INTEGER)) in triples


_XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")

# Accept header -> chosen type, for a SELECT and for a CONSTRUCT. None: 406.
NEGOTIATION_TABLE = [
    (None, "application/sparql-results+json", "text/turtle"),
    ("*/*", "application/sparql-results+json", "text/turtle"),
    ("text/*", "text/csv", "text/turtle"),
    ("application/*", "application/sparql-results+json", "application/trig"),
    ("text/csv", "text/csv", None),
    ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml", None),
    ("text/csv;q=0.9, text/tab-separated-values", "text/tab-separated-values", None),
    ("application/json", "application/json", "application/json"),
    ("application/ld+json;q=0.9, text/turtle;q=0.8", None, "application/ld+json"),
    ("text/turtle;q=0.1, */*;q=0.5", "application/sparql-results+json", "application/trig"),
    ("text/turtle;q=0, */*", "application/sparql-results+json", "application/trig"),
    ("application/n-triples", None, "application/n-triples"),
    ("text/plain", None, "text/plain"),
    ("image/png", None, None),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
     "application/xml", "application/xml"),
    ("TEXT/CSV", "text/csv", None),
    ("garbage, text/tab-separated-values", "text/tab-separated-values", None),
]  # fmt: skip


@pytest.mark.parametrize("accept, for_select, for_construct", NEGOTIATION_TABLE)
def test_content_negotiation_follows_the_accept_header(client, accept, for_select, for_construct):
    headers = {"Accept": accept} if accept is not None else {}
    for query, expected in ((SELECT, for_select), (CONSTRUCT, for_construct)):
        response = client.get("/sparql", params={"query": query}, headers=headers)
        if expected is None:
            assert response.status_code == 406, (accept, response.text)
        else:
            assert response.status_code == 200, (accept, response.text)
            assert media_type(response) == expected, accept


def test_an_unacceptable_accept_answers_406_naming_the_acceptable_types(client):
    response = client.get(
        "/sparql", params={"query": SELECT}, headers={"Accept": "application/rdf+xml"}
    )
    assert response.status_code == 406
    body = response.json()
    assert body["error"] == "NotAcceptable"
    assert "application/sparql-results+json" in body["acceptable"]
    assert "text/csv" in body["message"]


@pytest.mark.parametrize(
    "name, query, expected",
    [
        ("json", SELECT, "application/sparql-results+json"),
        ("xml", SELECT, "application/sparql-results+xml"),
        ("csv", SELECT, "text/csv"),
        ("tsv", SELECT, "text/tab-separated-values"),
        ("turtle", CONSTRUCT, "text/turtle"),
        ("ntriples", CONSTRUCT, "application/n-triples"),
        ("jsonld", CONSTRUCT, "application/ld+json"),
        ("rdfxml", CONSTRUCT, "application/rdf+xml"),
        ("json", CONSTRUCT, "application/ld+json"),
        ("text/csv", SELECT, "text/csv"),
    ],
)
def test_the_format_parameter_overrides_accept(client, name, query, expected):
    response = client.get(
        "/sparql", params={"query": query, "format": name}, headers={"Accept": "image/png"}
    )
    assert response.status_code == 200, response.text
    assert media_type(response) == expected


def test_a_format_that_does_not_fit_the_query_answers_406_and_an_unknown_one_400(client):
    wrong = client.get("/sparql", params={"query": CONSTRUCT, "format": "csv"})
    assert wrong.status_code == 406 and "turtle" in wrong.json()["message"]
    unknown = client.get("/sparql", params={"query": SELECT, "format": "yaml"})
    assert unknown.status_code == 400 and unknown.json()["field"] == "format"


def test_text_formats_declare_utf8(client):
    response = client.get("/sparql", params={"query": SELECT, "format": "csv"})
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["vary"] == "Accept"


def test_a_triple_stated_by_several_sources_is_answered_once(client):
    query = PREFIXES + "CONSTRUCT { ?m a mg:Model } WHERE { GRAPH ?g { ?m a mg:Model } }"
    for sparql in (query, PREFIXES + "DESCRIBE ?m WHERE { GRAPH ?g { ?m a mg:Model } }"):
        response = client.get("/sparql", params={"query": sparql},
                              headers={"Accept": "application/n-triples"})
        lines = response.text.splitlines()
        assert len(lines) == len(set(lines)) > 0, response.text
