"""The derived graph (derive.py): lineage closure and depth, the model listing's summary
values and per-source triple counts, computed from the sources and kept in step with them
by the build, ingest and removal of a source."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from modelgraph import pipeline
from modelgraph.derive import DERIVED_GRAPH, DERIVED_VERSION, derive, with_derived
from modelgraph.ingest import ingest, remove_source
from modelgraph.rdf import extraction_quads
from modelgraph.resources import ontology_quads
from modelgraph.store import EmbeddedStore
from modelgraph.vocab import DERIVED, ID, MG, OWL, PROPERTIES, RDF, RDFS, SOURCE, XSD

from . import fictional

A, B = ox.NamedNode(SOURCE + "a"), ox.NamedNode(SOURCE + "b")


def model(slug: str) -> ox.NamedNode:
    return ox.NamedNode(f"{ID}model/{slug}")


def offer(slug: str) -> ox.NamedNode:
    return ox.NamedNode(f"{ID}offer/{slug}")


def q(s, p, o, g=A) -> ox.Quad:
    return ox.Quad(s, p, o, g)


def integer(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=XSD.integer)


def decimal(text: str) -> ox.Literal:
    return ox.Literal(text, datatype=XSD.decimal)


def values(derived, predicate) -> dict:
    """subject IRI -> the set of objects `predicate` gives it in the derived quads."""
    out: dict[str, set] = {}
    for quad in derived:
        if quad.predicate == predicate:
            out.setdefault(quad.subject.value, set()).add(quad.object)
    return out


def closure(derived) -> dict[str, set[str]]:
    return {s: {o.value for o in objects}
            for s, objects in values(derived, MG.transitiveSuccessor).items()}


def chain_with_a_cycle() -> list[ox.Quad]:
    """a -> b -> c -> b (b and c succeed each other) -> d, stated either way round and
    across two sources; d is said to succeed c only as "c is d's predecessor"."""
    a, b, c, d = (model(x) for x in "abcd")
    return [
        q(a, MG.successor, b),
        q(c, MG.predecessor, b, B),  # b -> c, stated backwards by another source
        q(c, MG.successor, b),
        q(d, MG.predecessor, c),
    ]


def test_the_closure_follows_successor_and_predecessor_statements_through_a_cycle():
    found = closure(derive(chain_with_a_cycle()))
    a, b, c, d = (model(x).value for x in "abcd")
    assert found == {a: {b, c, d}, b: {b, c, d}, c: {b, c, d}}  # a cycle reaches itself
    assert d not in found  # nothing succeeds the newest model


def test_depth_counts_the_longest_run_of_successors_and_a_cycle_shares_one_depth():
    depth = {s: {o.value for o in objects}
             for s, objects in values(derive(chain_with_a_cycle()), MG.lineageDepth).items()}
    a, b, c, d = (model(x).value for x in "abcd")
    assert depth == {a: {"0"}, b: {"1"}, c: {"1"}, d: {"2"}}


def test_depth_takes_the_longest_path_where_a_model_has_two_routes_to_it():
    a, b, c = model("a"), model("b"), model("c")
    derived = derive([q(a, MG.successor, b), q(b, MG.successor, c), q(a, MG.successor, c)])
    depths = {s: {o.value for o in objects} for s, objects in values(derived, MG.lineageDepth).items()}
    assert depths[c.value] == {"2"}


def listing_quads() -> list[ox.Quad]:
    """Model m: two labels, two release dates at different precision, two contexts; offers
    o1 (two input prices from two sources), o2, and o3 of its snapshot s (cheaper, but not
    its own). Model bare has nothing but a type."""
    m, s, bare = model("m"), model("m-2024"), model("bare")
    return [
        q(m, RDF.type, MG.Model), q(s, RDF.type, MG.Model), q(s, RDF.type, MG.ModelSnapshot),
        q(bare, RDF.type, MG.Model, B),
        q(m, RDFS.label, ox.Literal("Model M")), q(m, RDFS.label, ox.Literal("M model"), B),
        q(m, MG.releaseDate, ox.Literal("2024-07-18", datatype=XSD.date)),
        q(m, MG.releaseDate, ox.Literal("2024-07", datatype=XSD.gYearMonth), B),
        q(m, MG.contextWindow, integer(128000)), q(m, MG.contextWindow, integer(131072), B),
        q(s, MG.snapshotOf, m),
        q(offer("o1"), MG.model, m), q(offer("o1"), MG.inputPrice, decimal("0.50")),
        q(offer("o1"), MG.inputPrice, decimal("0.45"), B),
        q(offer("o1"), MG.outputPrice, decimal("2.0")),
        q(offer("o2"), MG.model, m), q(offer("o2"), MG.inputPrice, decimal("0.60")),
        q(offer("o2"), MG.outputPrice, decimal("1.5")),
        q(offer("o3"), MG.model, s), q(offer("o3"), MG.inputPrice, decimal("0.01")),
    ]


def test_the_listing_summarises_each_model_that_is_not_a_snapshot():
    derived = derive(listing_quads())
    m, bare = model("m").value, model("bare").value
    assert set(values(derived, MG.listed)) == {m, bare}  # the snapshot is not listed
    assert values(derived, MG.displayLabel) == {m: {ox.Literal("M model")}}  # code-point order
    assert values(derived, MG.earliestReleaseDate) == {
        m: {ox.Literal("2024-07", datatype=XSD.gYearMonth)}}  # as written: "2024-07" < "2024-07-18"
    assert values(derived, MG.largestContextWindow) == {m: {integer(131072)}}
    # what the listing shows: one source each, so the most precise date, the exact number
    assert values(derived, MG.representativeReleaseDate) == {
        m: {ox.Literal("2024-07-18", datatype=XSD.date)}}
    assert values(derived, MG.representativeContextWindow) == {m: {integer(131072)}}
    assert values(derived, MG.cheapestInputPrice) == {m: {decimal("0.45")}}  # not the snapshot's
    assert values(derived, MG.cheapestOutputPrice) == {m: {decimal("1.5")}}


def test_the_listing_shows_the_value_most_source_graphs_state():
    """Regression: the listing showed the earliest date as written (a month one source
    states over the full date four state) and the largest context any source states."""
    m = model("m")
    graphs = [ox.NamedNode(f"{SOURCE}s{i}") for i in range(6)]
    quads = [q(m, RDF.type, MG.Model)]
    quads += [q(m, MG.releaseDate, ox.Literal("2024-07-18", datatype=XSD.date), g)
              for g in graphs[:4]]
    quads += [q(m, MG.releaseDate, ox.Literal("2024-07", datatype=XSD.gYearMonth), graphs[4]),
              q(m, MG.releaseDate, ox.Literal("2024-07-17", datatype=XSD.date), graphs[5])]
    quads += [q(m, MG.contextWindow, integer(128000), g) for g in graphs[:5]]
    quads.append(q(m, MG.contextWindow, integer(131072), graphs[5]))
    n = model("n")  # graphs that are no source's are not counted
    quads += [q(n, RDF.type, MG.Model), q(n, MG.contextWindow, integer(8000), graphs[0])]
    quads += [q(n, MG.contextWindow, integer(16000), ox.NamedNode(f"https://example.org/{i}"))
              for i in range(2)]
    derived = derive(quads)
    assert values(derived, MG.representativeReleaseDate) == {
        m.value: {ox.Literal("2024-07-18", datatype=XSD.date)}}
    assert values(derived, MG.representativeContextWindow) == {
        m.value: {integer(128000)}, n.value: {integer(8000)}}


def test_each_sort_of_the_listing_gets_positions_ties_by_iri_unknowns_left_out():
    a, b, c = model("a"), model("b"), model("c")
    quads = [q(x, RDF.type, MG.Model) for x in (a, b, c)] + [
        q(a, RDFS.label, ox.Literal("beta")), q(b, RDFS.label, ox.Literal("Alpha")),
        q(c, RDFS.label, ox.Literal("alpha")),  # the same name as b, case aside: IRI decides
        q(a, MG.contextWindow, integer(8000)), q(c, MG.contextWindow, integer(200000)),
    ]
    derived = derive(quads)

    def positions(term):
        return {s.rsplit("/", 1)[1]: int(next(iter(v)).value)
                for s, v in values(derived, term).items()}

    assert positions(MG.labelRank) == {"b": 1, "c": 2, "a": 3}
    assert positions(MG.contextRank) == {"a": 1, "c": 2}  # b's context is unknown
    assert positions(MG.inputPriceRank) == {}


def test_each_source_graph_gets_its_triple_count_once_per_distinct_triple():
    quads = listing_quads()
    derived = derive(quads + quads[:3])  # a repeated quad is one triple in a store
    counts = {s: {o.value for o in objects} for s, objects in values(derived, MG.tripleCount).items()}
    per_graph = {A.value: str(sum(1 for x in quads if x.graph_name == A)),
                 B.value: str(sum(1 for x in quads if x.graph_name == B))}
    assert counts == {g: {n} for g, n in per_graph.items()}


def test_the_derived_graph_uses_only_its_own_graph_and_declared_terms_and_is_repeatable():
    quads = chain_with_a_cycle() + listing_quads()
    derived = derive(quads)
    assert {x.graph_name for x in derived} == {DERIVED_GRAPH} and DERIVED_GRAPH.value == DERIVED
    predicates = {x.predicate.value.removeprefix(MG.iri) for x in derived}
    assert predicates - {OWL.versionInfo.value} <= set(PROPERTIES)
    assert ox.Quad(DERIVED_GRAPH, OWL.versionInfo, ox.Literal(DERIVED_VERSION),
                   DERIVED_GRAPH) in derived  # which derive.py wrote it
    assert derive(list(reversed(quads))) == derived  # same dataset, same quads, same order


def test_an_old_derived_graph_in_the_input_is_replaced_not_counted():
    quads = chain_with_a_cycle()
    stale = [ox.Quad(model("x"), MG.transitiveSuccessor, model("y"), DERIVED_GRAPH)]
    assert derive(quads + stale) == derive(quads)
    refreshed = with_derived(quads + stale)
    assert [x for x in refreshed if x.graph_name != DERIVED_GRAPH] == quads
    assert [x for x in refreshed if x.graph_name == DERIVED_GRAPH] == derive(quads)


def test_derived_terms_are_never_cited_as_a_source_or_checked_for_conflicts():
    from modelgraph.conflicts import find_conflicts
    from modelgraph.views import ViewContext, model_view, sources_view

    store = EmbeddedStore.memory(with_derived(fictional.quads()))
    ctx = ViewContext(store)
    assert {s["id"] for s in sources_view(ctx).data} == {"a", "b"}
    facts = {f["name"] for f in model_view(ctx, "acme-swift").data["facts"]}
    assert not facts & {"listed", "displayLabel", "cheapestInputPrice", "transitiveSuccessor"}
    assert {c.property for c in find_conflicts(store)} == {MG.cachedInputPrice.value}


# -- kept in step with the sources ----------------------------------------------------------


def derived_graph(store: EmbeddedStore) -> list[ox.Quad]:
    return sorted(store.quads(DERIVED_GRAPH), key=str)


def test_the_build_adds_the_derived_graph_of_its_sources():
    sources = [pipeline.SourceResult(e.source_id, "", "test", len(e.claims), extraction_quads(e))
               for e in (fictional.source_a(), fictional.source_b())]
    dataset = pipeline.assemble(sources)
    source_quads = [x for x in dataset.quads if x.graph_name != DERIVED_GRAPH]
    assert [x for x in dataset.quads if x.graph_name == DERIVED_GRAPH] == derive(source_quads)
    assert not any(DERIVED in i.source_ids for i in dataset.report.issues)


LINEAGE_PAGE = """@prefix mg: <https://w3id.org/modelgraph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/modelgraph/id/model/acme-swift-3> a mg:Model ; rdfs:label "Acme Swift 3" ;
    mg:predecessor <https://w3id.org/modelgraph/id/model/acme-swift-2> .
