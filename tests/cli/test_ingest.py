"""`modelgraph ingest / sources / remove-source`: validated first, atomic, reversible."""

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from .conftest import SEEDS

CATALOGUE = Path(__file__).resolve().parents[1] / "fixtures" / "modelsdev" / "catalogue.json"
GOOD = """@prefix mg: <https://w3id.org/modelgraph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/modelgraph/id/model/zeta-1> a mg:Model ; rdfs:label "Zeta 1" ;
    mg:contextWindow 32000 .
"""
RDF_XML = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">
  <rdf:Description rdf:about="https://w3id.org/modelgraph/id/model/zeta-1">
    <rdfs:label>Zeta 1</rdfs:label>
    <rdf:type rdf:resource="https://w3id.org/modelgraph/ontology#Model"/>
  </rdf:Description>
</rdf:RDF>
"""
NEGATIVE_PRICE = """@prefix mg: <https://w3id.org/modelgraph/ontology#> .
<https://w3id.org/modelgraph/id/offer/h/zeta-1> a mg:Offer ;
    mg:model <https://w3id.org/modelgraph/id/model/zeta-1> ;
    mg:host <https://w3id.org/modelgraph/id/host/h> ; mg:inputPrice -1.0 .
"""


@pytest.fixture
def data(tmp_path, run) -> Path:
    target = tmp_path / "data"
    assert run("build", "--seeds", SEEDS, "--data", target)[0] == 0
    return target


def _sources(run, data) -> dict:
    code, out, _ = run("sources", "--data", data, "--format", "json")
    assert code == 0
    return {s["id"]: s["triples"] for s in json.loads(out)}


def test_an_rdf_file_becomes_a_source_and_can_be_replaced_and_removed(data, run, tmp_path):
    path = tmp_path / "curated.ttl"
    path.write_text(GOOD)
    code, out, _ = run("ingest", path, "--data", data, "--format", "json", "-q")
    assert code == 0 and json.loads(out)["sources"][0]["source_id"] == "curated"
    first = _sources(run, data)["curated"]
    path.write_text(GOOD.replace("32000", "64000") + '<https://w3id.org/modelgraph/id/model/'
                    'zeta-1> <http://www.w3.org/2000/01/rdf-schema#comment> "more" .\n')
    assert run("ingest", path, "--data", data, "-q")[0] == 0
    assert _sources(run, data)["curated"] == first + 1  # replaced, not added to
    assert run("remove-source", "curated", "--data", data)[0] == 0
    assert "curated" not in _sources(run, data)
    code, _, err = run("remove-source", "curated", "--data", data)
    assert code == 4 and "no source" in err


def test_nonconforming_data_is_refused_with_the_report_and_nothing_changes(data, run, tmp_path):
    before = _sources(run, data)
    path = tmp_path / "bad.ttl"
    path.write_text(NEGATIVE_PRICE)
    code, _, err = run("ingest", path, "--data", data, "-q")
    assert code == 3 and "Violation" in err and "inputPrice" in err
    assert _sources(run, data) == before


def test_values_about_a_resource_whose_class_the_file_leaves_out_are_refused(data, run,
                                                                            tmp_path):
    """Regression: shapes target classes, so a file stating a negative price and context
    window about resources it did not type was stored unchecked (and `validate` conformed)."""
    before = _sources(run, data)
    path = tmp_path / "untyped.ttl"
    path.write_text(NEGATIVE_PRICE.replace(" a mg:Offer ;", "") + (
        "<https://w3id.org/modelgraph/id/model/zeta-1> mg:contextWindow -5 .\n"))
    code, _, err = run("validate", path)
    assert code == 3
    code, _, err = run("ingest", path, "--data", data, "-q")
    assert code == 3 and "shape mgsh:Described-class" in err
    assert "mgid:offer/h/zeta-1" in err and "mgid:model/zeta-1" in err
    assert _sources(run, data) == before


def test_values_about_a_resource_of_a_class_the_ontology_does_not_declare_are_refused(
        data, run, tmp_path):
    """Regression: a misspelt class (mg:Ofer, mg:LLM) is a class no shape targets, so a
    negative price and a context window of -1 were stored unchecked."""
    before = _sources(run, data)
    path = tmp_path / "misspelt.ttl"
    path.write_text(NEGATIVE_PRICE.replace(" a mg:Offer ;", " a mg:Ofer ;") + (
        "<https://w3id.org/modelgraph/id/model/zeta-1> a mg:LLM ; mg:contextWindow -1 .\n"))
    code, _, err = run("ingest", path, "--data", data, "-q")
    assert code == 3 and err.count("shape mgsh:Described-class") == 2
    assert "a class the ontology declares" in err
    assert _sources(run, data) == before
    # a declared class beside an unknown one is enough: then its shapes apply
    path.write_text(NEGATIVE_PRICE.replace(" a mg:Offer ;", " a mg:Offer, mg:Ofer ;"))
    code, _, err = run("ingest", path, "--data", data, "-q")
    assert code == 3 and "inputPrice" in err and "Described-class" not in err


@pytest.mark.parametrize(("name", "text", "needle"), [
    ("broken.ttl", "@prefix mg: <https://w3id.org/modelgraph/ontology#> .\nmg:a mg:b", "line 2"),
    ("notes.docx", "hello", "unknown input format"),
    ("graphs.trig", "<http://example.org/g> { <http://e/a> <http://e/b> <http://e/c> . }",
     "not a source graph"),
    # cut inside a tag: pyoxigraph says so without a position; the tag starts on line 4
    ("cut.rdf", RDF_XML[:RDF_XML.index("zeta-1")],
     "line 4, column 3: not valid rdfxml: syntax error: tag not closed"),
    # cut between tags: pyoxigraph reads what is there without a word
    ("cut-later.rdf", RDF_XML[:RDF_XML.index("  </rdf:Description>")],
     ("line 7, column 1: not valid rdfxml: the file ends before its elements are closed "
      "(at the end of the file): is it cut short?")),
])
def test_bad_files_are_input_errors_that_change_nothing(data, run, tmp_path, name, text, needle):
    before = _sources(run, data)
    path = tmp_path / name
    path.write_text(text)
    code, _, err = run("ingest", path, "--data", data, "-q")
    assert code == 2 and needle in err and name in err
    assert _sources(run, data) == before


def test_a_whole_rdf_xml_file_is_ingested(data, run, tmp_path):
    path = tmp_path / "zeta.rdf"
    path.write_text(RDF_XML)
    assert run("ingest", path, "--data", data, "-q")[0] == 0
    assert _sources(run, data)["zeta"] == 2


def test_a_catalogue_merges_with_the_seed_entities(data, run):
    code, out, _ = run("ingest", "models.dev", "--catalogue-file", CATALOGUE, "--data", data,
                       "-q", "--format", "json")
    assert code == 0, out
    hosts = run("query", """PREFIX mg: <https://w3id.org/modelgraph/ontology#>
        SELECT DISTINCT ?host WHERE { GRAPH <https://w3id.org/modelgraph/source/models-dev> {
          ?o mg:model <https://w3id.org/modelgraph/id/model/gpt-4o-mini> ; mg:host ?host } }""",
                "--data", data, "--format", "csv")[1]
    assert {h.rsplit("/", 1)[1] for h in hosts.split()[1:]} == {"openai", "azure-openai",
                                                                  "openrouter"}
    conflicts = json.loads(run("conflicts", "--data", data, "--format", "json")[1])
    cached = [c for c in conflicts if c["property"].endswith("cachedInputPrice")
              and c["subject"].endswith("/offer/openai/gpt-4o-mini")][0]
    assert any("models-dev" in v["sources"] for v in cached["values"])


