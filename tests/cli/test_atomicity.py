"""A failed build or validation changes nothing: the previous graph stays, whole."""

import json

from .conftest import SEEDS


def _count(run, data) -> int:
    code, out, _ = run("query", "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }",
                       "--data", data, "--format", "csv")
    assert code == 0
    return int(out.splitlines()[1])


def test_an_unreadable_page_leaves_the_previous_graph(tmp_path, run, seeds_copy):
    data = tmp_path / "data"
    assert run("build", "--seeds", SEEDS, "--data", data)[0] == 0
    before = _count(run, data)
    (seeds_copy / "zz_bad.txt").write_text("Not a catalogue page at all\n")
    code, _, err = run("build", "--seeds", seeds_copy, "--data", data)
    assert code == 2 and "zz_bad.txt" in err
    assert _count(run, data) == before


def test_a_truncated_page_is_refused_with_where(tmp_path, run, seeds_copy):
    page = sorted(seeds_copy.glob("003_*.txt"))[0]
    page.write_text(page.read_text()[:40])
    code, _, err = run("build", "--seeds", seeds_copy, "--data", tmp_path / "d")
    assert code == 2 and page.name in err


def test_an_empty_folder_is_an_input_error(tmp_path, run):
    (tmp_path / "none").mkdir()
    code, _, err = run("build", "--seeds", tmp_path / "none", "--data", tmp_path / "d")
    assert code == 2 and "no page files" in err


def test_dry_run_stores_nothing(tmp_path, run):
    code, out, _ = run("build", "--seeds", SEEDS, "--dry-run", "--data", tmp_path / "d",
                       "--format", "json")
    assert code == 0 and json.loads(out)["data_dir"] is None
    assert not (tmp_path / "d").exists()


def test_a_damaged_current_pointer_stops_every_write_and_is_named(tmp_path, run):
    """Regression: a CURRENT naming no generation made ingest take the directory for
    empty, write a new graph and delete the one it held."""
    data = tmp_path / "data"
    assert run("build", "--seeds", SEEDS, "--data", data)[0] == 0
    held = sorted(p.name for p in (data / "generations").iterdir())
    (data / "CURRENT").write_text("bogus\n")
    page = min(SEEDS.glob("*.txt"))
    for command in (("ingest", page), ("build", "--seeds", SEEDS), ("sources",)):
        code, _, err = run(*command, "--data", data)
        assert code == 5, (command, err)
        assert "CURRENT" in err and "damaged" in err and "bogus" in err
    assert sorted(p.name for p in (data / "generations").iterdir()) == held
