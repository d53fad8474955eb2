"""What the command line answers to bad input and interruptions: a message saying what and
where, with the exit code docs/cli.md documents, never a traceback."""

import json
import signal
import socket
import subprocess
import sys
import time

import pytest

from .conftest import SEEDS
from .test_ingest_killed import _digest

ANSWERS = [
    ("build", "--seeds", SEEDS),
    ("query", "ASK { ?s ?p ?o }"),
    ("sources",),
    ("conflicts",),
]


@pytest.mark.parametrize("query", [
    "SELECT (<http://example.org/f>(1) AS ?x) {}",
    "PREFIX ex: <http://example.org/> SELECT ?x { BIND(ex:f(1) AS ?x) }",
])
def test_a_query_calling_an_unknown_function_is_bad_input(built, run, query):
    code, _, err = run("query", query, "--data", built)
    assert code == 2
    assert "cannot be evaluated" in err and "<http://example.org/f>" in err


def test_a_data_directory_that_is_a_file_is_refused_naming_the_option(tmp_path, run):
    path = tmp_path / "data"
    path.write_text("not a store")
    for args in ANSWERS:
        code, _, err = run(*args, "--data", path)
        assert code == 2, args
        assert f"{path}, field '--data': a file, not a data directory" in err
    code, _, err = run("build", "--seeds", SEEDS, "--data", path / "inside")
    assert code == 2 and f"inside {path}, which is a file" in err
    assert path.read_text() == "not a store"


def test_a_data_directory_that_does_not_exist_says_to_build(tmp_path, run):
    code, _, err = run("query", "ASK {}", "--data", tmp_path / "missing")
    assert code == 5 and "no graph has been built" in err and "modelgraph build" in err


@pytest.mark.parametrize(("option", "value", "rule"), [
    ("--port", "99999", "must be less than or equal to 65535, not 99999"),
    ("--timeout", "-1", "must be greater than 0"),
    ("--workers", "0", "must be greater than or equal to 1"),
])
def test_serve_options_that_break_a_rule_name_the_option_and_the_rule(built, run, option,
                                                                      value, rule):
    code, _, err = run("serve", option, value, "--data", built, "--no-build")
    assert code == 2
    assert f"field '{option}': {rule}" in err


def test_serve_on_a_port_in_use_says_so_with_exit_2(built, run):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, _, err = run("serve", "--port", port, "--data", built, "--no-build")
    assert code == 2
    assert f"cannot listen on 127.0.0.1:{port}: the port is in use" in err


def test_service_in_a_query_is_refused_unless_the_setting_allows_it(built, run, monkeypatch):
    query = "SELECT * WHERE {\n  SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }"
    monkeypatch.delenv("MODELGRAPH_ALLOW_SERVICE_CALLS", raising=False)
    code, _, err = run("query", query, "--data", built)
    assert code == 2
    assert "query, line 2, column 3: SERVICE (federated query) is disabled" in err
    assert "MODELGRAPH_ALLOW_SERVICE_CALLS=true" in err
    monkeypatch.setenv("MODELGRAPH_ALLOW_SERVICE_CALLS", "true")
    code, _, err = run("query", query, "--data", built)  # attempted: port 1 is refused
    assert code == 2 and "a SERVICE call failed" in err


def test_an_update_given_to_query_is_refused_before_it_could_load_anything(built, run):
    code, _, err = run("query", "LOAD <http://127.0.0.1:1/data.ttl>", "--data", built)
    assert code == 2
    assert "LOAD is a SPARQL Update operation; `modelgraph query` only runs queries" in err


@pytest.mark.parametrize("args", [
    ("build", "--seeds", SEEDS, "--dry-run"),
    ("query", "ASK { ?s ?p ?o }"),
    ("query", "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"),
    ("sources",),
    ("conflicts",),
])
def test_output_file_receives_the_text_answer_of_every_command(built, run, tmp_path, args):
    target = tmp_path / "answer.txt"
    code, out, _ = run(*args, "--data", built, "-o", target)
    assert code == 0 and out == ""
    text = target.read_text()
    assert text.endswith("\n") and text.strip()
    assert run(*args, "--data", built)[1] == text  # the same as on standard output


def test_an_output_file_that_cannot_be_written_is_bad_input(built, run, tmp_path):
    code, _, err = run("sources", "--data", built, "-o", tmp_path / "no" / "such" / "dir")
    assert code == 2 and "field '--output': cannot write" in err


def test_ctrl_c_during_an_ingest_exits_130_and_changes_nothing(tmp_path, run):
    data = tmp_path / "data"
    assert run("build", "--seeds", SEEDS, "--data", data)[0] == 0
    before = _digest(data)
    process = subprocess.Popen(
        [sys.executable, "-m", "modelgraph.cli", "ingest", "models.dev", "--skip-invalid",
         "--data", str(data)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            if process.stderr.readline().startswith("assembling"):
                break  # validation has started
        assert process.poll() is None, "the ingest finished before it could be interrupted"
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=120)
    finally:
        process.kill()
        process.wait(timeout=30)
    assert process.returncode == 130
    assert "Traceback" not in err and "interrupted" in err
    assert _digest(data) == before
    code, out, _ = run("sources", "--data", data, "--format", "json")
    assert code == 0 and "models-dev" not in {s["id"] for s in json.loads(out)}


def test_an_undeclared_prefix_is_named_with_the_prefix_line_to_add(built, run):
    code, _, err = run("query", "SELECT ?label WHERE { ?m rdfs:label ?label }", "--data", built)
    assert code == 2
    assert err == ("error: query, line 1, column 26: SPARQL syntax error: the prefix rdfs: of "
                   "rdfs:label is not declared; start the query with: "
                   "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n")
    code, _, err = run("query", "SELECT * WHERE { ?s ?p ?o", "--data", built)
    assert code == 2 and "error at 1:26" in err  # not about a prefix: the parser's words