@pytest.mark.parametrize("source", ["a b", "a/b", "..", "a%20b",
                                    "https://w3id.org/modelgraph/source/a b"])
def test_remove_source_refuses_what_is_not_a_source_id_and_changes_nothing(data, run, source):
    """Regression: `remove-source 'a b'` ended in a traceback (ValueError from the IRI)."""
    before = _sources(run, data)
    code, _, err = run("remove-source", source, "--data", data)
    assert code == 2, err
    assert "is not a source id" in err and "letters, digits" in err and "SOURCE" in err
    assert _sources(run, data) == before


def test_remove_source_takes_the_source_graph_iri_too(data, run):
    graph = "https://w3id.org/modelgraph/source/004_852a53bb692f7bcf"
    code, out, err = run("remove-source", graph, "--data", data)
    assert code == 0, err
    assert "removed source 004_852a53bb692f7bcf" in out
    assert "004_852a53bb692f7bcf" not in _sources(run, data)
    code, _, err = run("remove-source", f"<{graph}>", "--data", data)
    assert code == 4 and "no source '004_852a53bb692f7bcf'" in err


def test_an_rdf_file_stem_becomes_an_id_as_a_page_stem_does(data, run, tmp_path):
    """Regression: the stem was percent-quoted (`my%20notes%20%28v2%29`), an id no URL
    /sources/{id} could name."""
    path = tmp_path / "my notes (v2).ttl"
    path.write_text(GOOD)
    code, out, err = run("ingest", path, "--data", data, "--format", "json", "-q")
    assert code == 0, err
    assert json.loads(out)["sources"][0]["source_id"] == "my-notes-v2"
    assert "my-notes-v2" in _sources(run, data)


