"""RemoteStore beyond the shared contract: failures, credentials, configuration, and how it
adapts to the server (union default graph, Graph Store Protocol, large writes)."""

from __future__ import annotations

import base64
import json
import time
from urllib.parse import parse_qs

import httpx
import pyoxigraph as ox
import pytest

from modelgraph.errors import InputError, QuerySyntaxError, StoreChanged, StoreError
from modelgraph.store import EmbeddedStore, RemoteStore, open_any
from modelgraph.store.embedded import write_generation
from modelgraph.store.remote import StoreTimeout

from ..oxigraph_server import free_port
from .stub_server import Reply, StubServer

SRC = "https://w3id.org/modelgraph/source/"
PAGE = ox.NamedNode(SRC + "page")
MODEL = ox.NamedNode("https://w3id.org/modelgraph/id/model/m1")
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


def label_quad(text: str, graph: ox.NamedNode = PAGE) -> ox.Quad:
    return ox.Quad(MODEL, LABEL, ox.Literal(text), graph)


def results_json(variables: list[str], rows: list[dict]) -> bytes:
    return json.dumps({"head": {"vars": variables}, "results": {"bindings": rows}}).encode()


@pytest.fixture
def remote(oxigraph_server):
    store = RemoteStore(oxigraph_server.url)
    store.replace_dataset([label_quad("one")])
    yield store
    store.close()


# -- failures ---------------------------------------------------------------------------------


def test_a_server_that_is_down_is_a_store_error_naming_its_url():
    url = f"http://127.0.0.1:{free_port()}"
    store = RemoteStore(url)
    with pytest.raises(StoreError, match=url + "/query: cannot reach the triplestore") as caught:
        store.query("ASK { ?s ?p ?o }")
    assert caught.value.status == 503 and caught.value.exit_code == 5
    with pytest.raises(StoreError, match=url):
        store.replace_graph(PAGE, [label_quad("x")])


def test_a_server_that_does_not_answer_in_time_is_a_store_error():
    with StubServer(lambda request: Reply(delay_s=1.0)) as stub:
        store = RemoteStore(stub.url, timeout_s=0.2)
        with pytest.raises(StoreError, match=r"did not answer a query within 0\.2 s"):
            store.query("ASK { ?s ?p ?o }", union_default_graph=False)


@pytest.mark.parametrize(
    "reply",
    [
        Reply(body=b"{not json"),
        Reply(body=b'{"head":{"vars":["s"]},"results":{"bindings":[{"s":{"type":"uri",'),
        Reply(content_type="text/html", body=b"<html><body>Welcome</body></html>"),
        Reply(content_type="", body=b"\x00\x01binary"),
    ],
    ids=["not-json", "cut-off-after-the-header", "an-html-page", "untyped-bytes"],
)
def test_an_answer_that_is_not_sparql_results_is_a_store_error(reply):
    with StubServer(lambda request: reply) as stub:
        store = RemoteStore(stub.url)
        with pytest.raises(StoreError, match=f"{stub.url}/query: the triplestore answered with"):
            store.query("SELECT ?s WHERE { ?s ?p ?o }", union_default_graph=False)


@pytest.mark.parametrize(("query", "kind"), [
    ("ASK { ?s ?p ?o }", "SELECT results, not the answer to an ASK query"),
    ("CONSTRUCT WHERE { ?s ?p ?o }", "SELECT results, not the answer to a CONSTRUCT query"),
])
def test_an_answer_to_another_kind_of_query_is_a_store_error(query, kind):
    """Regression: SELECT results answering an ASK or a CONSTRUCT were passed on as if
    they were its answer (exit 0, a table where a graph was asked for)."""
    body = results_json(["s"], [])
    with StubServer(lambda request: Reply(body=body)) as stub:
        store = RemoteStore(stub.url)
        with pytest.raises(StoreError, match=f"answered with {kind}"):
            store.query(query, union_default_graph=False)


def test_a_server_error_is_a_store_error_carrying_the_servers_message():
    reply = Reply(status=500, content_type="text/plain", body=b"disk full on node 3")
    with StubServer(lambda request: reply) as stub, pytest.raises(
        StoreError, match=r"HTTP 500\): disk full on node 3"
    ):
        RemoteStore(stub.url).query("ASK {}", union_default_graph=False)


def test_refused_credentials_are_a_store_error_that_says_so():
    refusal = Reply(status=401, content_type="text/plain")
    with StubServer(lambda request: refusal) as stub, pytest.raises(
        StoreError, match="HTTP 401.*check the credentials"
    ):
        RemoteStore(stub.url).query("ASK {}", union_default_graph=False)


