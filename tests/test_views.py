"""Helper views over a small fictional catalogue (tests/fictional.py): shaped, cited, honest
about unknowns. Every test runs on a store with the derived graph (as built) and on one
without it (the views then compute what it holds), and both answer the same."""

import datetime as dt

import pyoxigraph as ox
import pytest

from modelgraph.derive import with_derived
from modelgraph.errors import InputError, NotFound
from modelgraph.store import EmbeddedStore
from modelgraph.views import (
    ViewContext,
    benchmark_view,
    conflicts_view,
    lineage_view,
    migration_view,
    model_view,
    models_view,
    offers_view,
    rankings_view,
    source_view,
    sources_view,
    timeline_view,
)
from modelgraph.vocab import ID, MG, SOURCE

from . import fictional

TODAY = dt.date(2026, 11, 24)


def _context(quads, kind: str) -> ViewContext:
    """The views over `quads`, with the derived graph a build writes or without it."""
    if kind == "derived":
        quads = with_derived(quads)
    return ViewContext(EmbeddedStore.memory(quads), stale_after_days=180, today=TODAY)


@pytest.fixture(scope="module", params=["derived", "computed"])
def ctx(request):
    return _context(fictional.quads(), request.param)


def test_models_lists_aliases_not_snapshots_with_cheapest_prices(ctx):
    data = models_view(ctx).data
    ids = [m["id"] for m in data["items"]]
    assert ids == ["acme-swift", "acme-swift-2"]
    swift = data["items"][0]
    assert swift["cheapest_input_price"] == 0.15 and swift["context_window"] == 128000
    assert swift["vendor"] == "Acme"


def test_models_filters_by_context_price_modality_and_release(ctx):
    ids = lambda **f: [m["id"] for m in models_view(ctx, filters=f).data["items"]]
    assert ids(min_context=500000) == ["acme-swift-2"]
    assert ids(max_output_price="0.5") == ["acme-swift-2"]
    assert ids(modality="pdf") == ["acme-swift"]
    assert ids(released_after="2025-01-01") == ["acme-swift-2"]
    assert ids(vendor="acme") == ["acme-swift", "acme-swift-2"]
    assert ids(q="swift 2") == ["acme-swift-2"]
    assert next(m["id"] for m in models_view(ctx, sort="-context").data["items"]) == "acme-swift-2"


@pytest.mark.parametrize("derived", [True, False], ids=["derived", "computed"])
def test_models_text_search_finds_a_model_by_an_api_id(derived):
    # source b also names Acme Swift 2 by an API id of its own
    alias = ox.Quad(ox.NamedNode(ID + "model/acme-swift-2"), MG.alias,
                    ox.Literal("acme/swift-2.latest"), ox.NamedNode(SOURCE + "b"))
    quads = fictional.quads() + [alias]
    store = EmbeddedStore.memory(with_derived(quads) if derived else quads)
    search = ViewContext(store, stale_after_days=180, today=TODAY)
    ids = lambda q: [m["id"] for m in models_view(search, filters={"q": q}).data["items"]]
    assert ids("acme/swift-2.latest") == ids("SWIFT-2.LATEST") == ["acme-swift-2"]
    # a dated snapshot's API id finds the model it is listed under
    assert ids("acme/acme-swift-2024-05-01") == ["acme-swift"]
    # written with other separators than the id's: as ids are written, it is the id
    assert ids("acme.swift.2") == ids("Acme_Swift 2") == ["acme-swift-2"]
    assert ids("acme/swift-3") == []


def test_models_rejects_bad_parameters(ctx):
    with pytest.raises(InputError, match="min_context"):
        models_view(ctx, filters={"min_context": "lots"})
    with pytest.raises(InputError, match="sort"):
        models_view(ctx, sort="colour")


def test_model_view_cites_sources_and_marks_conflicts(ctx):
    data = model_view(ctx, "acme-swift").data
    facts = {f["name"]: f for f in data["facts"]}
    context = facts["contextWindow"]["values"]
    assert context == [{"value": 128000, "sources": ["a", "b"], "stale": False}]
    cached = {o["host"]: o for o in data["offers"]}["acme"]["cached_input_price"]
    assert {(v["value"], tuple(v["sources"])) for v in cached} == {(0.075, ("a",)), (0.07, ("b",))}
    assert data["label"] == "Acme Swift"