@pytest.mark.parametrize("graph", ["a%20b", "a/b", ".."])
def test_a_named_graph_that_names_no_source_id_is_refused(data, run, tmp_path, graph):
    before = _sources(run, data)
    path = tmp_path / "graphs.trig"
    path.write_text(f"<https://w3id.org/modelgraph/source/{graph}> {{\n"
                    "  <https://w3id.org/modelgraph/id/model/zeta-1> a "
                    "<https://w3id.org/modelgraph/ontology#Model> . }\n")
    code, _, err = run("ingest", path, "--data", data, "-q")
    assert code == 2, err
    assert f"source/{graph}> names source '{graph}', which is not a source id" in err
    assert "graphs.trig" in err and "field 'graph'" in err
    assert _sources(run, data) == before


def test_a_trig_file_naming_several_source_graphs_makes_each_a_source_when_asked(data, run,
                                                                                 tmp_path):
    path = tmp_path / "two.trig"
    path.write_text(
        "@prefix mg: <https://w3id.org/modelgraph/ontology#> .\n"
        "<https://w3id.org/modelgraph/source/first> {"
        " <https://w3id.org/modelgraph/id/model/zeta-1> a mg:Model . }\n"
        "<https://w3id.org/modelgraph/source/second> {"
        " <https://w3id.org/modelgraph/id/model/zeta-2> a mg:Model . }\n")
    code, out, err = run("ingest", path, "--graphs-as-sources", "--data", data, "--format",
                         "json", "-q")
    assert code == 0, err
    assert [s["source_id"] for s in json.loads(out)["sources"]] == ["first", "second"]
    assert {"first", "second"} <= set(_sources(run, data))


TWO_GRAPHS = (
    "<https://w3id.org/modelgraph/source/aaa> { <https://w3id.org/modelgraph/id/model/zeta-1> "
    "a <https://w3id.org/modelgraph/ontology#Model> . }\n"
    "<https://w3id.org/modelgraph/source/models-dev> { <https://w3id.org/modelgraph/id/model/"
    "zeta-2> a <https://w3id.org/modelgraph/ontology#Model> . }\n")


@pytest.mark.parametrize(("name", "text"), [
    ("twograph.trig", TWO_GRAPHS),
    ("twograph.nq", "".join(f"{q} .\n" for q in ox.parse(TWO_GRAPHS.encode(),
                                                        format=ox.RdfFormat.TRIG))),
])
def test_a_file_naming_another_sources_graph_is_refused_and_that_source_kept(data, run,
                                                                            tmp_path, name,
                                                                            text):
    """Regression: `ingest twograph.trig` (graphs …/source/aaa and …/source/models-dev)
    printed `models-dev: 2 triples` and exit 0: the models.dev import was gone without a
    word. A file is one source, as POST /sources/{id} is."""
    assert run("ingest", "models.dev", "--catalogue-file", CATALOGUE, "--data", data,
               "-q")[0] == 0
    before = _sources(run, data)
    path = tmp_path / name
    path.write_text(text)
    code, out, err = run("ingest", path, "--data", data, "-q")
    assert code == 2 and out == ""
    assert err.startswith(f"error: {path}, field 'graph': names the graphs of other sources: "
                          "<https://w3id.org/modelgraph/source/aaa> (source 'aaa'), "
                          "<https://w3id.org/modelgraph/source/models-dev> (source "
                          "'models-dev'); ingesting it would replace those sources, so "
                          "nothing was stored. A file is one source, here 'twograph'")
    assert "give --graphs-as-sources" in err
    assert _sources(run, data) == before