def test_a_syntax_error_reported_by_the_server_is_a_query_syntax_error_at_its_position(remote):
    with pytest.raises(QuerySyntaxError) as caught:
        remote.query("SELECT ?s WHERE {\n  ?s ?p ")
    error = caught.value
    assert error.status == 400 and "reported by" in error.message
    assert (error.line, error.column) == (2, 9)
    with pytest.raises(QuerySyntaxError) as with_base:
        remote.query("SELECT ?s WHERE { ?s ?p ", base_iri="https://w3id.org/modelgraph/")
    assert (with_base.value.line, with_base.value.column) == (1, 25)


# -- credentials ------------------------------------------------------------------------------


def test_credentials_in_the_url_are_sent_as_basic_auth_and_never_printed():
    reply = Reply(status=500, content_type="text/plain", body=b"nope")
    with StubServer(lambda request: reply) as stub:
        url = stub.url.replace("http://", "http://alice:s3cret@")
        with pytest.raises(StoreError) as caught:
            RemoteStore(url).query("ASK {}", union_default_graph=False)
    assert stub.requests[0].headers["authorization"] == "Basic " + base64.b64encode(
        b"alice:s3cret").decode()
    assert "s3cret" not in str(caught.value) and "alice" not in str(caught.value)


def test_a_token_is_sent_as_a_bearer_authorization():
    reply = Reply(body=json.dumps({"head": {}, "boolean": True}).encode())
    with StubServer(lambda request: reply) as stub:
        store = RemoteStore(stub.url, auth="t0ken", union_default_graph="graphs")
        assert bool(store.query("ASK {}", union_default_graph=False))
    assert stub.requests[0].headers["authorization"] == "Bearer t0ken"


# -- adapting to the server -------------------------------------------------------------------


def test_oxigraph_server_is_recognised_and_asked_for_its_own_union(remote):
    assert remote.union_mode() == "oxigraph"


def _fake_server(default_graph_is_union: bool):
    """Answers the union probe like a non-Oxigraph server: a triple from a named graph, and
    whether that triple is in the default graph."""

    def answer(request):
        query = parse_qs(request.body.decode())["query"][0]
        if query.lstrip().startswith("ASK"):
            return Reply(body=json.dumps({"head": {}, "boolean": default_graph_is_union}).encode())
        row = {"s": {"type": "uri", "value": MODEL.value},
               "p": {"type": "uri", "value": LABEL.value},
               "o": {"type": "literal", "value": "one"}}
        return Reply(body=results_json(["s", "p", "o"], [row]), headers={"server": "Fuseki"})

    return answer


@pytest.mark.parametrize("union, mode", [(True, "native"), (False, "graphs")])
def test_other_servers_are_probed_for_a_union_default_graph(union, mode):
    with StubServer(_fake_server(union)) as stub:
        assert RemoteStore(stub.url).union_mode() == mode
        asked = parse_qs(stub.requests[-1].body.decode())["query"][0]
        assert asked == f'ASK {{ {MODEL} {LABEL} "one" }}'


def test_listing_graphs_sends_each_as_default_and_named_graph(oxigraph_server, remote):
    other = ox.NamedNode(SRC + "other")
    remote.replace_graph(other, [label_quad("two", other)])
    listing = RemoteStore(oxigraph_server.url, union_default_graph="graphs")
    rows = listing.query("SELECT ?g ?l WHERE { GRAPH ?g { ?m ?p ?l } }")
    assert {(r["g"].value, r["l"].value) for r in rows} == {(PAGE.value, "one"),
                                                            (other.value, "two")}
    assert {r["l"].value for r in listing.query("SELECT ?l WHERE { ?m ?p ?l }")} == {"one", "two"}


def test_without_the_graph_store_protocol_writes_fall_back_to_sparql_update(oxigraph_server,
                                                                          remote):
    store = RemoteStore(oxigraph_server.url, gsp_url=oxigraph_server.url + "/no-such-endpoint")
    store.replace_graph(PAGE, [label_quad("via update")])
    assert store.gsp_url is None
    assert [q.object.value for q in remote.quads(PAGE)] == ["via update"]


def test_a_dataset_too_big_for_one_update_is_replaced_graph_by_graph(oxigraph_server, remote):
    graphs = [ox.NamedNode(SRC + f"g{n}") for n in range(3)]
    small = RemoteStore(oxigraph_server.url, max_update_bytes=200)
    small.replace_dataset([label_quad(f"v{n}", g) for n, g in enumerate(graphs)])
    assert remote.named_graphs() == graphs
    assert {q.object.value for q in remote.quads()} == {"v0", "v1", "v2"}


