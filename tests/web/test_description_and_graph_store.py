"""GET /sparql without a query describes the service; /rdf-graphs/service reads graphs."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from fastapi.responses import HTMLResponse

from modelgraph.web import set_query_ui

from .conftest import SOURCE_GRAPHS, SRC, serve

SD = "http://www.w3.org/ns/sparql-service-description#"


def sd_store(response) -> ox.Store:
    store = ox.Store()
    store.extend(ox.parse(response.content, format=ox.RdfFormat.TURTLE))
    return store


def test_the_service_description_is_turtle_and_names_every_source_graph(client):
    response = client.get("/sparql")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    store = sd_store(response)
    names = {
        s["g"].value
        for s in store.query(
            f"SELECT ?g WHERE {{ ?svc <{SD}defaultDataset>/<{SD}namedGraph>/<{SD}name> ?g }}"
        )
    }
    assert names == set(SOURCE_GRAPHS)
    ask = f"""PREFIX sd: <{SD}>
        ASK {{ ?svc a sd:Service ; sd:endpoint <http://testserver/sparql> ;
                    sd:supportedLanguage sd:SPARQL11Query ; sd:feature sd:UnionDefaultGraph ;
                    sd:resultFormat <http://www.w3.org/ns/formats/SPARQL_Results_JSON> ;
                    sd:defaultDataset/sd:defaultGraph ?default .
              FILTER NOT EXISTS {{ ?svc sd:supportedLanguage sd:SPARQL11Update }}
              FILTER NOT EXISTS {{ ?svc sd:feature sd:BasicFederatedQuery }} }}"""
    assert bool(store.query(ask))


def test_the_service_description_gives_each_graphs_size(client):
    store = sd_store(client.get("/sparql"))
    sizes = {
        s["g"].value: int(s["n"].value)
        for s in store.query(
            f"""SELECT ?g ?n WHERE {{ ?ng <{SD}name> ?g ; <{SD}graph>/<http://rdfs.org/ns/void#triples> ?n }}"""
        )
    }
    assert sizes == {SRC + "alpha": 9, SRC + "beta": 6, SRC + "gamma": 9}


@pytest.mark.parametrize(
    "accept, fmt",
    [
        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/ld+json", ox.RdfFormat.JSON_LD),
    ],
)
def test_the_service_description_is_negotiated(client, accept, fmt):
    response = client.get("/sparql", headers={"Accept": accept})
    assert response.headers["content-type"] == accept
    assert any(
        t.object == ox.NamedNode(SD + "Service") for t in ox.parse(response.content, format=fmt)
    )


def test_a_browser_gets_the_query_page_once_one_is_installed(client):
    browser = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
    default_ui = client.get("/sparql", headers=browser)  # create_app installs the web UI
    assert default_ui.headers["content-type"].startswith("text/html")
    assert 'id="yasgui"' in default_ui.text
    with serve() as ui_client:
        set_query_ui(ui_client.app, lambda request: HTMLResponse("<h1>query me</h1>"))
        page = ui_client.get("/sparql", headers=browser)
        machine = ui_client.get("/sparql")
    assert page.text == "<h1>query me</h1>"
    assert machine.headers["content-type"].startswith("text/turtle")


# -- Graph Store Protocol (read) ---------------------------------------------------------------


def test_a_source_graph_can_be_read_in_each_rdf_format(client):
    for accept, fmt in [
        ("text/turtle", ox.RdfFormat.TURTLE),
        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/ld+json", ox.RdfFormat.JSON_LD),
        ("application/rdf+xml", ox.RdfFormat.RDF_XML),
    ]:
        response = client.get(
            "/rdf-graphs/service", params={"graph": SRC + "beta"}, headers={"Accept": accept}
        )
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].split(";")[0] == accept
        assert len(list(ox.parse(response.content, format=fmt))) == 6


def test_the_default_graph_is_the_union_without_duplicates(client):
    response = client.get(
        "/rdf-graphs/service?default", headers={"Accept": "application/n-triples"}
    )
    triples = [q.triple for q in ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES)]
    assert len(triples) == len(set(triples)) == 20  # 24 quads, 4 repeated across pages


def test_without_a_graph_parameter_the_whole_dataset_is_served(client):
    response = client.get("/rdf-graphs/service", headers={"Accept": "application/n-quads"})
    quads = list(ox.parse(response.content, format=ox.RdfFormat.N_QUADS))
    assert {q.graph_name.value for q in quads} == set(SOURCE_GRAPHS)
    assert len(quads) == 24


def test_head_gives_the_headers_of_get_without_a_body(client):
    response = client.head("/rdf-graphs/service", params={"graph": SRC + "alpha"})
    assert response.status_code == 200
    assert response.content == b""
    assert int(response.headers["content-length"]) > 0
    assert response.headers["content-type"].startswith("text/turtle")


def test_an_unknown_graph_is_404_and_a_bad_name_400(client):
    missing = client.get("/rdf-graphs/service", params={"graph": SRC + "nowhere"})
    assert missing.status_code == 404
    assert missing.json()["error"] == "NotFound" and "nowhere" in missing.json()["message"]
    assert client.head("/rdf-graphs/service", params={"graph": SRC + "nowhere"}).status_code == 404
    bad = client.get("/rdf-graphs/service", params={"graph": "no iri"})
    assert bad.status_code == 400 and bad.json()["field"] == "graph"
    both = client.get("/rdf-graphs/service", params={"graph": SRC + "alpha", "default": ""})
    assert both.status_code == 400


def test_graph_store_writes_are_forbidden_without_the_admin_token(client):
    for method in ("put", "post", "delete"):
        response = client.request(
            method,
            "/rdf-graphs/service",
            params={"graph": SRC + "alpha"},
            content=b"<http://a> <http://b> <http://c> .",
            headers={"Content-Type": "application/n-triples"},
        )
        assert response.status_code == 403, method
        assert "read-only" in response.json()["message"]


def test_the_default_graph_is_every_named_graph_as_described():
    """Not only the sources: the ontology graph and the derived graph are in the union, and
    the service description says so."""
    from modelgraph.derive import with_derived

    from .. import fictional

    with serve(quads=with_derived(fictional.quads())) as client:
        store = sd_store(client.get("/sparql"))
        [description] = [s["d"].value for s in store.query(
            f"SELECT ?d WHERE {{ ?svc <{SD}defaultDataset>/<{SD}defaultGraph>/"
            f"<http://purl.org/dc/terms/description> ?d }}")]
        assert "https://w3id.org/modelgraph/ontology" in description
        assert "https://w3id.org/modelgraph/derived" in description
        ask = ("PREFIX owl: <http://www.w3.org/2002/07/owl#>\n"
               "PREFIX mg: <https://w3id.org/modelgraph/ontology#>\n"
               "ASK { ?p a owl:FunctionalProperty . ?model mg:contextRank ?rank }")
        answer = client.get("/sparql", params={"query": ask},
                            headers={"Accept": "application/sparql-results+json"})
        assert answer.json()["boolean"] is True
