"""Per-model views are materialised for the live generation in the background: once /health
says they are complete, a view is read, not computed, and it is exactly the document
computing it gives; a write makes the previous generation's documents unreachable."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from modelgraph import views
from modelgraph.materialized import MaterializedViews, fill
from modelgraph.store import EmbeddedStore

from .. import fictional
from .conftest import MG, PREFIXES, SRC, catalogue_quads, serve

TOKEN = "an-admin-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
PER_MODEL = {"": "model_view", "/offers": "offers_view", "/lineage": "lineage_view",
             "/timeline": "timeline_view"}
XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"
FRESH = {"Cache-Control": "no-cache"}  # past the response cache, to the view itself


def wait_until_materialized(client, timeout_s: float = 60.0) -> dict:
    deadline = time.monotonic() + timeout_s
    while True:
        state = client.get("/health").json()["materialized_views"]
        if state["state"] == "complete" or time.monotonic() > deadline:
            return state
        time.sleep(0.1)


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    with serve(tmp_path_factory.mktemp("materialized"), materialize_views=True,
               admin_token=TOKEN, stale_after_days=30) as client:
        yield client


def model_ids(client) -> list[str]:
    return [m["id"] for m in client.get("/models", params={"limit": 1000}).json()["data"]["items"]]


def computed(function: str, *args, **kwargs) -> dict:
    """The view computed here, over the same data, as a request without documents would."""
    ctx = views.ViewContext(EmbeddedStore.memory(catalogue_quads()), stale_after_days=30)
    return getattr(views, function)(ctx, *args, **kwargs).to_dict()


def test_health_reports_the_documents_complete(client):
    state = wait_until_materialized(client)
    assert state["state"] == "complete"
    assert state["models"] == state["done"] == len(model_ids(client)) == 2


def test_every_per_model_view_is_read_and_equals_the_computed_document(client):
    wait_until_materialized(client)
    for model in model_ids(client):
        for suffix, function in PER_MODEL.items():
            response = client.get(f"/models/{model}{suffix}", headers=FRESH)
            assert response.status_code == 200, response.text
            assert response.headers["x-modelgraph-view"] == "materialized"
            assert response.json() == computed(function, model), (model, function)


def test_a_migration_to_a_model_is_composed_from_both_profiles(client):
    wait_until_materialized(client)
    models = model_ids(client)
    for first in models:
        for second in models:
            response = client.get(f"/models/{first}/migration", params={"to": second},
                                  headers=FRESH)
            assert response.headers["x-modelgraph-view"] == "materialized"
            assert response.json() == computed("migration_view", first, to=second)
    # the candidate search still runs its queries
    response = client.get(f"/models/{models[0]}/migration", headers=FRESH)
    assert response.headers["x-modelgraph-view"] == "computed"


def test_a_requested_migration_keeps_the_reasons_the_candidate_search_gives(tmp_path):
    # the fictional catalogue: source a recommends Acme Swift 2 as Swift's replacement
    quads = fictional.quads()
    with serve(tmp_path, quads=quads, materialize_views=True, stale_after_days=30) as client:
        assert wait_until_materialized(client)["state"] == "complete"
        listed = client.get("/models/acme-swift/migration", headers=FRESH).json()["data"]
        stated = next(c["reasons"] for c in listed["candidates"] if c["id"] == "acme-swift-2")
        assert [r["reason"] for r in stated] == ["recommended replacement", "successor",
                                                 "newer in the same family",
                                                 "newer from the same vendor"]
        assert stated[0]["sources"] == ["a"]
        response = client.get("/models/acme-swift/migration", params={"to": "acme-swift-2"},
                              headers=FRESH)
        assert response.headers["x-modelgraph-view"] == "materialized"
        requested = response.json()["data"]["candidates"][0]["reasons"]
        assert requested == [{"reason": "requested", "sources": [], "stale": False}, *stated]
    ctx = views.ViewContext(EmbeddedStore.memory(quads), stale_after_days=30)
    computed_here = views.migration_view(ctx, "acme-swift", to="acme-swift-2").to_dict()
    assert response.json() == computed_here


def test_html_and_view_jsonld_come_from_the_document_too(client):
    wait_until_materialized(client)
    page = client.get("/models/zephyr/lineage", headers={"Accept": "text/html", **FRESH})
    assert page.status_code == 200 and "Zephyr" in page.text
    linked = client.get("/models/zephyr/timeline", params={"format": "jsonld"}, headers=FRESH)
    assert linked.status_code == 200
    assert linked.headers["x-modelgraph-view"] == "materialized"


def test_an_unknown_model_is_still_not_found(client):
    wait_until_materialized(client)
    response = client.get("/models/no-such-model/lineage", headers=FRESH)
    assert response.status_code == 404
    assert client.get("/models/no-such-model/migration", params={"to": "zephyr"},
                      headers=FRESH).status_code == 404


def test_after_a_write_no_document_of_the_previous_generation_is_served(client):
    wait_until_materialized(client)
    before = client.get("/models/zephyr", headers=FRESH).json()["data"]["label"]
    update = PREFIXES + ('INSERT DATA { GRAPH src:alpha { mgid:model\\/zephyr '
                         'rdfs:label "Zephyr Prime" } }')
    update = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n" + update
    assert client.post("/sparql", data={"update": update}, headers=AUTH).status_code == 200
    labels = lambda body: {v["value"] for f in body["data"]["facts"] if f["name"] == "label"
                           for v in f["values"]}
    # at once (documents of the new generation or none yet) and once they are complete
    assert labels(client.get("/models/zephyr", headers=FRESH).json()) == {before, "Zephyr Prime"}
    assert wait_until_materialized(client)["state"] == "complete"
    response = client.get("/models/zephyr", headers=FRESH)
    assert response.headers["x-modelgraph-view"] == "materialized"
    assert labels(response.json()) == {before, "Zephyr Prime"}


def test_documents_are_only_read_for_the_stale_sources_they_were_computed_with(tmp_path):
    """A source that turns stale changes citations: another threshold (or another day)
    that makes a different set of sources stale does not read these documents."""
    import pyoxigraph as ox

    from modelgraph.store.embedded import write_generation

    alpha = ox.NamedNode(SRC + "alpha")
    dated = ox.Quad(alpha, ox.NamedNode(MG + "researchedOn"),
                    ox.Literal("2020-01-01", datatype=ox.NamedNode(XSD_DATE)), alpha)
    data_dir: Path = tmp_path / "data"
    generation = write_generation(data_dir, [*catalogue_quads(), dated])
    long_ago = dt.date(2020, 1, 2)  # alpha is a day old: fresh (the others are undated)
    assert fill(data_dir, generation, 30, today=long_ago) is not None
    kept = MaterializedViews(data_dir, 30)
    try:
        # today alpha is years old: stale, so citations differ
        assert kept.document("model_view", "zephyr") is None
    finally:
        kept.close()
    assert fill(data_dir, generation, 30) is not None  # today's documents
    reader = MaterializedViews(data_dir, 30)
    try:
        assert reader.document("model_view", "zephyr") is not None
        assert reader.document("model_view", "no-such-model") is None
    finally:
        reader.close()


def test_a_data_directory_where_documents_cannot_be_written_is_reported(tmp_path, capsys):
    from modelgraph.materialized import CANNOT_WRITE, main
    from modelgraph.store.embedded import write_generation

    data_dir = tmp_path / "data"
    generation = write_generation(data_dir, catalogue_quads())
    (data_dir / "views").write_text("not a folder")  # as a read-only mount would refuse
    assert main([str(data_dir), generation, "30"]) == CANNOT_WRITE
    assert "cannot materialise the views" in capsys.readouterr().err


def test_a_new_version_removes_the_documents_an_older_one_wrote(tmp_path):
    from modelgraph.store.embedded import write_generation

    data_dir = tmp_path / "data"
    generation = write_generation(data_dir, catalogue_quads())
    folder = data_dir / "views" / generation
    folder.mkdir(parents=True)
    older = folder / "0123456789abcdef-0123456789abcdef.sqlite"
    older.write_bytes(b"documents of another version of the code")
    written = fill(data_dir, generation, 30)
    assert written is not None and written.exists()
    assert not older.exists()


def test_a_candidates_document_gives_one_candidates_reasons_and_none_for_others():
    from modelgraph.materialized import candidate_lines, candidate_reasons

    reasons = [{"reason": "successor", "sources": ["a"], "stale": False}]
    document = candidate_lines({"https://x/model/acme-swift-2": reasons,
                                "https://x/model/acme-swift-20": []})
    assert candidate_reasons(document, "https://x/model/acme-swift-2") == reasons
    assert candidate_reasons(document, "https://x/model/acme-swift-20") == []
    assert candidate_reasons(document, "https://x/model/acme-swift") is None


def test_a_lineage_nested_deeper_than_the_fast_json_writer_goes_is_materialised(tmp_path):
    """Regression: the lineage tree of a 150-model succession chain nests ~300 levels deep,
    past what orjson writes (254); its document must still be materialised and read."""
    model = [f"https://w3id.org/modelgraph/id/model/m{i}" for i in range(150)]
    graph = ox.NamedNode(SRC + "a")
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    quads = [ox.Quad(ox.NamedNode(m), rdf_type, ox.NamedNode(MG + "Model"), graph)
             for m in model]
    quads += [ox.Quad(ox.NamedNode(a), ox.NamedNode(MG + "successor"), ox.NamedNode(b), graph)
              for a, b in zip(model, model[1:])]
    with serve(tmp_path, quads=quads, materialize_views=True, stale_after_days=30) as client:
        assert wait_until_materialized(client)["state"] == "complete"
        response = client.get("/models/m0/lineage", headers=FRESH)
        assert response.headers["x-modelgraph-view"] == "materialized"
    ctx = views.ViewContext(EmbeddedStore.memory(quads), stale_after_days=30)
    assert response.json() == views.lineage_view(ctx, "m0").to_dict()