def test_a_file_in_another_sources_graph_is_told_how_to_be_that_source(data, run, tmp_path):
    path = tmp_path / "notes.trig"
    path.write_text("<https://w3id.org/modelgraph/source/curated> { <https://w3id.org/"
                    "modelgraph/id/model/zeta-1> a <https://w3id.org/modelgraph/ontology#Model> "
                    ". }\n")
    code, _, err = run("ingest", path, "--data", data, "-q")
    assert code == 2, err
    assert ("names the graph of another source: <https://w3id.org/modelgraph/source/curated> "
            "(source 'curated'); ingesting it would replace that source") in err
    assert "to make the whole file source 'curated', give --source curated" in err
    code, out, err = run("ingest", path, "--source", "curated", "--data", data, "-q")
    assert code == 0, err
    assert out.startswith(f"added source 'curated' (1 triple) from {path}\n")
    assert "curated" in _sources(run, data) and "notes" not in _sources(run, data)


def test_replacing_a_source_is_said_with_its_triples_before_and_after(data, run, tmp_path):
    """Regression: good.ttl, good.nt and good.jsonld all became source `good`, each ingest
    replacing the one before without a word."""
    ttl = tmp_path / "good.ttl"
    ttl.write_text(GOOD)
    code, out, _ = run("ingest", ttl, "--data", data, "-q")
    assert code == 0 and out.startswith(f"added source 'good' (3 triples) from {ttl}\n")
    nt = tmp_path / "good.nt"
    nt.write_text("<https://w3id.org/modelgraph/id/model/zeta-1> "
                  "<http://www.w3.org/2000/01/rdf-schema#label> \"Zeta One\" .\n"
                  "<https://w3id.org/modelgraph/id/model/zeta-1> "
                  "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
                  "<https://w3id.org/modelgraph/ontology#Model> .\n")
    code, out, _ = run("ingest", nt, "--data", data, "-q")
    assert code == 0 and out.startswith(f"replaced source 'good' (3 -> 2 triples) from {nt}\n")
    code, out, _ = run("ingest", ttl, "--data", data, "-q", "--format", "json")
    assert code == 0
    assert json.loads(out)["sources"][0] | {"origin": None} == {
        "source_id": "good", "origin": None, "triples": 3, "previous_triples": 2,
        "skipped_records": []}
    code, out, _ = run("ingest", nt, "--source", "good-nt", "--data", data, "-q")
    assert code == 0 and out.startswith(f"added source 'good-nt' (2 triples) from {nt}\n")
    assert _sources(run, data)["good"] == 3 and _sources(run, data)["good-nt"] == 2


@pytest.mark.parametrize(("target", "source", "needle"), [
    ("models.dev", "x", "the catalogue is always source 'models-dev'"),
    ("FOLDER", "x", "each file of a folder is the source its name gives"),
    ("FILE", "a b", "'a b' is not a source id"),
])
def test_source_is_for_one_file_and_must_be_an_id(data, run, tmp_path, target, source, needle):
    before = _sources(run, data)
    (tmp_path / "good.ttl").write_text(GOOD)
    target = {"FOLDER": tmp_path, "FILE": tmp_path / "good.ttl"}.get(target, target)
    code, _, err = run("ingest", target, "--source", source, "--data", data, "-q")
    assert code == 2 and needle in err and "field '--source'" in err
    assert _sources(run, data) == before


@pytest.mark.parametrize("target", ["models.dev", "PAGE"])
def test_graphs_as_sources_is_refused_where_there_is_one_source(data, run, target):
    """Regression: the flag was silently ignored for a page or the catalogue."""
    before = _sources(run, data)
    target = SEEDS / sorted(p.name for p in SEEDS.glob("*.txt"))[0] if target == "PAGE" else target
    code, _, err = run("ingest", target, "--graphs-as-sources", "--data", data, "-q")
    assert code == 2 and "field '--graphs-as-sources'" in err and "one source" in err
    assert _sources(run, data) == before


