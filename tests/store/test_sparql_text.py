"""The SPARQL text a remote store sends, checked by running it on pyoxigraph itself."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from modelgraph.errors import InputError
from modelgraph.store.sparql_text import (
    has_trailing_values,
    replace_graph_update,
    replace_graphs_update,
    with_values,
)

DATA = """
@prefix ex: <http://example.org/> .
ex:g1 { ex:a ex:p ex:x , ex:y . ex:a ex:size 3 . }
ex:g2 { ex:b ex:p ex:x . ex:b ex:size 5 . ex:a ex:p ex:z . }
"""
EX = "http://example.org/"
A, X = ox.NamedNode(EX + "a"), ox.NamedNode(EX + "x")


@pytest.fixture(scope="module")
def store() -> ox.Store:
    store = ox.Store()
    store.extend(ox.parse(DATA, format=ox.RdfFormat.TRIG))
    return store


def answers(result) -> object:
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    if isinstance(result, ox.QueryTriples):
        return sorted(str(t) for t in result)
    return sorted(tuple(str(row[v]) for v in result.variables) for row in result)


@pytest.mark.parametrize(
    "query, substitutions",
    [
        ("SELECT ?s ?o WHERE { ?s <http://example.org/p> ?o }", {"s": A}),
        ("SELECT ?s ?o WHERE { ?s <http://example.org/p> ?o }", {"s": A, "o": X}),
        ("SELECT ?s (COUNT(*) AS ?n) WHERE { ?s <http://example.org/p> ?o } GROUP BY ?s",
         {"s": A}),
        ("SELECT ?s ?o WHERE { ?s <http://example.org/p> ?o } ORDER BY ?o LIMIT 1", {"s": A}),
        (("SELECT ?s ?g WHERE { { SELECT ?s WHERE { ?s <http://example.org/p> ?o } "
          "GROUP BY ?s HAVING (COUNT(?o) > 1) } GRAPH ?g { ?s ?q ?v } }"), {"s": A}),
        ("SELECT ?s ?v WHERE { ?s <http://example.org/size> ?v FILTER(?v > 2) }",
         {"v": ox.Literal("5", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))}),
        ("ASK { ?s <http://example.org/p> <http://example.org/z> }", {"s": A}),
        ("CONSTRUCT { ?s <http://example.org/q> ?o } WHERE { ?s <http://example.org/p> ?o }",
         {"s": A}),
        ("SELECT * WHERE { ?s ?p ?o } # a comment at the very end", {"s": A}),
    ],
    ids=["one-var", "two-vars", "group-by", "order-limit", "subquery", "literal", "ask",
         "construct", "trailing-comment"],
)
def test_a_trailing_values_clause_answers_as_pyoxigraph_substitutions_do(
    store, query, substitutions
):
    variables = {ox.Variable(name): term for name, term in substitutions.items()}
    expected = answers(store.query(query, substitutions=variables,
                                   use_default_graph_as_union=True))
    rewritten = with_values(query, variables)
    assert answers(store.query(rewritten, use_default_graph_as_union=True)) == expected


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { VALUES ?s { 1 } ?s ?p ?o }",
        "SELECT * WHERE { ?s ?p 'VALUES' }",
        "SELECT * WHERE { ?s ?p \"\"\"} VALUES\"\"\" }",
        "SELECT * WHERE { ?s ?p ?o } # VALUES ?s { 1 }",
        "PREFIX values: <http://example.org/> SELECT * WHERE { ?s values:p ?values }",
        "SELECT * WHERE { ?s ?p <http://example.org/VALUES> }",
    ],
)
def test_values_inside_the_query_is_not_mistaken_for_a_trailing_clause(query):
    assert not has_trailing_values(query)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { ?s ?p ?o } VALUES ?s { 1 }",
        "SELECT * { ?s ?p ?o } LIMIT 3 values (?s) { (1) }",
        "SELECT * WHERE { ?s ?p '}' } VALUES ?s { 1 }",
    ],
)
def test_a_trailing_values_clause_is_found(query):
    assert has_trailing_values(query)


@pytest.mark.parametrize("name", ["s} DROP ALL {", "", "a b", "?"])
def test_a_substitution_key_must_be_a_variable_name(name):
    with pytest.raises(InputError, match="not a SPARQL variable name"):
        with_values("SELECT * WHERE { ?s ?p ?o }", {name: A})


def test_a_substitution_value_must_be_an_iri_or_a_literal():
    with pytest.raises(InputError, match="expected an IRI or a literal"):
        with_values("SELECT * WHERE { ?s ?p ?o }", {ox.Variable("s"): "<http://example.org/a>"})


TRICKY = [
    ox.Literal('quote " and backslash \\ and \\u0041'),
    ox.Literal("new\nline\ttab\r"),
    ox.Literal("ünïcødé 模型 🚀", language="zh-Hant"),
    ox.Literal("0.075", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")),
    ox.Literal("'''} } ; DROP ALL ; INSERT DATA { <x> <y> <z> }"),
]


def test_an_update_carries_any_literal_unchanged():
    graph = ox.NamedNode(EX + "g")
    quads = [ox.Quad(A, ox.NamedNode(EX + f"p{n}"), literal, graph)
             for n, literal in enumerate(TRICKY)]
    store = ox.Store()
    store.add(ox.Quad(A, ox.NamedNode(EX + "old"), X, graph))
    store.update(replace_graph_update(graph, quads))
    assert set(store.quads_for_pattern(None, None, None, None)) == set(quads)


def test_one_update_drops_old_graphs_and_inserts_new_ones():
    store = ox.Store()
    store.extend(ox.parse(DATA, format=ox.RdfFormat.TRIG))
    g1, g3 = ox.NamedNode(EX + "g1"), ox.NamedNode(EX + "g3")
    new = [ox.Quad(A, ox.NamedNode(EX + "p"), X, g3)]
    store.update(replace_graphs_update([g1, g3], new))
    assert {q.graph_name for q in store} == {ox.NamedNode(EX + "g2"), g3}
    assert set(store.quads_for_pattern(None, None, None, g3)) == set(new)