def test_graphs_too_big_for_one_update_are_replaced_one_by_one(oxigraph_server, remote):
    graphs = [ox.NamedNode(SRC + f"g{n}") for n in range(3)]
    small = RemoteStore(oxigraph_server.url, max_update_bytes=200)
    small.replace_graphs({g: [label_quad(f"v{n}", g)] for n, g in enumerate(graphs)})
    small.replace_graphs({graphs[0]: [], PAGE: [label_quad("new")]})
    assert remote.named_graphs() == [*graphs[1:], PAGE]
    assert {q.object.value for q in remote.quads()} == {"v1", "v2", "new"}


def test_the_fingerprint_follows_the_content_not_the_order_it_was_written_in(remote):
    other = ox.NamedNode(SRC + "other")
    quads = [label_quad("one"), label_quad("two", other),
             ox.Quad(MODEL, LABEL, ox.Literal("chat", language="fr"), PAGE)]
    remote.replace_dataset(quads)
    first = remote.fingerprint()
    remote.replace_dataset(list(reversed(quads)))
    assert remote.fingerprint() == first
    seen = {first}
    for changed in (
        [*quads[:2], ox.Quad(MODEL, LABEL, ox.Literal("chat", language="en"), PAGE)],  # language
        [label_quad("one"), label_quad("two"), quads[2]],  # a triple moved to another graph
        quads[:2],  # a triple removed
    ):
        remote.replace_dataset(changed)
        assert remote.fingerprint() not in seen
        seen.add(remote.fingerprint())
    remote.replace_dataset([])
    assert remote.fingerprint() == "0-0"


def test_graph_sizes_count_each_graph(remote):
    other = ox.NamedNode(SRC + "other")
    remote.replace_graph(other, [label_quad("two", other), label_quad("three", other)])
    assert remote.graph_sizes() == {PAGE.value: 1, other.value: 2}


def test_reads_in_a_time_limit_share_it_and_overrunning_is_a_store_timeout():
    with StubServer(lambda request: Reply(delay_s=0.6)) as stub:
        store = RemoteStore(stub.url, timeout_s=30)
        started = time.monotonic()
        with pytest.raises(StoreTimeout), store.time_limit(0.3):
            store.query("ASK { ?s ?p ?o }", union_default_graph=False)
        assert time.monotonic() - started < 0.55
        with store.time_limit(1.0), store.time_limit(0.2), pytest.raises(StoreTimeout):
            store.query("ASK {}", union_default_graph=False)  # the tighter limit wins


@pytest.mark.parametrize(("template", "sent"), [
    ("timeout={ms}", ["2000", "30000"]), ("t={s}", ["2", "30"]), ("timeout={s}s", ["2s", "30s"]),
])
def test_the_servers_own_timeout_parameter_carries_the_time_left(template, sent):
    reply = Reply(body=json.dumps({"head": {}, "boolean": True}).encode())
    with StubServer(lambda request: reply) as stub:
        store = RemoteStore(stub.url, union_default_graph="native", timeout_param=template)
        with store.time_limit(2.0):
            assert bool(store.query("ASK {}"))
        store.query("ASK {}")  # outside a time limit: the read timeout (30 s)
    name = template.split("=")[0]
    assert [parse_qs(r.body.decode())[name][0] for r in stub.requests] == sent


@pytest.mark.parametrize("template", ["timeout=10", "timeout={s}{ms}", "={s}", "t={s}{s}"])
def test_a_timeout_parameter_names_the_parameter_and_one_unit(template):
    store = RemoteStore.from_env("http://127.0.0.1:1/",
                                 {"MODELGRAPH_STORE_TIMEOUT_PARAM": "timeout={s}"})
    assert store.timeout_param[0] == "timeout"
    with pytest.raises(InputError, match="NAME=\\{s\\}"):
        RemoteStore("http://127.0.0.1:1/", timeout_param=template)


def test_graphs_of_other_applications_are_neither_listed_nor_replaced(oxigraph_server, remote):
    foreign = "http://other.example/graph"
    put = httpx.put(oxigraph_server.url + "/store", params={"graph": foreign},
                    content=b'<http://other.example/s> <http://other.example/p> "theirs" .\n',
                    headers={"content-type": "application/n-triples"})
    assert put.status_code in (201, 204)
    try:
        assert remote.named_graphs() == [PAGE]
        remote.replace_dataset([label_quad("new")])
        with pytest.raises(InputError, match="outside this store's graphs"):
            remote.replace_graph(ox.NamedNode(foreign), [label_quad("x")])
        ask = f"ASK {{ GRAPH <{foreign}> {{ ?s ?p \"theirs\" }} }}"
        assert bool(remote.query(ask))
    finally:
        httpx.delete(oxigraph_server.url + "/store", params={"graph": foreign})


