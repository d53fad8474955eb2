"""Helper views over HTTP: JSON, JSON-LD and HTML, errors as JSON, the SPARQL shown."""

import json
import warnings
from collections import Counter

import pyoxigraph as ox
import pytest

from modelgraph.exports import context
from modelgraph.store import EmbeddedStore

from .. import fictional
from .conftest import BACKENDS, MG, SRC, serve, served


def _serving(request, quads):
    """A client of the service over `quads`, on the backend the fixture was given."""
    with served(request, quads, workers=1, stale_after_days=36500,
                raise_server_exceptions=True) as client:
        yield client


@pytest.fixture(scope="module", params=BACKENDS)
def client(request):
    yield from _serving(request, fictional.quads())


def test_models_as_json_with_filters_and_paging(client):
    body = client.get("/models", params={"min_context": 500000}).json()
    assert [m["id"] for m in body["data"]["items"]] == ["acme-swift-2"]
    assert '"500000"^^' in body["queries"][0]["sparql"]  # the filter, bound in the text
    page = client.get("/models", params={"limit": 1, "offset": 1, "sort": "name"}).json()
    assert page["data"]["total"] == 2 and len(page["data"]["items"]) == 1


def test_bad_filter_is_a_400_naming_the_field(client):
    response = client.get("/models", params={"min_context": "lots"})
    assert response.status_code == 400
    assert response.json()["field"] == "min_context"


def test_unknown_model_is_a_404_json_error(client):
    response = client.get("/models/no-such-model")
    assert response.status_code == 404 and response.json()["error"] == "NotFound"


def test_ranking_by_an_unknown_benchmark_is_a_404_naming_the_parameter(client):
    response = client.get("/rankings", params={"benchmark": "nope"})
    assert response.status_code == 404 and response.json()["field"] == "benchmark"
    assert client.get("/benchmarks/nope").status_code == 404


def test_model_page_negotiates_json_ld_framed_document(client):
    response = client.get("/models/acme-swift", headers={"Accept": "application/ld+json"})
    assert response.headers["content-type"].startswith("application/ld+json")
    doc = response.json()
    assert doc["label"] == "Acme Swift" and doc["statedBy"] == ["a", "b"]
    assert "http://testserver/context.jsonld" in json.dumps(doc["@context"])


def test_model_json_ld_says_which_source_states_which_value(client):
    """Regression: the framed document listed a property's values (two release dates, two
    cached-input prices) with only a top-level `statedBy` of every source, so which page
    states which value was lost in JSON-LD while the JSON view keeps it."""
    doc = client.get("/models/acme-swift", params={"format": "jsonld"}).json()
    # the keys integrations read stay as they were
    assert doc["statedBy"] == ["a", "b"] and doc["contextWindow"] == 128000
    assert sorted(d["@value"] for d in doc["releaseDate"]) == ["2024-05", "2024-05-01"]

    def stated(node, prop):
        return sorted((c["value"]["@value"] if isinstance(c["value"], dict) else c["value"],
                       c["statedBy"]) for c in node["claims"] if c["property"] == prop)

    assert stated(doc, "releaseDate") == [("2024-05", ["b"]), ("2024-05-01", ["a"])]
    assert stated(doc, "contextWindow") == [(128000, ["a", "b"])]
    acme = next(o for o in doc["offers"] if o["id"].endswith("/offer/acme/acme-swift"))
    assert sorted(acme["cachedInputPrice"]) == ["0.07", "0.075"]
    assert stated(acme, "cachedInputPrice") == [("0.07", ["b"]), ("0.075", ["a"])]
    vendor = [c for c in doc["claims"] if c["property"] == "vendor"]
    assert vendor == [{"property": "vendor", "statedBy": ["a", "b"],
                       "value": {"id": "https://w3id.org/modelgraph/id/vendor/acme"}}]


