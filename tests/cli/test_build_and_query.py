"""`modelgraph build / query / export / extract / conflicts` on the seed pages."""

import json
import subprocess
import sys

import pyoxigraph as ox

from .conftest import SEEDS

MODEL = "<https://w3id.org/modelgraph/id/model/gpt-4o-mini>"


def test_build_summarises_each_source_with_its_detected_format(tmp_path, run):
    code, out, _ = run("build", "--seeds", SEEDS, "--data", tmp_path / "d", "--format", "json")
    assert code == 0
    summary = json.loads(out)
    formats = {s["source_id"][:3]: s["format"] for s in summary["sources"]}
    assert formats == {"000": "llmreference", "001": "openrouter", "002": "keyspecs",
                       "003": "losclouds", "004": "modelprofile"}
    assert all(s["triples"] > 10 for s in summary["sources"])
    assert summary["conflicts"] >= 1 and summary["generation"]


def test_which_sources_say_this_is_one_query(built, run):
    query = f"""SELECT ?source WHERE {{ GRAPH ?source {{ {MODEL}
        <https://w3id.org/modelgraph/ontology#contextWindow> 128000 }} }} ORDER BY ?source"""
    code, out, _ = run("query", query, "--data", built, "--format", "json")
    assert code == 0
    sources = [b["source"]["value"].rsplit("/", 1)[1][:3]
               for b in json.loads(out)["results"]["bindings"]]
    assert len(sources) >= 3


def test_describe_answers_each_triple_once_though_several_pages_state_it(built, run):
    code, out, _ = run("query", f"DESCRIBE {MODEL}", "--data", built, "--format", "ntriples")
    lines = out.splitlines()
    assert code == 0 and len(lines) == len(set(lines)) > 10


def test_query_formats(built, run):
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert run("query", query, "--data", built)[1].splitlines()[0].strip() == "n"
    code, out, _ = run("query", query, "--data", built, "--format", "csv")
    assert out.splitlines()[0].strip() == "n" and int(out.splitlines()[1]) > 100
    code, out, _ = run("query", "ASK { ?s ?p ?o }", "--data", built)
    assert out.strip() == "true"
    code, out, _ = run("query", f"CONSTRUCT {{ {MODEL} ?p ?o }} WHERE {{ {MODEL} ?p ?o }}",
                       "--data", built)
    assert list(ox.parse(out.encode(), format=ox.RdfFormat.TURTLE))


def test_a_query_with_a_syntax_error_names_the_position(built, run):
    code, _, err = run("query", "SELECT * WHERE { ?s ?p }", "--data", built)
    assert code == 2
    assert "1:" in err and "syntax" in err.lower()


def test_query_before_any_build_says_so(tmp_path, run):
    code, _, err = run("query", "ASK {}", "--data", tmp_path / "empty")
    assert code == 5 and "build" in err


def test_export_round_trips_and_one_graph_exports_alone(built, run, tmp_path):
    target = tmp_path / "all.nq"
    assert run("export", "--format", "nquads", "--data", built, "-o", target)[0] == 0
    quads = set(ox.parse(path=str(target), format=ox.RdfFormat.N_QUADS))
    graphs = {q.graph_name.value for q in quads}
    assert len([g for g in graphs if "/source/" in g]) == 5
    one = sorted(g for g in graphs if "/source/" in g)[0]
    code, out, _ = run("export", "--format", "turtle", "--graph", one, "--data", built)
    assert code == 0
    triples = {q.triple for q in ox.parse(out.encode(), format=ox.RdfFormat.TURTLE)}
    assert triples == {q.triple for q in quads if q.graph_name.value == one}
    code, _, err = run("export", "--graph", "https://example.org/none", "--data", built)
    assert code == 4 and "no graph" in err


def test_extract_shows_one_pages_claims_and_quads(run):
    page = sorted(SEEDS.glob("003_*.txt"))[0]
    code, out, _ = run("extract", page, "--format", "json")
    assert code == 0
    claims = json.loads(out)
    assert claims["extractor"] == "losclouds" and claims["claims"]
    code, out, _ = run("extract", page, "--format", "nquads")
    assert {q.graph_name.value for q in ox.parse(out.encode(), format=ox.RdfFormat.N_QUADS)} == {
        "https://w3id.org/modelgraph/source/" + page.stem}


def test_extract_an_unknown_page_format_fails_clearly(tmp_path, run):
    page = tmp_path / "weird.txt"
    page.write_text("Shopping list\nmilk\neggs\n")
    code, _, err = run("extract", page)
    assert code == 2 and "weird.txt" in err and "no extractor recognises" in err


def test_conflicts_keep_every_value_with_its_sources(built, run):
    code, out, _ = run("conflicts", "--format", "json", "--data", built)
    assert code == 0
    conflicts = json.loads(out)
    cached = [c for c in conflicts if c["property"].endswith("#cachedInputPrice")]
    assert cached, conflicts
    values = {v["value"]: v["sources"] for v in cached[0]["values"]}
    assert {"0.07", "0.075"} <= set(values)
    assert all(values[v] for v in values)
    code, out, _ = run("conflicts", "--data", built)
    assert "cachedInputPrice" in out


def test_the_console_script_is_installed(built):
    result = subprocess.run(
        [sys.executable, "-m", "modelgraph.cli", "query", "ASK { ?s ?p ?o }", "--data", str(built)],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0 and result.stdout.strip() == "true"