def test_stale_sources_are_marked(ctx):
    b = next(s for s in sources_view(ctx).data if s["id"] == "b")
    assert b["stale"] is True and b["stated_date"] == "2025-01"
    facts = {f["name"]: f for f in model_view(ctx, "acme-swift-2").data["facts"]}
    assert facts["contextWindow"]["values"][0]["stale"] is True


def test_unknown_model_is_not_found(ctx):
    with pytest.raises(NotFound):
        model_view(ctx, "no-such-model")
    with pytest.raises(InputError):
        model_view(ctx, "Bad Id!")


def test_price_ladder_includes_snapshot_offers_cheapest_first(ctx):
    offers = offers_view(ctx, "acme-swift").data["offers"]
    assert {o["host"] for o in offers} == {"acme", "router"}
    router = next(o for o in offers if o["host"] == "router")
    assert router["endpoint"] == "acme/acme-swift-2024-05-01"
    assert router["cached_input_price"] is None  # unknown, not 0


def test_lineage_has_successors_replacements_snapshots_and_a_tree(ctx):
    data = lineage_view(ctx, "acme-swift").data
    assert [s["id"] for s in data["successors"]] == ["acme-swift-2"]
    assert data["successors"][0]["sources"] == ["b"]
    assert [r["id"] for r in data["recommended_replacements"]] == ["acme-swift-2"]
    assert [s["id"] for s in data["snapshots"]] == ["acme-swift-2024-05-01"]
    assert [f["id"] for f in data["family"]] == ["swift"]
    children = {(c["relation"], c["id"]) for c in data["tree"]["children"]}
    assert ("successor", "acme-swift-2") in children and ("snapshot", "acme-swift-2024-05-01") in children


def test_migration_puts_stated_replacements_first_with_cited_deltas(ctx):
    data = migration_view(ctx, "acme-swift").data
    first = data["candidates"][0]
    assert first["id"] == "acme-swift-2"
    assert first["reasons"][0]["reason"] == "recommended replacement"
    deltas = first["deltas"]
    assert deltas["input_price"]["from_value"] == 0.15 and deltas["input_price"]["to_value"] == 0.10
    assert deltas["input_price"]["percent"] == pytest.approx(-33.33)
    assert deltas["context_window"]["absolute"] == 872000
    assert [m["id"] for m in deltas["input_modalities"]["lost"]] == ["pdf"]
    assert deltas["input_modalities"]["gained"] == []
    assert deltas["benchmarks"]["mmlu"]["absolute"] == pytest.approx(4.5)
    cached = deltas["cached_input_price"]
    assert cached["from_value"] in (0.07, 0.075) and cached["to_value"] == 0.025
    assert deltas["output_price"]["to"][0]["sources"] == ["b"]


def test_migration_loses_a_value_only_where_one_source_lists_both_models(ctx):
    deltas = migration_view(ctx, "acme-swift").data["candidates"][0]["deltas"]
    pdf = deltas["input_modalities"]["lost"][0]  # source b lists both without pdf for Swift 2
    assert (pdf["id"], "b" in pdf["sources"]) == ("pdf", True)
    capabilities = deltas["capabilities"]  # only source a lists Swift's capabilities
    assert capabilities["lost"] == [] and capabilities["gained"] == []
    assert [(c["id"], c["stated_for"], c["sources"]) for c in capabilities["not_stated"]] == [
        ("batch-api", "from", ["a"])]


def test_migration_to_a_model_with_unknown_numbers_says_unknown(ctx):
    data = migration_view(ctx, "acme-swift-2", to="acme-swift-2024-05-01").data
    deltas = data["candidates"][0]["deltas"]
    assert deltas["context_window"]["known"] is False
    assert deltas["context_window"]["absolute"] is None


def test_timeline_orders_dated_events_with_sources(ctx):
    events = timeline_view(ctx, "acme-swift").data["events"]
    kinds = [(e["date"], e["kind"], e["model"]) for e in events]
    assert ("2024-05-01", "published", "acme-swift") in kinds
    assert ("2024-05-01", "released", "acme-swift-2024-05-01") in kinds
    assert kinds == sorted(kinds, key=lambda k: (k[0], k[1], k[2]))