def test_an_export_is_restored_only_when_asked_leaving_out_its_ontology_and_derived_graph(
        data, run, tmp_path):
    path = tmp_path / "backup.trig"
    (tmp_path / "zeta.ttl").write_text(GOOD)
    assert run("ingest", tmp_path / "zeta.ttl", "--data", data, "-q")[0] == 0
    assert run("export", "--data", data, "-o", path)[0] == 0
    before = _sources(run, data)
    code, _, err = run("ingest", path, "--data", data, "-q")
    assert code == 2
    assert "looks like a `modelgraph export`; to restore each source it holds, give " \
           "--graphs-as-sources" in err
    assert _sources(run, data) == before
    fresh = tmp_path / "fresh"
    code, out, err = run("ingest", path, "--graphs-as-sources", "--data", fresh, "-q")
    assert code == 0, err
    assert _sources(run, fresh) == before
    assert f"added source 'zeta' (3 triples) from {path}" in out
    assert [line.split(" (")[0] for line in err.splitlines()] == [
        f"left out graph <https://w3id.org/modelgraph/derived> of {path}",
        f"left out graph <https://w3id.org/modelgraph/ontology> of {path}"]
    code, out, _ = run("query", "ASK { GRAPH <https://w3id.org/modelgraph/derived> "
                       "{ ?s ?p ?o } }", "--data", fresh)
    assert out.strip() == "true"  # recomputed


def test_a_folder_gives_its_pages_and_rdf_files_and_names_what_it_skipped(data, run, tmp_path):
    folder = tmp_path / "curated"
    folder.mkdir()
    page = min(SEEDS.glob("000_*.txt"))
    (folder / page.name).write_text(page.read_text())
    (folder / "zeta.ttl").write_text(GOOD)
    (folder / "more.trig").write_text(
        "<https://w3id.org/modelgraph/source/more> { <https://w3id.org/modelgraph/id/model/"
        'zeta-1> <http://www.w3.org/2000/01/rdf-schema#comment> "from a TriG file" . }\n')
    (folder / "notes.docx").write_text("hello")
    (folder / "older").mkdir()
    code, out, err = run("ingest", folder, "--data", data, "-q", "--format", "json")
    assert code == 0, err
    summary = json.loads(out)
    assert {s["source_id"]: s["origin"] for s in summary["sources"]} == {
        page.stem: str(folder / page.name), "zeta": str(folder / "zeta.ttl"),
        "more": str(folder / "more.trig")}
    assert {"zeta", "more", page.stem} <= set(_sources(run, data))
    assert summary["skipped_files"] == [
        (f"skipped {folder / 'notes.docx'}: not a page (.txt, .md, .html, .htm) or an RDF "
         "file (.ttl, .trig, .nt, .nq, .jsonld, .json, .rdf, .owl)"),
        f"skipped {folder / 'older'}: a folder (give it on its own to ingest it)"]
    assert err.splitlines() == summary["skipped_files"]  # said on stderr, even with -q


def test_a_file_of_a_folder_naming_another_sources_graph_refuses_the_folder(data, run,
                                                                            tmp_path):
    before = _sources(run, data)
    (tmp_path / "zeta.ttl").write_text(GOOD)
    (tmp_path / "more.trig").write_text(
        "<https://w3id.org/modelgraph/source/zeta> { <https://w3id.org/modelgraph/id/model/"
        'zeta-1> <http://www.w3.org/2000/01/rdf-schema#comment> "from a TriG file" . }\n')
    code, _, err = run("ingest", tmp_path, "--data", data, "-q")
    assert code == 2
    assert f"{tmp_path / 'more.trig'}, field 'graph': names the graph of another source" in err
    assert _sources(run, data) == before


def test_a_folder_without_pages_or_rdf_files_is_refused(data, run, tmp_path):
    (tmp_path / "notes.docx").write_text("hello")
    code, _, err = run("ingest", tmp_path, "--data", data, "-q")
    assert code == 2 and "no page (.txt, .md, .html, .htm) or RDF file" in err