def test_a_query_that_ends_in_values_cannot_take_substitutions(remote):
    with pytest.raises(InputError, match="own VALUES clause"):
        remote.query("SELECT ?s WHERE { ?s ?p ?o } VALUES ?o { 1 }",
                     substitutions={ox.Variable("s"): MODEL})


def test_a_blank_node_cannot_be_substituted(remote):
    with pytest.raises(InputError, match="blank node"):
        remote.query("SELECT ?s WHERE { ?s ?p ?o }", substitutions={ox.Variable("s"): ox.BlankNode()})


def test_the_default_graph_cannot_be_written_remotely(remote):
    with pytest.raises(InputError, match="named graphs only"):
        remote.replace_dataset([ox.Quad(MODEL, LABEL, ox.Literal("x"), ox.DefaultGraph())])


# -- configuration ----------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["ftp://example.org/sparql", "not a url", "/var/data"])
def test_a_store_url_must_be_http(url):
    with pytest.raises(InputError, match="store URL"):
        RemoteStore(url)


def test_endpoints_default_to_oxigraph_layout_and_can_be_given():
    store = RemoteStore("http://127.0.0.1:3030/ds/")
    assert (store.query_url, store.update_url, store.gsp_url) == (
        "http://127.0.0.1:3030/ds/query", "http://127.0.0.1:3030/ds/update",
        "http://127.0.0.1:3030/ds/store")
    fuseki = RemoteStore("http://127.0.0.1:3030/ds", gsp_url="http://127.0.0.1:3030/ds/data")
    assert fuseki.gsp_url == "http://127.0.0.1:3030/ds/data"


def test_environment_variables_configure_a_remote_store():
    store = RemoteStore.from_env("http://127.0.0.1:8890/sparql", {
        "MODELGRAPH_STORE_QUERY_URL": "http://127.0.0.1:8890/sparql",
        "MODELGRAPH_STORE_UPDATE_URL": "http://127.0.0.1:8890/sparql-auth",
        "MODELGRAPH_STORE_GSP_URL": "none",
        "MODELGRAPH_STORE_UNION": "native",
        "MODELGRAPH_STORE_TIMEOUT_S": "12.5",
        "MODELGRAPH_STORE_USER": "dba",
        "MODELGRAPH_STORE_PASSWORD": "pw",
        "MODELGRAPH_STORE_AUTH": "digest",
    })
    assert store.update_url == "http://127.0.0.1:8890/sparql-auth"
    assert store.gsp_url is None and store.union_mode() == "native"
    assert store.timeout_s == 12.5
    with pytest.raises(InputError, match="MODELGRAPH_STORE_TIMEOUT_S"):
        RemoteStore.from_env("http://127.0.0.1:1/", {"MODELGRAPH_STORE_TIMEOUT_S": "soon"})
    with pytest.raises(InputError, match="union_default_graph"):
        RemoteStore.from_env("http://127.0.0.1:1/", {"MODELGRAPH_STORE_UNION": "maybe"})


def test_open_any_opens_a_url_remotely_and_a_directory_locally(tmp_path, monkeypatch):
    monkeypatch.delenv("MODELGRAPH_STORE_URL", raising=False)
    write_generation(tmp_path, [label_quad("local")])
    assert isinstance(open_any(None, tmp_path), EmbeddedStore)
    assert isinstance(open_any("http://127.0.0.1:1/"), RemoteStore)
    assert isinstance(open_any(None, "https://127.0.0.1:1/ds"), RemoteStore)
    monkeypatch.setenv("MODELGRAPH_STORE_URL", "http://127.0.0.1:1/")
    assert isinstance(open_any(), RemoteStore)
    assert isinstance(open_any(None, tmp_path), EmbeddedStore)  # a given directory wins


def test_a_write_prepared_from_what_another_writer_then_changed_is_refused(oxigraph_server,
                                                                           remote):
    """SPARQL has no locks: a write in `exclusive()` is refused (nothing written) when the
    store changed since the block began, instead of writing over the other writer's change
    with what was computed from the state before it."""
    elsewhere = RemoteStore(oxigraph_server.url)  # another process, as far as it knows
    other = ox.NamedNode(SRC + "other")
    try:
        with pytest.raises(StoreChanged, match="another writer changed the store"):
            with remote.exclusive():
                elsewhere.replace_graph(other, [label_quad("theirs", other)])
                remote.replace_graphs({PAGE: [label_quad("mine")]})
        assert remote.graph_sizes() == {PAGE.value: 1, other.value: 1}
        assert {q.object.value for q in remote.quads(PAGE)} == {"one"}
        with remote.exclusive():  # read anew: the write goes through
            remote.replace_graphs({PAGE: [label_quad("mine")]})
        assert {q.object.value for q in remote.quads(PAGE)} == {"mine"}
    finally:
        elsewhere.close()
