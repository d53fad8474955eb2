"""The Store contract, checked on every backend (see conftest.py): the same calls, the same
answers, whether the graph lives in memory, on disk or on a SPARQL server."""

from __future__ import annotations

import threading
import time

import pyoxigraph as ox
import pytest

from modelgraph.errors import InputError, QuerySyntaxError
from modelgraph.store import Store

PREFIXES = """
@prefix mg: <https://w3id.org/modelgraph/ontology#> .
@prefix model: <https://w3id.org/modelgraph/id/model/> .
@prefix src: <https://w3id.org/modelgraph/source/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""

# Two source pages that disagree about one model's context window.
TRIG = PREFIXES + """
src:alpha {
  model:zephyr-7 a mg:Model ; rdfs:label "Zephyr 7" ; mg:contextWindow 32000 .
}
src:beta {
  model:zephyr-7 a mg:Model ; mg:contextWindow 32768 ; mg:inputPrice 0.25 .
  model:breeze-2 a mg:Model ; rdfs:label "Breeze \\"2\\"\\nsecond line" .
}
"""

SPARQL_PREFIXES = """
PREFIX mg: <https://w3id.org/modelgraph/ontology#>
PREFIX model: <https://w3id.org/modelgraph/id/model/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""

SRC = "https://w3id.org/modelgraph/source/"
ALPHA, BETA = ox.NamedNode(SRC + "alpha"), ox.NamedNode(SRC + "beta")
ZEPHYR = ox.NamedNode("https://w3id.org/modelgraph/id/model/zephyr-7")
BREEZE = ox.NamedNode("https://w3id.org/modelgraph/id/model/breeze-2")
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
MG = "https://w3id.org/modelgraph/ontology#"


def seed_quads() -> list[ox.Quad]:
    return list(ox.parse(TRIG, format=ox.RdfFormat.TRIG))


def in_graph(graph: ox.NamedNode, turtle: str) -> list[ox.Quad]:
    return [
        ox.Quad(t.subject, t.predicate, t.object, graph)
        for t in ox.parse(PREFIXES + turtle, format=ox.RdfFormat.TURTLE)
    ]


def select(store, sparql: str, **options) -> set[tuple]:
    result = store.query(SPARQL_PREFIXES + sparql, **options)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return {tuple(_plain(row[name]) for name in names) for row in result}


def _plain(term):
    if term is None:
        return None
    return term.value


@pytest.fixture
def store(backend):
    return backend.make(seed_quads())


# -- reading --------------------------------------------------------------------------------


def test_every_backend_is_a_store(store):
    assert isinstance(store, Store)


def test_a_query_sees_all_source_graphs_as_one_default_graph(store):
    rows = select(store, "SELECT ?cw WHERE { model:zephyr-7 mg:contextWindow ?cw }")
    assert rows == {("32000",), ("32768",)}


def test_graph_variable_tells_which_source_says_what(store):
    rows = select(store, "SELECT ?g ?cw WHERE { GRAPH ?g { model:zephyr-7 mg:contextWindow ?cw } }")
    assert rows == {(ALPHA.value, "32000"), (BETA.value, "32768")}


def test_ask_answers_true_or_false(store):
    yes = store.query(SPARQL_PREFIXES + "ASK { model:zephyr-7 mg:inputPrice ?p }")
    no = store.query(SPARQL_PREFIXES + "ASK { model:breeze-2 mg:inputPrice ?p }")
    assert isinstance(yes, ox.QueryBoolean) and bool(yes) is True
    assert bool(no) is False


def test_construct_returns_triples(store):
    result = store.query(
        SPARQL_PREFIXES
        + "CONSTRUCT { ?m mg:name ?l } WHERE { ?m a mg:Model ; rdfs:label ?l }"
    )
    assert isinstance(result, ox.QueryTriples)
    name = ox.NamedNode(MG + "name")
    assert set(result) == {
        ox.Triple(ZEPHYR, name, ox.Literal("Zephyr 7")),
        ox.Triple(BREEZE, name, ox.Literal('Breeze "2"\nsecond line')),
    }


def test_without_the_union_the_default_graph_holds_nothing(store):
    assert bool(store.query("ASK { ?s ?p ?o }", union_default_graph=False)) is False


def test_a_given_default_graph_limits_what_the_query_sees(store):
    rows = select(
        store,
        "SELECT ?cw WHERE { model:zephyr-7 mg:contextWindow ?cw }",
        default_graph=[ALPHA],
    )
    assert rows == {("32000",)}


def test_given_named_graphs_limit_what_graph_patterns_see(store):
    rows = select(
        store,
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
        default_graph=[ALPHA],
        named_graphs=[BETA],
    )
    assert rows == {(BETA.value,)}


