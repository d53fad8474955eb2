"""Curator writes over HTTP: admin token required, validated first, atomic."""

import gzip
from pathlib import Path

import pytest

from .. import fictional
from .conftest import BACKENDS, served

TOKEN = "s3cret-admin"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
GOOD = b"""@prefix mg: <https://w3id.org/modelgraph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/modelgraph/id/model/zeta-1> a mg:Model ; rdfs:label "Zeta 1" .
"""
BAD = b"""@prefix mg: <https://w3id.org/modelgraph/ontology#> .
<https://w3id.org/modelgraph/id/offer/h/zeta-1> a mg:Offer ;
  mg:model <https://w3id.org/modelgraph/id/model/zeta-1> ;
  mg:host <https://w3id.org/modelgraph/id/host/h> ; mg:outputPrice -2.0 .
"""


@pytest.fixture(params=BACKENDS)
def client(request):
    with served(request, fictional.quads(), admin_token=TOKEN,
                raise_server_exceptions=True) as client:
        yield client


def _ids(client) -> set[str]:
    return {s["id"] for s in client.get("/sources").json()["data"]}


def test_writes_need_the_admin_token(client):
    response = client.post("/sources/zeta", content=GOOD, headers={"Content-Type": "text/turtle"})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.delete("/sources/a").status_code == 401
    assert client.post("/sources/models.dev").status_code == 401
    wrong = {"Authorization": "Bearer not-the-token"}
    assert client.delete("/sources/a", headers=wrong).status_code == 403
    response = client.post("/sources/zeta", content=GOOD,
                           headers={**wrong, "Content-Type": "text/turtle"})
    assert response.status_code == 403 and "WWW-Authenticate" not in response.headers
    assert _ids(client) == {"a", "b"}