<https://w3id.org/modelgraph/id/model/acme-swift-2> a mg:Model .
"""


@pytest.fixture
def store() -> EmbeddedStore:
    return EmbeddedStore.memory(with_derived(fictional.quads()))


def test_ingest_recomputes_the_derived_graph_for_the_new_sources(store):
    from modelgraph.ingest import rdf_sources

    swift, swift3 = model("acme-swift").value, model("acme-swift-3").value
    assert swift3 not in closure(derived_graph(store))[swift]
    ingest(store, rdf_sources(LINEAGE_PAGE.encode(), "turtle", "c", origin="c.ttl"))
    after = derived_graph(store)
    assert swift3 in closure(after)[swift]  # through acme-swift-2
    assert after == sorted(derive(x for x in store.quads() if x.graph_name != DERIVED_GRAPH),
                           key=str)
    assert values(after, MG.tripleCount).keys() == {SOURCE + "a", SOURCE + "b", SOURCE + "c"}


def test_removing_a_source_recomputes_the_derived_graph_without_it(store):
    remove_source(store, "b")  # b states the only successor link and acme-swift-2's figures
    after = derived_graph(store)
    assert MG.transitiveSuccessor not in {x.predicate for x in after}
    assert values(after, MG.tripleCount).keys() == {SOURCE + "a"}
    assert after == sorted(derive(store.quads()), key=str)


def test_an_ingest_that_fails_validation_leaves_the_derived_graph_as_it_was(store):
    from modelgraph.errors import ValidationFailed
    from modelgraph.ingest import rdf_sources

    before = derived_graph(store)
    negative_price = LINEAGE_PAGE + """<https://w3id.org/modelgraph/id/offer/h/acme-swift-3>
    a mg:Offer ; mg:model <https://w3id.org/modelgraph/id/model/acme-swift-3> ;
    mg:host <https://w3id.org/modelgraph/id/host/h> ; mg:inputPrice -1.0 .
