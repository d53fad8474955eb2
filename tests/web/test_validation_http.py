"""Validation for curators over HTTP: the live report and checking RDF without loading it."""

import pytest
import rdflib

from .. import fictional
from .conftest import BACKENDS, served

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")


@pytest.fixture(scope="module", params=BACKENDS)
def client(request):
    with served(request, fictional.quads(), raise_server_exceptions=True) as client:
        yield client


def test_the_live_report_conforms_and_shows_conflicts_as_warnings(client):
    report = client.get("/validation").json()
    assert report["conforms"] is True
    warnings = [i for i in report["issues"] if i["severity"] == "Warning"]
    assert any("cachedInputPrice" in (i["path"] or "") and set(i["source_ids"]) == {"a", "b"}
               for i in warnings)


def test_the_live_report_as_a_standard_shacl_report_in_turtle(client):
    response = client.get("/validation", headers={"Accept": "text/turtle"})
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    assert (None, rdflib.RDF.type, SH.ValidationReport) in graph
    assert (None, SH.resultSeverity, SH.Warning) in graph


def test_submitted_rdf_is_checked_not_loaded(client):
    before = client.get("/sources").json()["data"]
    bad = b"""
        @prefix mg: <https://w3id.org/modelgraph/ontology#> .
        <https://w3id.org/modelgraph/source/x> {
          <https://w3id.org/modelgraph/id/offer/h/m> a mg:Offer ;
            mg:model <https://w3id.org/modelgraph/id/model/m> ;
            mg:host <https://w3id.org/modelgraph/id/host/h> ; mg:inputPrice -0.5 .
        }"""
    response = client.post("/validate", content=bad, headers={"Content-Type": "application/trig"})
    assert response.status_code == 200
    report = response.json()
    assert report["conforms"] is False
    assert any(i["severity"] == "Violation" for i in report["issues"])
    assert client.get("/sources").json()["data"] == before


def test_unparsable_rdf_is_a_400_with_line_and_column(client):
    response = client.post("/validate", content=b"@prefix ex: <http://e/> .\nex:a ex:b .\n",
                           headers={"Content-Type": "text/turtle"})
    assert response.status_code == 400
    body = response.json()
    assert body["line"] == 2 and body["column"]


def test_unknown_content_type_is_a_415(client):
    response = client.post("/validate", content=b"x", headers={"Content-Type": "image/png"})
    assert response.status_code == 415