def test_two_files_of_a_folder_giving_one_source_are_named(data, run, tmp_path):
    before = _sources(run, data)
    page = min(SEEDS.glob("000_*.txt"))
    folder = tmp_path / "curated"
    folder.mkdir()
    (folder / page.name).write_text(page.read_text())
    (folder / f"{page.stem}.ttl").write_text(GOOD)
    code, _, err = run("ingest", folder, "--data", data, "-q")
    assert code == 2
    assert (f"{folder / page.stem}.ttl and {folder / page.name} both give source "
            f"'{page.stem}'; rename one") in err
    assert _sources(run, data) == before


def test_a_catalogue_with_impossible_dates_is_refused_saying_how_to_load_the_rest(data, run,
                                                                                  tmp_path):
    catalogue = json.loads(CATALOGUE.read_text())
    catalogue["azure"]["models"]["gpt-4.1-nano"]["knowledge"] = "2025-02-31"
    catalogue["openai"]["models"]["o1-mini"]["release_date"] = "2025-25-11"
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(catalogue))
    before = _sources(run, data)
    code, _, err = run("ingest", "models.dev", "--catalogue-file", path, "--data", data, "-q")
    assert code == 2
    assert err.startswith(
        "error: models.dev catalogue, record openai/o1-mini, field 'release_date': 2025-25-11 "
        "is not a calendar date: there is no month 25. 2 bad records in all, so nothing was "
        "loaded; to load the rest, leave them out with --skip-invalid")
    assert _sources(run, data) == before
    code, out, _ = run("ingest", "models.dev", "--catalogue-file", path, "--data", data, "-q",
                       "--skip-invalid")
    assert code == 0
    assert ("skipped (invalid): azure/gpt-4.1-nano: field 'knowledge': 2025-02-31 is not a "
            "calendar date: February 2025 has 28 days, not 31") in out


def _on_a_terminal(*args) -> tuple[int, str]:
    """Run the CLI with its stderr on a terminal: exit code, what the terminal shows."""
    terminal, child_side = pty.openpty()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "modelgraph.cli", *map(str, args)],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=child_side, timeout=120,
            check=False)
    finally:
        os.close(child_side)
    shown = b""
    while True:
        try:
            chunk = os.read(terminal, 65536)
        except OSError:  # the child's side is closed: everything has been read
            break
        if not chunk:
            break
        shown += chunk
    os.close(terminal)
    return result.returncode, shown.decode().replace("\r\n", "\n")


def test_on_a_terminal_a_refused_catalogue_shows_progress_then_the_error_on_its_own_line(
        data, tmp_path):
    catalogue = json.loads(CATALOGUE.read_text())
    catalogue["openai"]["models"]["o1-mini"]["release_date"] = "2025-25-11"
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(catalogue))
    code, text = _on_a_terminal("ingest", "models.dev", "--catalogue-file", path, "--data", data)
    assert code == 2
    assert "\rextracting   [" in text and "/13\n" in text  # records, on the bar's line
    assert "\nerror: models.dev catalogue, record openai/o1-mini" in text


def test_on_a_terminal_each_record_skipped_is_said_on_its_own_line(data, tmp_path):
    """Regression: the warnings of `--skip-invalid` were written onto the bar's line
    (`extracting [#####…] 4786/4803models.dev catalogue 1.0.398: skipped …`)."""
    catalogue = json.loads(CATALOGUE.read_text())
    catalogue["openai"]["models"]["o1-mini"]["release_date"] = "2025-25-11"
    catalogue["azure"]["models"]["gpt-4.1-nano"]["knowledge"] = "2025-02-31"
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(catalogue))
    code, text = _on_a_terminal("ingest", "models.dev", "--catalogue-file", path,
                                "--skip-invalid", "--data", data)
    assert code == 0, text
    lines = text.split("\n")
    skipped = [line for line in lines if "skipped" in line]
    assert [line.split(":")[1] for line in skipped] == [" skipped openai/o1-mini",
                                                        " skipped azure/gpt-4.1-nano"]
    assert all(line.startswith("models.dev catalogue: skipped ") for line in skipped)
    bar = lines[lines.index(skipped[-1]) + 1]  # the bar goes on below them, to its end
    assert bar.startswith("\rextracting   [") and bar.endswith("13/13")