def test_model_json_ld_claims_are_reified_statements_of_what_each_source_graph_holds(client):
    """Read as RDF (rdflib's JSON-LD parser, the published context inlined: nothing is
    fetched), each claim is an rdf:Statement of a triple the document asserts, derived from
    (prov:wasDerivedFrom) source graphs that hold exactly that triple."""
    import rdflib
    from rdflib.namespace import PROV, RDF

    doc = client.get("/models/acme-swift", headers={"Accept": "application/ld+json"}).json()
    with warnings.catch_warnings():  # rdflib's parser uses its own deprecated ConjunctiveGraph
        warnings.simplefilter("ignore", DeprecationWarning)
        graph = rdflib.Graph().parse(data=json.dumps(_inline(doc)), format="json-ld")
    stored = {(str(q.subject), str(q.predicate), str(q.object), str(q.graph_name))
              for q in ox.parse(client.get("/export", params={"format": "nquads"}).content,
                                format=ox.RdfFormat.N_QUADS)}
    claims = set(graph.subjects(RDF.predicate, None))
    assert len(claims) == sum(len(node["claims"]) for node in [doc, *doc["offers"],
                                                                *doc["benchmarkResults"],
                                                                *doc["lifecycleEvents"]])
    for claim in claims:
        triple = tuple(graph.value(claim, p) for p in (RDF.subject, RDF.predicate, RDF.object))
        assert triple in graph  # the claim is about a triple the document states
        sources = set(graph.objects(claim, PROV.wasDerivedFrom))
        assert sources
        for source in sources:
            assert str(source).startswith("https://w3id.org/modelgraph/source/")
            assert tuple(t.n3() for t in triple) + (f"<{source}>",) in stored
    dates = {(str(graph.value(c, RDF.object)), str(s))
             for c in graph.subjects(RDF.predicate, rdflib.URIRef(MG + "releaseDate"))
             for s in graph.objects(c, PROV.wasDerivedFrom)}
    assert dates == {("2024-05-01", SRC + "a"), ("2024-05", SRC + "b")}


def test_views_as_html_for_browsers(client):
    response = client.get("/models/acme-swift/lineage", headers={"Accept": "text/html"})
    assert response.status_code == 200 and "text/html" in response.headers["content-type"]
    assert "acme-swift-2" in response.text


