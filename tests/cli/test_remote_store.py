"""The command line on a triplestore (`--store URL`, a real `oxigraph serve`): the same
commands give the same answers as on a data directory, and a server that is down or
answers garbage is exit 5 naming it."""

import json
import os
import subprocess
import sys
import time

import httpx
import pytest

from ..oxigraph_server import free_port
from ..store.stub_server import Reply, StubServer
from .conftest import SEEDS
from .test_ingest import GOOD, NEGATIVE_PRICE

WINDOW = """SELECT ?source WHERE { GRAPH ?source {
    <https://w3id.org/modelgraph/id/model/gpt-4o-mini>
    <https://w3id.org/modelgraph/ontology#contextWindow> 128000 } } ORDER BY ?source"""


@pytest.fixture
def store(shared_oxigraph) -> str:
    """The session's oxigraph server, emptied: its URL."""
    shared_oxigraph.clear()
    return shared_oxigraph.url


@pytest.fixture
def built_store(store, run) -> str:
    code, out, err = run("build", "--seeds", SEEDS, "--store", store, "--format", "json")
    assert code == 0, err
    assert json.loads(out)["store"] == store
    return store


def _json(run, *args):
    code, out, err = run(*args, "--format", "json")
    assert code == 0, err
    return json.loads(out)


def test_a_triplestore_answers_like_the_data_directory(built_store, built, run):
    for command in (["sources"], ["conflicts"], ["query", WINDOW], ["validate"]):
        assert _json(run, *command, "--store", built_store) == \
            _json(run, *command, "--data", built), command


def test_export_from_a_triplestore_holds_every_source_graph(built_store, run, tmp_path):
    import pyoxigraph as ox

    target = tmp_path / "all.nq"
    assert run("export", "--format", "nquads", "--store", built_store, "-o", target)[0] == 0
    graphs = {q.graph_name.value for q in ox.parse(path=str(target), format=ox.RdfFormat.N_QUADS)}
    assert len([g for g in graphs if "/source/" in g]) == 5
    code, _, err = run("export", "--graph", "https://example.org/none", "--store", built_store)
    assert code == 4 and built_store in err


def test_ingest_replace_and_remove_a_source_on_a_triplestore(built_store, run, tmp_path):
    path = tmp_path / "curated.ttl"
    path.write_text(GOOD)
    code, out, err = run("ingest", path, "--store", built_store, "-q")
    assert code == 0, err
    assert f"stored in {built_store}" in out
    first = {s["id"]: s["triples"] for s in _json(run, "sources", "--store", built_store)}
    path.write_text(GOOD.replace("32000", "64000") + '<https://w3id.org/modelgraph/id/model/'
                    'zeta-1> <http://www.w3.org/2000/01/rdf-schema#comment> "more" .\n')
    assert run("ingest", path, "--store", built_store, "-q")[0] == 0
    after = {s["id"]: s["triples"] for s in _json(run, "sources", "--store", built_store)}
    assert after["curated"] == first["curated"] + 1 and len(after) == 6
    assert run("remove-source", "curated", "--store", built_store)[0] == 0
    assert "curated" not in {s["id"] for s in _json(run, "sources", "--store", built_store)}
    code, _, err = run("remove-source", "curated", "--store", built_store)
    assert code == 4 and "no source" in err


def test_nonconforming_data_is_refused_and_the_triplestore_is_unchanged(built_store, run,
                                                                       tmp_path, shared_oxigraph):
    before = shared_oxigraph.state()
    path = tmp_path / "bad.ttl"
    path.write_text(NEGATIVE_PRICE)
    code, _, err = run("ingest", path, "--store", built_store, "-q")
    assert code == 3 and "inputPrice" in err
    assert shared_oxigraph.state() == before


