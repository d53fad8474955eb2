"""Helper views over HTTP: JSON, JSON-LD and HTML, errors as JSON, the SPARQL shown."""

import json
from collections import Counter

import pyoxigraph as ox
import pytest

from modelgraph.exports import context
from modelgraph.store import EmbeddedStore

from .. import fictional
from .conftest import BACKENDS, served


@pytest.fixture(scope="module", params=BACKENDS)
def client(request):
    with served(request, fictional.quads(), workers=1, stale_after_days=36500,
                raise_server_exceptions=True) as client:
        yield client


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