def test_a_source_is_added_replaced_and_removed(client):
    headers = {**AUTH, "Content-Type": "text/turtle"}
    response = client.post("/sources/zeta", content=GOOD, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["sources"][0]["previous_triples"] is None  # added
    assert _ids(client) == {"a", "b", "zeta"}
    more = GOOD + b'<https://w3id.org/modelgraph/id/model/zeta-1> rdfs:comment "more" .\n'
    response = client.post("/sources/zeta", content=more, headers=headers)
    assert response.status_code == 200, response.text
    assert {k: response.json()["sources"][0][k] for k in ("triples", "previous_triples")} \
        == {"triples": 3, "previous_triples": 2}  # replaced, and it says so
    assert client.get("/models/zeta-1").status_code == 200
    assert client.delete("/sources/zeta", headers=AUTH).status_code == 200
    assert _ids(client) == {"a", "b"}
    assert client.delete("/sources/zeta", headers=AUTH).status_code == 404


def test_nonconforming_data_is_refused_with_the_report(client):
    response = client.post("/sources/zeta", content=BAD,
                           headers={**AUTH, "Content-Type": "text/turtle"})
    assert response.status_code == 422
    report = response.json()["report"]
    assert any(i["severity"] == "Violation" for i in report["issues"])
    assert _ids(client) == {"a", "b"}


def test_a_refusal_lists_what_concerns_the_source_sent_and_counts_the_rest(client):
    """The 422 report lists the violations, and the warnings about the source sent; the
    warnings about sources the request leaves as they are are counted in `left_out`."""
    conflicting = b"""@prefix mg: <https://w3id.org/modelgraph/ontology#> .
<https://w3id.org/modelgraph/id/model/acme-swift> a mg:Model ; mg:contextWindow 64000 .
"""
    headers = {**AUTH, "Content-Type": "text/turtle"}
    response = client.post("/sources/c", content=conflicting, headers=headers)
    assert response.status_code == 200
    warnings = response.json()["warnings"]  # a, b and c disagree on a context window, ...
    assert warnings >= 1
    response = client.post("/sources/zeta", content=BAD, headers=headers)
    assert response.status_code == 422
    body = response.json()
    assert body["source"] == "request body for source zeta"
    report = body["report"]
    assert report["violations"] >= 1
    assert all(i["severity"] == "Violation" or "zeta" in i["source_ids"]
               for i in report["issues"])
    assert report["left_out"] == {"warnings": warnings}
    assert _ids(client) == {"a", "b", "c"}


CATALOGUE = Path(__file__).resolve().parents[1] / "fixtures" / "modelsdev" / "catalogue.json"


def test_a_catalogue_sent_to_sources_models_dev_is_imported_as_the_cli_imports_a_file(client):
    """Regression: POST /sources/models.dev ignored its body and imported the installed
    package's catalogue. A body is a catalogue dump (`ingest models.dev --catalogue-file`)."""
    response = client.post("/sources/models.dev", content=CATALOGUE.read_bytes(),
                           headers={**AUTH, "Content-Type": "application/json"})
    assert response.status_code == 200, response.text
    [source] = response.json()["sources"]
    assert (source["source_id"], source["origin"], source["previous_triples"]) == (
        "models-dev", "request body for source models.dev", None)
    assert _ids(client) == {"a", "b", "models-dev"}
    zipped = gzip.compress(CATALOGUE.read_bytes())
    response = client.post("/sources/models.dev", content=zipped,
                           headers={**AUTH, "Content-Type": "application/gzip"})
    assert response.status_code == 200, response.text
    assert response.json()["sources"][0]["previous_triples"] == source["triples"]


@pytest.mark.parametrize(("media", "body", "status", "needle"), [
    ("text/turtle", GOOD, 415, "is a catalogue dump in the models.dev JSON format"),
    ("application/json", b'{"openai": ', 400, "not valid JSON"),
    ("application/json", b"[]", 400, "the catalogue must be a JSON object of providers"),
])
def test_a_body_sent_to_sources_models_dev_that_is_no_catalogue_is_refused(client, media, body,
                                                                          status, needle):
    response = client.post("/sources/models.dev", content=body,
                           headers={**AUTH, "Content-Type": media})
    assert response.status_code == status, response.text
    assert needle in response.json()["message"]
    assert _ids(client) == {"a", "b"}


def test_a_page_can_be_sent_as_text_and_an_unknown_page_is_a_400(client):
    response = client.post("/sources/notes", content=b"just some notes\n",
                           headers={**AUTH, "Content-Type": "text/plain"})
    assert response.status_code == 400 and "no extractor" in response.json()["message"]
    response = client.post("/sources/x", content=b"x", headers={**AUTH, "Content-Type": "image/png"})
    assert response.status_code == 415


@pytest.mark.parametrize("path", ["/sources/a%20b", "/sources/a%2Fb", "/sources/a%3Cb%3E",
                                  "/sources/%2E%2E"])
def test_a_source_id_that_makes_no_iri_is_a_400_and_changes_nothing(client, path):
    """Regression: `DELETE /sources/a%20b` was a 500 (pyoxigraph refused the graph IRI)."""
    for response in (
        client.delete(path, headers=AUTH),
        client.post(path, content=GOOD, headers={**AUTH, "Content-Type": "text/turtle"}),
        client.post(path, content=b"a page\n", headers={**AUTH, "Content-Type": "text/plain"}),
    ):
        assert response.status_code == 400, response.text
        body = response.json()
        assert body["error"] == "InputError" and body["field"] == "source_id"
        assert "is not a source id" in body["message"] and "letters, digits" in body["message"]
    assert _ids(client) == {"a", "b"}
    assert client.get(path).status_code == 404  # reading one is still "no such source"


SRC = "https://w3id.org/modelgraph/source/"
ZETA = ("<https://w3id.org/modelgraph/id/model/zeta-1> "
        "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
        "<https://w3id.org/modelgraph/ontology#Model>")


def _triples(client, source_id: str) -> int:
    return client.get(f"/sources/{source_id}").json()["data"]["triples"]


@pytest.mark.parametrize(("media", "body", "graph"), [
    ("application/trig", f"<{SRC}a> {{ {ZETA} . }}", SRC + "a"),
    ("application/n-quads", f"{ZETA} <{SRC}a> .", SRC + "a"),
    ("application/trig", f"{ZETA} .\n<{SRC}b> {{ {ZETA} . }}", SRC + "b"),
    ("application/trig", f"<https://example.org/g> {{ {ZETA} . }}", "https://example.org/g"),
])
def test_a_body_naming_a_graph_other_than_the_paths_source_is_refused(client, media, body,
                                                                     graph):
    """Regression: POST /sources/zeta with a TriG body whose graph is …/source/a replaced
    source a. The path names the one source replaced."""
    before = {sid: _triples(client, sid) for sid in ("a", "b")}
    response = client.post("/sources/zeta", content=body.encode(),
                           headers={**AUTH, "Content-Type": media})
    assert response.status_code == 400, response.text
    error = response.json()
    assert error["error"] == "InputError" and error["field"] == "graph"
    assert f"<{graph}>" in error["message"] and "'zeta'" in error["message"]
    assert {sid: _triples(client, sid) for sid in ("a", "b")} == before
    assert _ids(client) == {"a", "b"}


def test_a_body_in_the_paths_own_source_graph_is_that_source(client):
    body = f"<{SRC}zeta> {{ {ZETA} . }}\n{ZETA} .".encode()
    response = client.post("/sources/zeta", content=body,
                           headers={**AUTH, "Content-Type": "application/trig"})
    assert response.status_code == 200, response.text
    assert [s["source_id"] for s in response.json()["sources"]] == ["zeta"]
    assert _ids(client) == {"a", "b", "zeta"}


def test_json_ld_naming_the_services_own_context_url_is_read_with_that_context(client):
    served = client.get("/models/acme-swift", headers={"Accept": "application/ld+json"})
    assert "http://testserver/context.jsonld" in served.text  # how its documents name it
    body = b"""{"@context": ["http://testserver/context.jsonld", {"z": "https://example.org/"}],
                "id": "mgid:model/zeta-1", "type": "Model", "label": "Zeta 1"}"""
    headers = {**AUTH, "Content-Type": "application/ld+json"}
    response = client.post("/sources/zeta", content=body, headers=headers)
    assert response.status_code == 200, response.text
    assert client.get("/models/zeta-1").json()["data"]["label"] == "Zeta 1"
    checked = client.post("/validate", content=served.content,
                          headers={"Content-Type": "application/ld+json"})
    assert checked.status_code == 200, checked.text  # parsed; the report says what it finds


def test_a_json_ld_document_naming_any_other_context_url_is_refused_unfetched(client):
    body = b'{"@context": "http://elsewhere.example/context.jsonld", "@id": "x:y"}'
    response = client.post("/sources/other", content=body,
                           headers={**AUTH, "Content-Type": "application/ld+json"})
    assert response.status_code == 400 and "not fetched" in response.json()["message"]
    assert "other" not in _ids(client)