def test_ingest_into_an_empty_triplestore_adds_the_ontology_too(store, run, tmp_path):
    path = tmp_path / "curated.ttl"
    path.write_text(GOOD)
    assert run("ingest", path, "--store", store, "-q")[0] == 0
    graphs = _json(run, "query", "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
                   "--store", store)["results"]["bindings"]
    assert {g["g"]["value"].rsplit("/", 1)[1] for g in graphs} == {"ontology", "curated",
                                                                     "derived"}


def test_a_url_given_as_data_or_in_the_environment_is_the_triplestore(built_store, run,
                                                                     monkeypatch):
    assert run("query", "ASK { ?s ?p ?o }", "--data", built_store)[1].strip() == "true"
    monkeypatch.setenv("MODELGRAPH_STORE_URL", built_store)
    assert run("query", "ASK { ?s ?p ?o }")[1].strip() == "true"


def test_store_and_data_cannot_both_be_given(run, tmp_path):
    with pytest.raises(SystemExit) as caught:
        run("query", "ASK {}", "--store", "http://127.0.0.1:1", "--data", tmp_path)
    assert caught.value.code == 2
    code, _, err = run("query", "ASK {}", "--store", str(tmp_path))
    assert code == 2 and "--store takes an http" in err


@pytest.mark.parametrize("command", [["query", "ASK {}"], ["sources"], ["conflicts"],
                                     ["build", "--seeds", str(SEEDS)], ["remove-source", "x"]])
def test_a_triplestore_that_is_down_is_exit_5_naming_it(run, command):
    url = f"http://127.0.0.1:{free_port()}"
    code, _, err = run(*command, "--store", url)
    assert code == 5, err
    assert url in err and "cannot reach the triplestore" in err


def test_a_triplestore_that_answers_garbage_is_exit_5(run):
    reply = Reply(content_type="text/html", body=b"<html>Welcome</html>")
    with StubServer(lambda request: reply) as stub:
        code, _, err = run("sources", "--store", stub.url)
    assert code == 5 and "answered with text/html" in err


def test_serve_gives_up_on_a_triplestore_that_does_not_answer_at_its_timeout():
    """Regression: `serve --store URL --timeout 1` waited the store's 30 s transport
    timeout for a server that never answers before saying so."""
    reply = Reply(body=b"", delay_s=20)
    with StubServer(lambda request: reply) as stub:
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "modelgraph.cli", "serve", "--store", stub.url,
             "--timeout", "1", "--port", str(free_port())],
            capture_output=True, text=True, check=False, timeout=60)
        waited = time.monotonic() - started
    assert done.returncode == 5 and "within 1 s" in done.stderr, done.stderr
    assert waited < 15


def test_serve_builds_an_empty_triplestore_then_serves_it(store, tmp_path):
    port = free_port()
    log_path = tmp_path / "serve.log"
    env = {**os.environ, "MODELGRAPH_WORKERS": "1"}
    args = [sys.executable, "-m", "modelgraph.cli", "serve", "--store", store,
            "--seeds", str(SEEDS), "--port", str(port)]
    refused = subprocess.run([*args, "--no-build"], env=env, capture_output=True, text=True,
                             check=False, timeout=60)
    assert refused.returncode == 5 and "modelgraph build --store" in refused.stderr
    with open(log_path, "wb") as log:
        process = subprocess.Popen(args, env=env, stdout=log, stderr=log)
    try:
        health = _wait_for(f"http://127.0.0.1:{port}/health", process, log_path)
        assert health["graphs"] == 7 and health["generation"]  # 5 sources, ontology, derived
        model = httpx.get(f"http://127.0.0.1:{port}/models/gpt-4o-mini", timeout=10)
        assert model.status_code == 200 and model.json()["data"]["label"]
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert store in log_path.read_text()


def _wait_for(url: str, process: subprocess.Popen, log_path) -> dict:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, log_path.read_text()
        try:
            response = httpx.get(url, timeout=1)
            if response.status_code == 200:
                return response.json()
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError("the server did not start: " + log_path.read_text())