def test_rankings_divide_score_by_cheapest_output_price(ctx):
    items = rankings_view(ctx, "mmlu").data["items"]
    assert [i["model"] for i in items] == ["acme-swift-2", "acme-swift"]
    assert items[0]["quality_per_dollar"] == pytest.approx(84.5 / 0.40)


def test_benchmark_and_conflict_views(ctx):
    results = benchmark_view(ctx, "mmlu").data["results"]
    assert {r["model"] for r in results} == {"acme-swift", "acme-swift-2"}
    conflicts = conflicts_view(ctx).data
    assert [c["property_name"] for c in conflicts["items"]] == ["cachedInputPrice"]
    assert conflicts["total"] == 1


def test_conflicts_come_in_pages_with_the_total(ctx):
    first = conflicts_view(ctx, limit=1, offset=0).data
    beyond = conflicts_view(ctx, limit=1, offset=1).data
    assert (first["total"], len(first["items"])) == (1, 1)
    assert (beyond["total"], beyond["items"]) == (1, [])
    with pytest.raises(InputError):
        conflicts_view(ctx, limit=0)


def test_every_view_shows_the_sparql_it_ran(ctx):
    result = migration_view(ctx, "acme-swift")
    assert result.queries and all("SELECT" in q["sparql"] for q in result.queries)
    # the parameters are bound in the text shown (written in place, or in a VALUES block)
    assert "<https://w3id.org/modelgraph/id/model/acme-swift>" in result.queries[0]["sparql"]


def test_source_view_pages_triples(ctx):
    data = source_view(ctx, "a", limit=5).data
    assert data["triples_total"] > 5 and len(data["triples_page"]) == 5
    with pytest.raises(NotFound):
        source_view(ctx, "zzz")


def test_a_model_without_vendor_or_family_is_listed_once():
    """Regression: an unbound ?family in OPTIONAL { ?family rdfs:label ?l } matched every
    labelled thing, listing such a model once per label in the graph."""
    from modelgraph.rdf import extraction_quads
    from modelgraph.records import Extraction, ModelClaim, ModelRef, SourceInfo

    lone = Extraction(source_id="c", extractor="test", source=SourceInfo(),
                      claims=[ModelClaim(model=ModelRef(name="Lone Model"))])
    store = EmbeddedStore.memory(fictional.quads() + extraction_quads(lone))
    items = models_view(ViewContext(store), filters={"q": "lone"}).data["items"]
    assert [(m["id"], m["vendor"], m["family"]) for m in items] == [("lone-model", None, None)]


def test_a_price_without_a_counterpart_keeps_every_stated_value(ctx):
    """Regression: with no common host, the cheapest value across sources was taken, hiding
    that sources disagree on the very offer it came from."""
    deltas = migration_view(ctx, "acme-swift", to="acme-swift-2024-05-01").data[
        "candidates"][0]["deltas"]
    cached = deltas["cached_input_price"]
    assert cached["known"] is False
    assert {v["value"] for v in cached["from"]} == {0.075, 0.07}


def every_view(ctx) -> dict:
    return {
        "models": models_view(ctx, limit=1).data,
        "models by price": models_view(ctx, sort="-input_price").data,
        "models by release": models_view(ctx, sort="-released").data,
        "models by context": models_view(ctx, sort="context").data,
        "models since": models_view(ctx, filters={"released_after": "2024-05-01",
                                                  "min_context": 128000}).data,
        "filtered": models_view(ctx, filters={"max_input_price": "0.2", "q": "swift",
                                              "capability": "function-calling"}).data,
        "model": model_view(ctx, "acme-swift").data,
        "offers": offers_view(ctx, "acme-swift").data,
        "lineage": lineage_view(ctx, "acme-swift").data,
        "lineage 2": lineage_view(ctx, "acme-swift-2").data,
        "migration": migration_view(ctx, "acme-swift").data,
        "migration to": migration_view(ctx, "acme-swift-2", to="acme-swift").data,
        "timeline": timeline_view(ctx, "acme-swift").data,
        "sources": sources_view(ctx).data,
        "source": source_view(ctx, "b", limit=3).data,
    }