def test_unsupported_accept_is_406_naming_what_is_acceptable(client):
    response = client.get("/conflicts", headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "application/json" in json.dumps(response.json())


@pytest.mark.parametrize("path", [
    "/models/acme-swift", "/models/acme-swift/lineage", "/models/acme-swift/migration",
    "/models/acme-swift/migration?to=acme-swift-2", "/models/acme-swift/offers",
    "/models/acme-swift/timeline", "/benchmarks", "/benchmarks/mmlu", "/rankings",
    "/rankings?benchmark=mmlu", "/conflicts", "/sources", "/sources/a",
])
def test_every_view_answers_json_and_json_ld(client, path):
    body = client.get(path).json()
    assert body["data"] and body["queries"]
    doc = client.get(path, params={"format": "jsonld"}).json()
    assert "@context" in doc
    assert list(ox.parse(json.dumps(_inline(doc)).encode(), format=ox.RdfFormat.JSON_LD))


def _inline(doc: dict) -> dict:
    """Replace the published context URL by its content (parsers here fetch nothing)."""
    published = context()["@context"]
    ctx = doc["@context"]
    ctx = [published if c == "http://testserver/context.jsonld" else c
           for c in (ctx if isinstance(ctx, list) else [ctx])]
    return {**doc, "@context": ctx}


def test_migration_reference_numbers(client):
    body = client.get("/models/acme-swift/migration").json()["data"]
    first = body["candidates"][0]
    assert first["id"] == "acme-swift-2"
    assert first["deltas"]["output_price"]["from_value"] == 0.6
    assert first["deltas"]["output_price"]["to_value"] == 0.4


def test_context_and_export(client):
    ctx = client.get("/context.jsonld")
    assert ctx.headers["content-type"].startswith("application/ld+json")
    assert "inputPrice" in ctx.json()["@context"]
    dump = client.get("/export", params={"format": "nquads"})
    quads = list(ox.parse(dump.content, format=ox.RdfFormat.N_QUADS))
    expected = EmbeddedStore.memory(fictional.quads()).quads()  # canonical literals
    assert _blank_labels_left_out(quads) == _blank_labels_left_out(expected)
    one = client.get("/export", params={"format": "trig",
                                        "graph": "https://w3id.org/modelgraph/source/a"})
    assert one.status_code == 200


def _blank_labels_left_out(quads) -> Counter:
    """Quads with every blank node written `_:` (a server gives blank nodes its own labels)."""
    return Counter(tuple("_:" if isinstance(term, ox.BlankNode) else term
                         for term in (q.subject, q.predicate, q.object, q.graph_name))
                   for q in quads)


def test_queries_run_together_are_listed_in_order_with_their_answers(client):
    body = client.get("/models/acme-swift-2").json()
    assert [q["name"] for q in body["queries"]] == ["model_facts", "offers", "benchmark_results"]
    assert all("acme-swift-2>" in q["sparql"] for q in body["queries"])
    assert body["data"]["offers"][0]["host"] and body["data"]["benchmarks"][0]["score"]
    direct = client.get("/models/acme-swift-2/offers").json()["data"]["offers"]
    assert body["data"]["offers"] == direct


def test_conflicts_are_paged_over_http(client):
    page = client.get("/conflicts", params={"limit": 1, "format": "json"})
    assert page.status_code == 200
    data = page.json()["data"]
    assert (data["limit"], data["offset"]) == (1, 0)
    assert len(data["items"]) == min(1, data["total"])
    assert client.get("/conflicts", params={"limit": 0}).status_code == 400


@pytest.fixture(scope="module", params=BACKENDS)
def disputed(request):
    """The catalogue plus sources c and d, which dispute figures (tests/fictional.py)."""
    yield from _serving(request, fictional.disputed_quads())


def test_migration_over_http_uses_the_value_most_sources_state(disputed):
    """Regression: 131072 (one source) stood over 128000 (two), 1000000 over 1047576."""
    data = disputed.get("/models/acme-swift/migration", params={"to": "acme-swift-2"}).json()[
        "data"]
    context = data["candidates"][0]["deltas"]["context_window"]
    assert (context["from_value"], context["to_value"]) == (128000, 1047576)
    assert data["representative"].startswith("from_value and to_value: the value most sources")


def test_listing_over_http_shows_the_values_most_sources_state_and_says_how(disputed):
    """Regression: the listing showed the least precise release date (2024-05 from one
    source over 2024-05-01 from another) and the largest context any source states."""
    data = disputed.get("/models").json()["data"]
    assert [(m["id"], m["released"], m["context_window"]) for m in data["items"]] == [
        ("acme-swift", "2024-05-01", 128000), ("acme-swift-2", "2025-04", 1047576)]
    assert set(data["basis"]) == {"released", "context_window", "cheapest_input_price",
                                  "cheapest_output_price"}


def test_same_host_entries_over_http_name_their_routes(disputed):
    """Regression: the router was listed twice (Swift's alias and dated-snapshot routes) with
    nothing telling the two apart; the HTML table names the endpoints too."""
    path = "/models/acme-swift/migration"
    same = disputed.get(path, params={"to": "acme-swift-2"}).json()["data"]["candidates"][0][
        "deltas"]["input_price"]["same_host"]
    router = sorted((d["from_endpoint"], d["to_endpoint"]) for d in same if d["host"] == "router")
    assert router == [("acme/acme-swift-2024-05-01", "acme/acme-swift-2"),
                      ("acme/acme-swift-2024-05-01-dated", "acme/acme-swift-2")]
    page = disputed.get(path, params={"to": "acme-swift-2", "format": "html"}).text
    assert "acme/acme-swift-2024-05-01-dated</code> → <code>acme/acme-swift-2</code>" in page


def test_a_very_long_succession_chain_is_served_its_tree_cut_and_its_edges_whole(tmp_path):
    """Regression: a chain of 700 successors raised RecursionError building the lineage
    tree (a 500, and a materialisation that died on that model)."""
    graph = ox.NamedNode("https://w3id.org/modelgraph/source/a")
    model = [ox.NamedNode(f"https://w3id.org/modelgraph/id/model/m{i}") for i in range(700)]
    ontology = "https://w3id.org/modelgraph/ontology#"
    quads = [ox.Quad(m, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                     ox.NamedNode(ontology + "Model"), graph) for m in model]
    quads += [ox.Quad(a, ox.NamedNode(ontology + "successor"), b, graph)
              for a, b in zip(model, model[1:])]
    with serve(tmp_path, quads=quads) as client:
        response = client.get("/models/m0/lineage", headers={"Accept": "application/json"})
        assert response.status_code == 200
        data = response.json()["data"]
        assert len(data["edges"]) == 699 and len(data["successors"]) == 699
        node, depth = data["tree"], 0
        while node["children"]:
            node, depth = node["children"][0], depth + 1
        assert node.get("truncated") is True and 100 <= depth < 699
        page = client.get("/models/m0/lineage", headers={"Accept": "text/html"})
        assert page.status_code == 200


def test_an_infinite_double_is_shown_in_its_lexical_form(tmp_path):
    """Regression: a value "INF"^^xsd:double (an SPARQL update can write one) made the
    model's view a 500 (JSON has no infinity)."""
    graph = ox.NamedNode("https://w3id.org/modelgraph/source/a")
    model = ox.NamedNode("https://w3id.org/modelgraph/id/model/m")
    ontology = "https://w3id.org/modelgraph/ontology#"
    double = ox.NamedNode("http://www.w3.org/2001/XMLSchema#double")
    quads = [ox.Quad(model, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                     ox.NamedNode(ontology + "Model"), graph),
             ox.Quad(model, ox.NamedNode(ontology + "contextWindow"),
                     ox.Literal("INF", datatype=double), graph)]
    with serve(tmp_path, quads=quads) as client:
        response = client.get("/models/m", headers={"Accept": "application/json"})
        assert response.status_code == 200, response.text
        facts = {f["name"]: f["values"] for f in response.json()["data"]["facts"]}
        assert [v["value"] for v in facts["contextWindow"]] == ["INF"]


def test_a_model_id_written_as_people_write_it_redirects_to_the_graphs_spelling(tmp_path):
    """Regression: /models/gpt-4.1-nano was a 404 ("no model") where ?q= found the model;
    a path or `to` spelling an id with dots, capitals or spaces now redirects (308)."""
    with serve(tmp_path, quads=fictional.quads()) as client:
        response = client.get("/models/Acme Swift/migration",
                              params={"to": "acme.swift.2", "format": "json"},
                              follow_redirects=False)
        assert response.status_code == 308
        assert response.headers["location"] == (
            "/models/acme-swift/migration?to=acme-swift-2&format=json")
        followed = client.get(response.headers["location"])
        assert followed.status_code == 200
        assert followed.json()["data"]["candidates"][0]["id"] == "acme-swift-2"
        assert client.get("/models/acme.swift", follow_redirects=True).json()["data"][
            "id"] == "acme-swift"
        assert client.get("/models/acme-swift-9").status_code == 404  # spelled right: as before


def test_a_model_whose_iri_is_not_slug_shaped_is_served_as_written(tmp_path):
    """A curated file may name a model <…/model/odd.model>: its id as written is served, not
    redirected to `odd-model` (which names no model)."""
    graph = ox.NamedNode("https://w3id.org/modelgraph/source/a")
    model = ox.NamedNode("https://w3id.org/modelgraph/id/model/odd.model")
    quads = [ox.Quad(model, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                     ox.NamedNode("https://w3id.org/modelgraph/ontology#Model"), graph)]
    with serve(tmp_path, quads=quads) as client:
        response = client.get("/models/odd.model", params={"format": "json"},
                              follow_redirects=False)
        assert response.status_code == 200 and response.json()["data"]["id"] == "odd.model"


def test_a_language_tagged_value_keeps_its_language_in_the_json_view(tmp_path):
    """Regression: "Odd model"@en and "Modèle bizarre"@fr were two plain strings."""
    graph = ox.NamedNode("https://w3id.org/modelgraph/source/a")
    model = ox.NamedNode("https://w3id.org/modelgraph/id/model/zz-odd")
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    quads = [ox.Quad(model, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                     ox.NamedNode("https://w3id.org/modelgraph/ontology#Model"), graph),
             ox.Quad(model, label, ox.Literal("Odd model", language="en"), graph),
             ox.Quad(model, label, ox.Literal("Modèle bizarre", language="fr"), graph)]
    with serve(tmp_path, quads=quads) as client:
        facts = {f["name"]: f["values"] for f in
                 client.get("/models/zz-odd", params={"format": "json"}).json()["data"]["facts"]}
    assert sorted((v["value"], v.get("language")) for v in facts["label"]) == [
        ("Modèle bizarre", "fr"), ("Odd model", "en")]