"""
    with pytest.raises(ValidationFailed):
        ingest(store, rdf_sources(negative_price.encode(), "turtle", "c", origin="c.ttl"))
    assert derived_graph(store) == before


def test_the_ontology_is_unchanged_by_deriving():
    quads = ontology_quads()
    assert [x for x in with_derived(quads) if x.graph_name != DERIVED_GRAPH] == quads


def test_conflicts_on_functional_properties_are_marked_and_rounding_is_not():
    functional = [q(MG.contextWindow, RDF.type, OWL.FunctionalProperty, ox.NamedNode(ID + "onto")),
                  q(MG.inputPrice, RDF.type, OWL.FunctionalProperty, ox.NamedNode(ID + "onto"))]
    x, y = model("x"), model("y")
    stated = [
        q(x, MG.contextWindow, integer(128000), A),
        q(x, MG.contextWindow, integer(131072), B),  # 128K written two ways: rounding
        q(offer("y-on-h"), MG.inputPrice, decimal("0.15"), A),
        q(offer("y-on-h"), MG.inputPrice, decimal("0.2"), B),  # a real disagreement
        q(y, MG.contextWindow, integer(8000), A),  # one source only: nothing to compare
    ]
    derived = derive(functional + stated)
    marked = {s: {o.value for o in objects}
              for s, objects in values(derived, MG.conflictingProperty).items()}
    assert marked == {offer("y-on-h").value: {MG.inputPrice.value}}
    assert derive(functional + stated[:2]) == derive(functional + stated[:2])
    assert not values(derive(stated), MG.conflictingProperty)  # nothing is functional