def test_a_substitution_binds_a_variable_to_an_iri(store):
    rows = select(
        store,
        "SELECT ?m ?cw WHERE { ?m mg:contextWindow ?cw }",
        substitutions={ox.Variable("m"): ZEPHYR},
    )
    assert rows == {(ZEPHYR.value, "32000"), (ZEPHYR.value, "32768")}


def test_a_substituted_literal_is_matched_exactly_quotes_and_newlines_included(store):
    label = ox.Literal('Breeze "2"\nsecond line')
    rows = select(store, "SELECT ?m ?l WHERE { ?m rdfs:label ?l }", substitutions={ox.Variable("l"): label})
    assert rows == {(BREEZE.value, label.value)}


def test_a_substituted_literal_cannot_change_the_query(store):
    hostile = ox.Literal('x" ) } } ; DROP ALL ; SELECT * { ?s ?p "')
    rows = select(store, "SELECT ?m ?l WHERE { ?m rdfs:label ?l }", substitutions={ox.Variable("l"): hostile})
    assert rows == set()
    assert store.count() == len(seed_quads())


def test_a_base_iri_resolves_relative_iris(store):
    rows = select(
        store,
        "SELECT ?l WHERE { <zephyr-7> rdfs:label ?l }",
        base_iri="https://w3id.org/modelgraph/id/model/",
    )
    assert rows == {("Zephyr 7",)}


def test_a_malformed_query_is_a_syntax_error(store):
    with pytest.raises(QuerySyntaxError):
        store.query("SELECT ?s WHERE { ?s ?p ")


def test_named_graphs_lists_each_source_graph_in_order(store):
    assert store.named_graphs() == [ALPHA, BETA]


def test_quads_and_count_cover_the_dataset_or_one_graph(store):
    seed = seed_quads()
    assert set(store.quads()) == set(seed)
    assert store.count() == len(seed)
    alpha = [q for q in seed if q.graph_name == ALPHA]
    assert set(store.quads(ALPHA)) == set(alpha)
    assert store.count(ALPHA) == len(alpha) == 3


def test_dump_writes_the_dataset_as_nquads(store):
    dumped = store.dump(ox.RdfFormat.N_QUADS)
    assert set(ox.parse(dumped, format=ox.RdfFormat.N_QUADS)) == set(seed_quads())


def test_dump_writes_one_graph_as_turtle(store):
    dumped = store.dump(ox.RdfFormat.TURTLE, ALPHA)
    triples = {q.triple for q in ox.parse(dumped, format=ox.RdfFormat.TURTLE)}
    assert triples == {q.triple for q in seed_quads() if q.graph_name == ALPHA}


