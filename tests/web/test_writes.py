"""Writes (SPARQL Update, Graph Store PUT/POST/DELETE) need the admin token, and only a
change that keeps the graph valid against the shapes becomes the new generation."""

from __future__ import annotations

from urllib.parse import quote

import pyoxigraph as ox
import pytest

from modelgraph.resources import ontology_quads

from .conftest import BACKENDS, ID, MG, PREFIXES, SRC, catalogue_quads, select, serve, served

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_DECIMAL = "http://www.w3.org/2001/XMLSchema#decimal"
TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ADD_LABEL = PREFIXES + (
    'INSERT DATA { GRAPH src:gamma { mgid:model\\/breeze mg:alias "breeze-latest" } }'
)
BREAK_WINDOW = PREFIXES + (
    'INSERT DATA { GRAPH src:alpha { mgid:model\\/zephyr mg:contextWindow "lots" } }'
)


@pytest.fixture(scope="module", params=BACKENDS)
def admin_client(request):
    with served(request, admin_token=TOKEN) as client:
        yield client


def test_an_update_is_forbidden_when_the_server_has_no_admin_token(client):
    response = client.post("/sparql", data={"update": ADD_LABEL}, headers=AUTH)
    assert response.status_code == 403
    assert response.json()["error"] == "Forbidden"
    assert "read-only" in response.json()["message"]