@pytest.mark.parametrize("catalogue", [fictional.quads, fictional.disputed_quads])
def test_views_answer_the_same_with_the_derived_graph_as_without_it(catalogue):
    def context(quads):
        return ViewContext(EmbeddedStore.memory(quads), today=TODAY)

    derived = context(with_derived(catalogue()))
    computed = context(catalogue())
    assert derived.derived() and not computed.derived()
    assert every_view(derived) == every_view(computed)


def test_views_read_the_derived_graph_when_the_store_has_one(ctx):
    ran = {q["name"] for view in (lineage_view(ctx, "acme-swift"), models_view(ctx),
                                  migration_view(ctx, "acme-swift"), sources_view(ctx))
           for q in view.queries}
    if ctx.derived():
        assert {"lineage", "models", "migration_candidates"} <= ran
        assert not ran & {"lineage_paths", "models_aggregated", "source_counts"}
    else:
        assert {"lineage_paths", "models_aggregated", "migration_candidates_paths",
                "source_counts"} <= ran


def test_a_source_added_without_the_derived_graph_counting_it_makes_views_compute():
    """A graph written behind modelgraph's back (no derived count for it) is not trusted."""
    copy = ox.NamedNode(SOURCE + "b-copy")
    renamed = [ox.Quad(q.subject, q.predicate, q.object, copy) for q in fictional.quads()
               if q.graph_name == ox.NamedNode(SOURCE + "b")]
    ctx = ViewContext(EmbeddedStore.memory(with_derived(fictional.quads()) + renamed),
                      today=TODAY)
    assert not ctx.derived()
    assert {s["id"]: s["triples"] for s in sources_view(ctx).data}["b-copy"] == len(renamed)


def test_a_derived_graph_an_older_modelgraph_wrote_is_not_read():
    """Its terms may differ from what the views ask for (a sort position it lacks would
    order the listing by IRI alone)."""
    from modelgraph.derive import DERIVED_GRAPH, DERIVED_VERSION

    old = [ox.Quad(q.subject, q.predicate, ox.Literal("modelgraph-derived 1"), q.graph_name)
           if q.object == ox.Literal(DERIVED_VERSION) else q
           for q in with_derived(fictional.quads())]
    assert any(q.graph_name == DERIVED_GRAPH for q in old)
    ctx = ViewContext(EmbeddedStore.memory(old), today=TODAY)
    assert not ctx.derived()
    assert "models_aggregated" in {q["name"] for q in models_view(ctx).queries}


def test_models_page_through_all_matches_in_a_stable_order(ctx):
    everything = [m["id"] for m in models_view(ctx, sort="-context").data["items"]]
    pages = [models_view(ctx, sort="-context", limit=1, offset=i).data for i in range(3)]
    assert [p["total"] for p in pages] == [2, 2, 2]
    assert [m["id"] for p in pages for m in p["items"]] == everything
    assert pages[2]["items"] == []


@pytest.fixture(scope="module", params=["derived", "computed"])
def disputed(request):
    """The catalogue plus sources c and d (tests/fictional.py), which dispute figures."""
    return _context(fictional.disputed_quads(), request.param)


def test_a_delta_starts_from_the_value_most_sources_state_not_the_most_precise(disputed):
    """Regression: 131072 stated by one source was used over 128000 stated by two (they
    agree up to rounding, and the most precise of agreeing values was taken); and where
    values disagreed, the smallest of those stated by the most sources was, so that 1000000
    stood over the exact 1047576 (each stated by one source)."""
    data = migration_view(disputed, "acme-swift", to="acme-swift-2").data
    context = data["candidates"][0]["deltas"]["context_window"]
    assert {v["value"]: v["sources"] for v in context["from"]} == {
        128000: ["a", "b"], 131072: ["c"]}
    assert {v["value"]: v["sources"] for v in context["to"]} == {
        1000000: ["b"], 1047576: ["c"], 1900000: ["d"]}
    assert (context["from_value"], context["to_value"]) == (128000, 1047576)
    assert context["absolute"] == 1047576 - 128000
    assert context["sources_disagree"] is True  # 1900000 is no rounding of 1000000
    assert "most sources" in data["representative"]