def test_dump_in_a_triple_format_merges_the_graphs(store):
    dumped = store.dump(ox.RdfFormat.N_TRIPLES)
    triples = [q.triple for q in ox.parse(dumped, format=ox.RdfFormat.N_TRIPLES)]
    model_type = ox.Triple(ZEPHYR, ox.NamedNode(ox.NamedNode(
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#type").value), ox.NamedNode(MG + "Model"))
    assert triples.count(model_type) == 1  # stated by both sources, written once
    assert set(triples) == {q.triple for q in seed_quads()}


# -- writing --------------------------------------------------------------------------------


def test_replace_graph_swaps_one_source_and_keeps_the_others(store):
    store.replace_graph(ALPHA, in_graph(ALPHA, 'model:zephyr-7 rdfs:label "Zephyr Seven" .'))
    assert select(store, "SELECT ?g ?l WHERE { GRAPH ?g { model:zephyr-7 rdfs:label ?l } }") == {
        (ALPHA.value, "Zephyr Seven")
    }
    assert set(store.quads(BETA)) == {q for q in seed_quads() if q.graph_name == BETA}


def test_replace_graph_takes_triples_and_can_add_a_new_graph(store):
    gamma = ox.NamedNode(SRC + "gamma")
    store.replace_graph(gamma, [ox.Triple(BREEZE, LABEL, ox.Literal("Breeze II"))])
    assert store.named_graphs() == [ALPHA, BETA, gamma]
    assert store.quads(gamma) == [ox.Quad(BREEZE, LABEL, ox.Literal("Breeze II"), gamma)]


def test_replace_graph_with_nothing_removes_the_graph(store):
    store.replace_graph(ALPHA, [])
    assert store.named_graphs() == [BETA]


def test_replace_graph_refuses_quads_of_another_graph_and_changes_nothing(store):
    with pytest.raises(InputError, match="another graph|of graph"):
        store.replace_graph(ALPHA, in_graph(BETA, 'model:zephyr-7 rdfs:label "Z" .'))
    assert set(store.quads()) == set(seed_quads())


def test_replace_graphs_swaps_and_removes_several_sources_in_one_write(store):
    gamma = ox.NamedNode(SRC + "gamma")
    store.replace_graphs({
        ALPHA: in_graph(ALPHA, 'model:zephyr-7 rdfs:label "Zephyr Seven" .'),
        gamma: [ox.Triple(BREEZE, LABEL, ox.Literal("Breeze II"))],
        BETA: [],
    })
    assert store.named_graphs() == [ALPHA, gamma]
    assert select(store, "SELECT ?g ?l WHERE { GRAPH ?g { ?m rdfs:label ?l } }") == {
        (ALPHA.value, "Zephyr Seven"), (gamma.value, "Breeze II")}


def test_replace_graphs_checks_every_graph_before_writing_any(store):
    with pytest.raises(InputError):
        store.replace_graphs({ALPHA: [], BETA: in_graph(ALPHA, 'model:x rdfs:label "x" .')})
    assert set(store.quads()) == set(seed_quads())


def test_a_query_with_from_sees_the_graphs_it_names(store):
    query = f"SELECT ?cw FROM <{ALPHA.value}> WHERE {{ model:zephyr-7 mg:contextWindow ?cw }}"
    assert select(store, query) == {("32000",)}


def test_remove_graph_drops_the_graph_and_its_triples(store):
    store.remove_graph(BETA)
    assert store.named_graphs() == [ALPHA]
    assert select(store, "SELECT ?cw WHERE { model:zephyr-7 mg:contextWindow ?cw }") == {
        ("32000",)
    }
    store.remove_graph(BETA)  # again: nothing to do, no error
    assert store.count() == 3


def test_replace_dataset_replaces_everything(store):
    gamma = ox.NamedNode(SRC + "gamma")
    new = in_graph(gamma, 'model:breeze-2 rdfs:label "Breeze II" .')
    store.replace_dataset(new)
    assert store.named_graphs() == [gamma]
    assert set(store.quads()) == set(new)
    assert select(store, "SELECT ?l WHERE { model:breeze-2 rdfs:label ?l }") == {("Breeze II",)}
    assert select(store, "SELECT ?m WHERE { ?m a mg:Model }") == set()


def test_replace_dataset_with_nothing_empties_the_store(store):
    store.replace_dataset([])
    assert store.named_graphs() == []
    assert store.count() == 0


# -- atomicity ------------------------------------------------------------------------------

BIG = ox.NamedNode(SRC + "big")
BIG_SIZE = 3000


def big_graph(marker: str) -> list[ox.Quad]:
    predicate = ox.NamedNode(MG + marker)
    return [
        ox.Quad(ox.NamedNode(f"https://w3id.org/modelgraph/id/offer/o{i}"), predicate,
                ox.Literal(str(i)), BIG)
        for i in range(BIG_SIZE)
    ]


COUNT_MARKERS = f"""
SELECT (SUM(IF(?p = <{MG}old>, 1, 0)) AS ?old) (SUM(IF(?p = <{MG}new>, 1, 0)) AS ?new)
WHERE {{ GRAPH <{BIG.value}> {{ ?s ?p ?o }} }}
"""


def test_concurrent_readers_see_the_old_graph_or_the_new_one_never_a_mix(backend):
    writer = backend.make(seed_quads() + big_graph("old"))
    seen: list[tuple[int, int, bool]] = []
    writing = threading.Event()
    done = threading.Event()
    failures: list[BaseException] = []

    def read() -> None:
        try:
            while not done.is_set():
                reader = backend.reader(writer)
                during = writing.is_set()
                row = next(iter(reader.query(COUNT_MARKERS)))
                counts = tuple(int(row[n].value) if row[n] is not None else 0
                               for n in ("old", "new"))
                seen.append((*counts, during and writing.is_set()))
                if reader is not writer:
                    reader.close()
                    backend.opened.remove(reader)
        except Exception as exc:  # noqa: BLE001  (reported by the main thread)
            failures.append(exc)

    thread = threading.Thread(target=read)
    thread.start()
    try:
        marker, deadline = "new", time.monotonic() + 20
        while sum(1 for s in seen if s[2]) < 3 and time.monotonic() < deadline:
            writing.set()
            writer.replace_graph(BIG, big_graph(marker))
            writing.clear()
            marker = "old" if marker == "new" else "new"
            time.sleep(0.01)
    finally:
        done.set()
        thread.join(timeout=30)
    assert not failures, failures
    assert {(old, new) for old, new, _ in seen} <= {(BIG_SIZE, 0), (0, BIG_SIZE)}
    assert sum(1 for s in seen if s[2]) >= 3, "no read overlapped a write"