@pytest.mark.parametrize(
    "headers", [{"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}]
)
def test_an_update_without_the_right_bearer_token_is_forbidden(admin_client, headers):
    response = admin_client.post("/sparql", data={"update": ADD_LABEL}, headers=headers)
    assert response.status_code == 403
    assert "Bearer" in response.json()["message"]
    assert "WWW-Authenticate" not in response.headers


@pytest.mark.parametrize("headers", [{}, {"Authorization": "  "}])
def test_an_update_without_credentials_is_401_with_a_bearer_challenge(admin_client, headers):
    """RFC 6750 §3: no credentials is 401 with `WWW-Authenticate: Bearer` (was 403)."""
    before = admin_client.get("/health").json()["generation"]
    response = admin_client.post("/sparql", data={"update": ADD_LABEL}, headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    body = response.json()
    assert body["error"] == "Unauthorized" and body["field"] == "Authorization"
    assert "Bearer" in body["message"]
    put = admin_client.put("/rdf-graphs/service", params={"graph": SRC + "gamma"},
                           content=b"", headers={**headers, "Content-Type": "text/turtle"})
    assert put.status_code == 401 and put.headers["WWW-Authenticate"].startswith("Bearer")
    assert admin_client.get("/health").json()["generation"] == before


def test_an_update_counts_warnings_as_the_validation_report_does(tmp_path):
    """Regression: an update's answer counted the SHACL warnings without the conflicts
    between sources, which /validation and an ingest count among them (148 vs 164)."""
    update = PREFIXES + (
        "INSERT DATA { GRAPH src:gamma { mgid:model\\/zz a mg:Model ; mg:contextWindow 4096 } "
        "GRAPH src:delta { mgid:model\\/zz a mg:Model ; mg:contextWindow 8192 } }")
    # the ontology says which properties take one value, so which disagreements conflict
    with serve(tmp_path, quads=catalogue_quads() + ontology_quads(),
               admin_token=TOKEN) as admin_client:
        response = admin_client.post("/sparql", content=update.encode(), headers={
            **AUTH, "Content-Type": "application/sparql-update"})
        assert response.status_code == 200, response.text
        report = admin_client.get("/validation").json()
    assert response.json()["conflicts"] == 1
    assert response.json()["warnings"] == report["warnings"]


def test_an_authorised_valid_update_becomes_the_new_generation(admin_client):
    before = admin_client.get("/health").json()
    response = admin_client.post(
        "/sparql",
        content=ADD_LABEL.encode(),
        headers={**AUTH, "Content-Type": "application/sparql-update"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["triples"] == before["triples"] + 1
    after = admin_client.get("/health").json()
    assert after["generation"] == response.json()["generation"] != before["generation"]
    rows = select(admin_client, "SELECT ?g WHERE { GRAPH ?g { ?m mg:alias 'breeze-latest' } }")
    assert rows == [{"g": SRC + "gamma"}]


def test_an_update_that_breaks_a_shape_is_refused_with_the_report(admin_client):
    before = admin_client.get("/health").json()
    response = admin_client.post("/sparql", data={"update": BREAK_WINDOW}, headers=AUTH)
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "ValidationFailed" and "nothing was written" in body["message"]
    assert body["report"]["conforms"] is False
    violations = [i for i in body["report"]["issues"] if i["severity"] == "Violation"]
    assert violations and body["report"]["violations"] == len(violations)
    assert all(i["path"].endswith("#contextWindow") for i in violations)
    assert all(i["source_ids"] == ["alpha"] for i in violations)
    assert admin_client.get("/health").json()["generation"] == before["generation"]


@pytest.fixture(params=BACKENDS)
def warned_client(request):
    """Sources a and b (tests/fictional.py), b with an offer that states no currency (a
    warning)."""
    from .. import fictional

    offer = [ox.Quad(ox.NamedNode(ID + "offer/acme/acme-swift-x"), ox.NamedNode(p),
                     o, ox.NamedNode(SRC + "b")) for p, o in [
        (RDF_TYPE, ox.NamedNode(MG + "Offer")),
        (MG + "model", ox.NamedNode(ID + "model/acme-swift")),
        (MG + "host", ox.NamedNode(ID + "host/acme")),
        (MG + "inputPrice", ox.Literal("1.0", datatype=ox.NamedNode(XSD_DECIMAL)))]]
    with served(request, fictional.quads() + offer, admin_token=TOKEN) as client:
        yield client


def test_a_refused_update_reports_what_it_changed_and_counts_the_rest(warned_client):
    """Warnings about the graphs an update leaves alone are counted, not listed (on a real
    store they are many: they buried the violations)."""
    update = PREFIXES + ('INSERT DATA { GRAPH src:a { mgid:model\\/acme-swift '
                         'mg:contextWindow "lots" } }')
    response = warned_client.post("/sparql", data={"update": update}, headers=AUTH)
    assert response.status_code == 422, response.text
    report = response.json()["report"]
    assert report["violations"] >= 1
    assert all(i["source_ids"] == ["a"] for i in report["issues"])
    assert report["left_out"] == {"warnings": 1}  # b's offer without a currency


def test_load_and_service_stay_refused_for_the_admin(admin_client):
    for update in (
        "LOAD <http://127.0.0.1:9/data.ttl>",
        "INSERT { ?s ?p ?o } WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    ):
        response = admin_client.post("/sparql", data={"update": update}, headers=AUTH)
        assert response.status_code == 400
        assert response.json()["error"] == "ForbiddenOperation"


def test_a_malformed_update_is_400_with_its_position(admin_client):
    response = admin_client.post(
        "/sparql", data={"update": "INSERT DATA {\n <a> <b> }"}, headers=AUTH
    )
    assert response.status_code == 400
    body = response.json()
    assert body["source"] == "update" and body["line"] == 2


def test_graph_store_put_post_and_delete_write_through_validation(admin_client):
    graph = SRC + "delta"
    page = (
        f"<{graph}> a <https://w3id.org/modelgraph/ontology#SourcePage> ;"
        f' <http://purl.org/dc/terms/identifier> "delta" .'
    )
    put = admin_client.put(
        "/rdf-graphs/service",
        params={"graph": graph},
        content=page.encode(),
        headers={**AUTH, "Content-Type": "text/turtle"},
    )
    # a new graph is 201 Created, naming it (Graph Store Protocol §5.3); a change is 200
    assert put.status_code == 201, put.text
    assert put.headers["location"].endswith("/rdf-graphs/service?graph=" + quote(graph, safe=""))
    post = admin_client.post(
        "/rdf-graphs/service",
        params={"graph": graph},
        content=f'<{graph}> <http://purl.org/dc/terms/title> "Delta" .'.encode(),
        headers={**AUTH, "Content-Type": "application/n-triples"},
    )
    assert post.status_code == 200, post.text
    read = admin_client.get(
        "/rdf-graphs/service", params={"graph": graph}, headers={"Accept": "application/n-triples"}
    )
    assert len(list(ox.parse(read.content, format=ox.RdfFormat.N_TRIPLES))) == 3
    deleted = admin_client.delete("/rdf-graphs/service", params={"graph": graph}, headers=AUTH)
    assert deleted.status_code == 200
    assert admin_client.get("/rdf-graphs/service", params={"graph": graph}).status_code == 404
    again = admin_client.delete("/rdf-graphs/service", params={"graph": graph}, headers=AUTH)
    assert again.status_code == 404


def test_graph_store_reads_json_ld_that_names_the_services_own_context(admin_client):
    graph = SRC + "delta"
    body = (b'{"@context": "http://testserver/context.jsonld", "id": "src:delta",'
            b' "type": "SourcePage", "dcterms:identifier": "delta"}')
    put = admin_client.put("/rdf-graphs/service", params={"graph": graph}, content=body,
                           headers={**AUTH, "Content-Type": "application/ld+json"})
    assert put.status_code == 201, put.text  # a new graph
    read = admin_client.get("/rdf-graphs/service", params={"graph": graph},
                            headers={"Accept": "application/n-triples"})
    assert len(list(ox.parse(read.content, format=ox.RdfFormat.N_TRIPLES))) == 2


def test_graph_store_writes_refuse_unreadable_bodies(admin_client):
    target = {"graph": SRC + "delta"}
    bad = admin_client.put(
        "/rdf-graphs/service",
        params=target,
        content=b"<a> <b",
        headers={**AUTH, "Content-Type": "text/turtle"},
    )
    assert bad.status_code == 400 and bad.json()["error"] == "RdfSyntaxError"
    unknown = admin_client.put(
        "/rdf-graphs/service",
        params=target,
        content=b"x",
        headers={**AUTH, "Content-Type": "application/x-unknown"},
    )
    assert unknown.status_code == 415
    default = admin_client.put(
        "/rdf-graphs/service?default",
        content=b"",
        headers={**AUTH, "Content-Type": "text/turtle"},
    )
    assert default.status_code == 400 and "union" in default.json()["message"]


def test_an_update_recomputes_the_derived_graph():
    """Regression: writes through SPARQL Update left the lineage closure as it was."""
    from fastapi.testclient import TestClient

    from modelgraph.derive import DERIVED_GRAPH
    from modelgraph.settings import Settings
    from modelgraph.store import EmbeddedStore
    from modelgraph.web.app import create_app

    from .. import fictional

    app = create_app(Settings(workers=1, admin_token=TOKEN),
                     store=EmbeddedStore.memory(fictional.quads()))
    update = PREFIXES + """INSERT DATA { GRAPH src:a {
        <https://w3id.org/modelgraph/id/model/acme-swift-3> a mg:Model ;
          mg:predecessor <https://w3id.org/modelgraph/id/model/acme-swift-2> } }"""
    with TestClient(app) as client:
        response = client.post("/sparql", content=update.encode(),
                               headers={**AUTH, "Content-Type": "application/sparql-update"})
        assert response.status_code == 200, response.text
        rows = select(client, f"""SELECT ?later WHERE {{ GRAPH <{DERIVED_GRAPH.value}> {{
            <https://w3id.org/modelgraph/id/model/acme-swift> mg:transitiveSuccessor ?later
        }} }}""")
        assert {r["later"].rsplit("/", 1)[1] for r in rows} >= {"acme-swift-2", "acme-swift-3"}


RDFS = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
SEE_ALSO = RDFS + "SELECT ?m ?doc WHERE { GRAPH src:gamma { ?m rdfs:seeAlso ?doc } } ORDER BY ?m"


def _update(client, update: str, **params):
    return client.post("/sparql", params=params, content=(PREFIXES + RDFS + update).encode(),
                       headers={**AUTH, "Content-Type": "application/sparql-update"})


def test_using_graph_uri_is_the_dataset_the_update_matches_against(admin_client):
    mark = "INSERT { GRAPH src:gamma { ?m rdfs:seeAlso <https://example.org/doc> } } " \
           "WHERE { ?m mg:contextWindow ?window }"
    assert _update(admin_client, mark, **{"using-graph-uri": SRC + "beta"}).status_code == 200
    assert [r["m"] for r in select(admin_client, SEE_ALSO)] == [
        "https://w3id.org/modelgraph/id/model/zephyr"]  # beta states Zephyr only
    # the shorthand DELETE WHERE takes the protocol's dataset too: alpha is not gamma
    unmark = "DELETE WHERE { GRAPH src:gamma { ?m rdfs:seeAlso ?doc } }"
    assert _update(admin_client, unmark,
                   **{"using-named-graph-uri": SRC + "alpha"}).status_code == 200
    assert len(select(admin_client, SEE_ALSO)) == 1
    assert _update(admin_client, unmark,
                   **{"using-named-graph-uri": SRC + "gamma"}).status_code == 200
    assert select(admin_client, SEE_ALSO) == []


def test_using_graph_uri_with_a_dataset_in_the_update_is_refused(admin_client):
    before = admin_client.get("/health").json()["generation"]
    response = _update(admin_client, "WITH src:gamma\nDELETE { ?m mg:alias ?a } WHERE { ?m mg:alias ?a }",
                       **{"using-graph-uri": SRC + "beta"})
    assert response.status_code == 400
    assert "WITH at line 5, column 1" in response.json()["message"]
    assert admin_client.get("/health").json()["generation"] == before


def test_relative_iris_in_an_update_resolve_against_the_endpoint(admin_client):
    insert = "INSERT DATA { GRAPH src:gamma { mgid:model\\/breeze rdfs:seeAlso <notes/breeze> } }"
    assert _update(admin_client, insert).status_code == 200
    assert [r["doc"] for r in select(admin_client, SEE_ALSO)] == ["http://testserver/notes/breeze"]
    assert _update(admin_client, "DELETE WHERE { GRAPH src:gamma { ?m rdfs:seeAlso ?doc } }"
                   ).status_code == 200


def test_an_update_the_engine_cannot_apply_is_400_with_its_reason(admin_client):
    before = admin_client.get("/health").json()["generation"]
    response = _update(admin_client, "CLEAR GRAPH src:no-such-page")
    assert response.status_code == 400
    assert response.json()["source"] == "update"
    assert "cannot be applied" in response.json()["message"]
    assert "no-such-page" in response.json()["message"]
    assert admin_client.get("/health").json()["generation"] == before


def test_an_update_without_a_dataset_matches_the_union_of_the_graphs_as_queries_do(admin_client):
    mark = "INSERT { GRAPH src:gamma { ?m rdfs:seeAlso <https://example.org/doc> } } " \
           "WHERE { ?m mg:contextWindow ?window }"
    assert _update(admin_client, mark).status_code == 200
    assert [r["m"] for r in select(admin_client, SEE_ALSO)] == [
        "https://w3id.org/modelgraph/id/model/breeze", "https://w3id.org/modelgraph/id/model/zephyr"]
    assert _update(admin_client, "DELETE WHERE { GRAPH ?g { ?m rdfs:seeAlso ?doc } }"
                   ).status_code == 200
    assert select(admin_client, SEE_ALSO) == []


def test_each_operation_of_an_update_sees_the_graphs_the_ones_before_it_wrote(admin_client):
    before = admin_client.get("/health").json()["triples"]
    steps = ("INSERT DATA { GRAPH src:delta { mgid:model\\/breeze rdfs:seeAlso <https://example.org/d> } } ;\n"
             "PREFIX ex: <https://example.org/>\n"
             "DELETE { GRAPH src:delta { ?m rdfs:seeAlso ex:d } } WHERE { ?m rdfs:seeAlso ex:d }")
    response = _update(admin_client, steps)
    assert response.status_code == 200, response.text
    assert admin_client.get("/health").json()["triples"] == before  # inserted, then deleted


ONTOLOGY = "https://w3id.org/modelgraph/ontology"
DERIVED = "https://w3id.org/modelgraph/derived"
OWL = "http://www.w3.org/2002/07/owl#"


@pytest.fixture(scope="module", params=BACKENDS)
def conflicted(request):
    """Two sources that disagree on a price, with the ontology and the derived graph."""
    from modelgraph.derive import with_derived

    from .. import fictional

    with served(request, with_derived(fictional.quads()), admin_token=TOKEN) as client:
        yield client


def _conflicts(client) -> int:
    return client.get("/conflicts").json()["data"]["total"]


@pytest.mark.parametrize(("update", "graph"), [
    (f"DROP GRAPH <{ONTOLOGY}>", ONTOLOGY),
    (f"DELETE WHERE {{ GRAPH <{ONTOLOGY}> {{ ?p a <{OWL}FunctionalProperty> }} }}", ONTOLOGY),
    (f"INSERT DATA {{ GRAPH <{ONTOLOGY}> {{ <{ONTOLOGY}> <{OWL}versionInfo> 'mine' }} }}",
     ONTOLOGY),
    (f"CLEAR GRAPH <{DERIVED}>", DERIVED),
    (f"INSERT DATA {{ GRAPH <{DERIVED}> {{ <{DERIVED}> <{OWL}versionInfo> 'mine' }} }}",
     DERIVED),
    ("DROP ALL", ONTOLOGY),
    (f"CLEAR GRAPH <{SRC}a> ; DROP GRAPH <{DERIVED}>", DERIVED),
])
def test_an_update_that_changes_the_ontology_or_the_derived_graph_is_refused(conflicted,
                                                                            update, graph):
    """Regression: `DROP GRAPH <ontology>` (or clearing the derived graph) was written, and
    /conflicts was empty after it."""
    before = conflicted.get("/health").json()
    assert _conflicts(conflicted) == 1
    response = _update(conflicted, update)
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["error"] == "ForbiddenOperation" and body["source"] == "update"
    assert f"changes graph <{graph}>" in body["message"]
    assert ("shipped with this release" if graph == ONTOLOGY else "recomputed from the source"
            ) in body["message"]
    assert "nothing was written" in body["message"]
    after = conflicted.get("/health").json()
    assert (after["generation"], after["triples"]) == (before["generation"], before["triples"])
    assert _conflicts(conflicted) == 1


def test_an_update_that_leaves_the_protected_graphs_as_they_are_may_name_them(conflicted):
    unchanged = (f"CLEAR SILENT GRAPH <https://w3id.org/modelgraph/no-such-graph> ;\n"
                 f"DELETE DATA {{ GRAPH <{DERIVED}> {{ <{DERIVED}> <{OWL}versionInfo> 'no' }} }}")
    assert _update(conflicted, unchanged).status_code == 200
    assert _conflicts(conflicted) == 1


@pytest.mark.parametrize("graph", [ONTOLOGY, DERIVED])
@pytest.mark.parametrize("method", ["put", "post", "delete"])
def test_graph_store_writes_to_the_ontology_or_the_derived_graph_are_refused(conflicted,
                                                                            method, graph):
    before = conflicted.get("/health").json()["generation"]
    response = conflicted.request(method, "/rdf-graphs/service", params={"graph": graph},
                                  content=b"", headers={**AUTH, "Content-Type": "text/turtle"})
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["error"] == "ForbiddenOperation" and body["field"] == "graph"
    assert f"graph <{graph}> cannot be written" in body["message"]
    assert conflicted.get("/health").json()["generation"] == before
    assert _conflicts(conflicted) == 1