def test_a_representative_value_is_most_sources_then_most_precise_then_smallest():
    from modelgraph.views import _representative

    def pick(*values):
        return _representative("contextWindow", [
            {"value": v, "sources": [f"s{i}" for i in range(n)]} for v, n in values])[0]

    assert pick((128000, 5), (131072, 1)) == 128000  # most sources
    assert pick((1000000, 1), (1047576, 1)) == 1047576  # then the exact over the round one
    assert pick((1047576, 1), (1000000, 1)) == 1047576  # whatever the order given
    assert pick((200000, 1), (100000, 1)) == 100000  # then the smallest
    assert _representative("releaseDate", [
        {"value": "2024-07", "sources": ["a"]},
        {"value": "2024-07-17", "sources": ["b"]},
        {"value": "2024-07-18", "sources": ["c", "d"]}]) == ("2024-07-18", True)
    assert _representative("releaseDate", [
        {"value": "2024-07", "sources": ["a"]},
        {"value": "2024-07-18", "sources": ["b"]}]) == ("2024-07-18", False)


def test_the_listing_shows_the_release_date_and_context_most_sources_state(disputed):
    """Regression: the listing showed the earliest date as written (a month one source
    states over the day another states) and the largest context any source states."""
    listing = models_view(disputed).data
    shown = {m["id"]: (m["released"], m["context_window"]) for m in listing["items"]}
    # Swift: a says 2024-05-01, b 2024-05 (one source each: the full date); 128000 by a and
    # b over 131072 by c. Swift 2: 2025-04 by c and d over 2025-04-01 by b (most sources
    # first); 1000000, 1047576 and 1900000 by one source each: the most precise.
    assert shown == {"acme-swift": ("2024-05-01", 128000),
                     "acme-swift-2": ("2025-04", 1047576)}
    assert "most sources" in listing["basis"]["released"]
    ids = lambda **kw: [m["id"] for m in models_view(disputed, **kw).data["items"]]
    # filters and sorts go by the values shown
    assert ids(filters={"min_context": 131072}) == ["acme-swift-2"]
    assert ids(filters={"min_context": 1047577}) == []
    assert ids(filters={"released_after": "2024-05-01"}) == ["acme-swift", "acme-swift-2"]
    assert ids(sort="-context") == ["acme-swift-2", "acme-swift"]


def test_same_host_deltas_name_the_routes_they_compare(disputed):
    """Regression: a host offering the model under its alias and a dated snapshot's id was
    listed twice with nothing to tell the two entries apart."""
    deltas = migration_view(disputed, "acme-swift", to="acme-swift-2").data[
        "candidates"][0]["deltas"]
    same = deltas["input_price"]["same_host"]
    routes = [(d["host"], d["from_offer"], d["from_endpoint"], d["from_model"], d["to_offer"],
               d["to_endpoint"], d["to_model"], d["from_value"], d["to_value"]) for d in same]
    offer = "https://w3id.org/modelgraph/id/offer/"
    assert sorted(routes) == [
        ("acme", offer + "acme/acme-swift", None, "acme-swift", offer + "acme/acme-swift-2",
         None, "acme-swift-2", 0.15, 0.1),
        # each of Swift's routes at the router, compared with Swift 2's own route there
        # (not its snapshot's, though cheaper)
        ("router", offer + "router/acme-swift", "acme/acme-swift-2024-05-01", "acme-swift",
         offer + "router/acme-swift-2", "acme/acme-swift-2", "acme-swift-2", 0.15, 0.09),
        ("router", offer + "router/acme-swift-2024-05-01", "acme/acme-swift-2024-05-01-dated",
         "acme-swift-2024-05-01", offer + "router/acme-swift-2", "acme/acme-swift-2",
         "acme-swift-2", 0.12, 0.09),
    ]
    assert len({(d["host"], d["from_offer"]) for d in same}) == len(same)
    chosen = deltas["input_price"]  # the vendor's own API, its routes named too
    assert (chosen["basis"], chosen["from_offer"], chosen["to_offer"]) == (
        "the vendor's own API", offer + "acme/acme-swift", offer + "acme/acme-swift-2")


def test_a_price_compared_across_hosts_names_the_offers_too(ctx):
    price = migration_view(ctx, "acme-swift-2", to="acme-swift-2024-05-01").data[
        "candidates"][0]["deltas"]["input_price"]
    assert price["basis"].startswith("cheapest paid offer")
    assert price["from_offer"] == "https://w3id.org/modelgraph/id/offer/acme/acme-swift-2"
    assert price["to_offer"] is None  # the snapshot has no offer of its own
