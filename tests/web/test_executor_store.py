"""Views over HTTP read the query workers' answers through ExecutorStore: every term comes
back exactly as the embedded store gives it (SPARQL TSV on the way), the generation that
answered is recorded."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from modelgraph.execution import QueryExecutor
from modelgraph.store import EmbeddedStore
from modelgraph.web.views import ExecutorStore

EX = "http://example.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"
TRICKY = [
    ox.Literal('tab\there, newline\nthere, "quotes", back\\slash, ünïcödé'),
    ox.Literal("bonjour", language="fr"),
    ox.Literal("colour", language="en-GB"),
    ox.Literal("0.25", datatype=ox.NamedNode(XSD + "decimal")),
    ox.Literal("128000", datatype=ox.NamedNode(XSD + "integer")),
    ox.Literal("2025-03", datatype=ox.NamedNode(XSD + "gYearMonth")),
    ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean")),
    ox.Literal(""),
    ox.NamedNode(EX + "with%20escape"),
]


@pytest.fixture(scope="module")
def stores():
    quads = [ox.Quad(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(EX + "p"), term,
                     ox.NamedNode(EX + "g")) for i, term in enumerate(TRICKY)]
    embedded = EmbeddedStore.memory(quads)
    with QueryExecutor.for_store(embedded, workers=1) as executor:
        yield embedded, ExecutorStore(executor)


QUERY = "SELECT ?s ?o ?missing WHERE { ?s ?p ?o } ORDER BY ?s"


def test_every_term_comes_back_as_the_embedded_store_gives_it(stores):
    embedded, remote = stores
    expected = [(row["s"], row["o"], row["missing"]) for row in embedded.query(QUERY)]
    answered = remote.query(QUERY)
    assert [v.value for v in answered.variables] == ["s", "o", "missing"]
    assert [(row["s"], row["o"], row["missing"]) for row in answered] == expected
    assert len(expected) == len(TRICKY)
    assert remote.generation is not None


def test_ask_and_construct_answer_too(stores):
    _, remote = stores
    assert bool(remote.query(f"ASK {{ ?s ?p {TRICKY[1]} }}")) is True
    assert bool(remote.query("ASK { ?s ?p <http://example.org/none> }")) is False
    triples = remote.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert {t.object for t in triples} == set(TRICKY)