def test_with_format_json_a_refusal_is_json_on_stdout_about_the_file(data, run, tmp_path):
    """Regression: `ingest -q --format json bad.ttl` wrote nothing on stdout, and on stderr
    the violations were followed by every warning about the other sources (~166 with
    models.dev). The refusal is JSON as HTTP's 422 is; the other sources' warnings are
    counted, not listed."""
    assert run("ingest", "models.dev", "--catalogue-file", CATALOGUE, "--data", data,
               "-q")[0] == 0
    code, out, _ = run("validate", "--data", data, "--format", "json")
    stored_warnings = json.loads(out)["warnings"]
    assert code == 0 and stored_warnings > 2
    before = _sources(run, data)
    path = tmp_path / "bad.ttl"
    path.write_text(NEGATIVE_PRICE)
    code, out, err = run("ingest", path, "--data", data, "-q", "--format", "json")
    assert code == 3
    assert err == f"error: {path}: 3 SHACL violation(s); nothing was stored\n"
    refusal = json.loads(out)
    assert (refusal["error"], refusal["source"]) == ("ValidationFailed", str(path))
    report = refusal["report"]
    assert report["conforms"] is False and report["violations"] == 3
    assert [(i["severity"], i["source_ids"], i["path"].rsplit("/")[-1])
            for i in report["issues"]] == [("Violation", ["bad"], "ontology#host"),
                                           ("Violation", ["bad"], "ontology#inputPrice"),
                                           ("Violation", ["bad"], "ontology#model"),
                                           ("Warning", ["bad"], "priceCurrency")]
    assert report["left_out"] == {"warnings": stored_warnings}
    assert _sources(run, data) == before
    code, _, err = run("ingest", path, "--data", data, "-q")  # as text: the same, on stderr
    assert code == 3
    assert f"Not listed: {stored_warnings} warnings about other sources" in err
    assert "models-dev" not in err and "000_" not in err


def test_with_format_json_a_syntax_error_is_json_on_stdout(data, run, tmp_path):
    path = tmp_path / "trunc.ttl"
    path.write_text(GOOD[:GOOD.index("32000") + 2])
    code, out, err = run("ingest", path, "--data", data, "-q", "--format", "json")
    assert code == 2 and err.startswith(f"error: {path}, line 4")
    assert json.loads(out) == {"error": "RdfSyntaxError", "message": json.loads(out)["message"],
                               "source": str(path), "line": 4, "column": 24}
    assert json.loads(out)["message"].startswith("not valid turtle")


def test_a_stored_graph_report_cites_sources_never_the_derived_graph(data, run, tmp_path):
    """Regression: validating the store treated the derived graph (what modelgraph computes
    from the sources) as a page, so a warning about a model cited it among its sources."""
    path = tmp_path / "unnamed.ttl"
    path.write_text("@prefix mg: <https://w3id.org/modelgraph/ontology#> .\n"
                    "<https://w3id.org/modelgraph/id/model/unnamed-x> a mg:Model ;"
                    " mg:contextWindow 1000 .\n")
    assert run("ingest", path, "--data", data)[0] == 0
    code, out, _ = run("validate", "--format", "json", "--data", data)
    about = [issue for issue in json.loads(out)["issues"]
             if issue["focus_node"].endswith("/unnamed-x")]
    assert [(issue["shape"].rsplit("#", 1)[1], issue["source_ids"]) for issue in about] == [
        ("Model-named", ["unnamed"])]


def test_a_refusal_says_where_the_page_has_the_bad_node(data, run, tmp_path):
    """An extractor locates the offers and results it reads (mg:locator: a line and field,
    a catalogue record): a finding about one says where, in text and in JSON."""
    path = tmp_path / "located.ttl"
    path.write_text(NEGATIVE_PRICE.replace(
        "mg:inputPrice -1.0 .", "mg:inputPrice -1.0 ; mg:locator \"line 7, field 'Input'\" ."))
    code, _, err = run("ingest", path, "--data", data)
    assert code == 3 and "mgid:offer/h/zeta-1 (at line 7, field 'Input')" in err
    code, out, _ = run("ingest", path, "--data", data, "--format", "json")
    issues = json.loads(out)["report"]["issues"]
    price = [i for i in issues if i["path"].endswith("#inputPrice")]
    assert [i["locator"] for i in price] == ["line 7, field 'Input'"]
