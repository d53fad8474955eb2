"""Two writing processes at once: each reads the store as the other left it, so the derived
graph (recomputed from every source) always matches the sources written."""

import subprocess
import sys
import time

from modelgraph.cli import main
from modelgraph.store.embedded import writer_lock

from .conftest import SEEDS

MODEL = """@prefix mg: <https://w3id.org/modelgraph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/modelgraph/id/model/{name}> a mg:Model ; rdfs:label "{name}" .
"""
COUNTS = ("SELECT ?source ?n WHERE { GRAPH <https://w3id.org/modelgraph/derived> { "
          "?source <https://w3id.org/modelgraph/ontology#tripleCount> ?n } }")


def _cli(*args) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "modelgraph.cli", *map(str, args)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_removal_and_an_ingest_at_once_leave_a_derived_graph_matching_the_sources(
        tmp_path, capsys):
    """Regression: each writer read the store before taking the write lock, so the second
    to write recomputed the derived graph without the first one's change (a removed
    source still counted, a model listed whose only source was gone)."""
    data = tmp_path / "data"
    assert main(["build", "--seeds", str(SEEDS), "--data", str(data)]) == 0
    for name in ("zz-gone", "zz-new"):
        (tmp_path / f"{name}.ttl").write_text(MODEL.format(name=name))
    assert main(["ingest", str(tmp_path / "zz-gone.ttl"), "--data", str(data)]) == 0
    with writer_lock(data):  # both writers start while a third holds the store
        writers = [_cli("remove-source", "zz-gone", "--data", data),
                   _cli("ingest", tmp_path / "zz-new.ttl", "--data", data)]
        time.sleep(3)  # long enough for both to have read the store, were they to
    for writer in writers:
        _, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
    capsys.readouterr()
    assert main(["query", COUNTS, "--data", str(data), "--format", "csv"]) == 0
    counted = {line.split(",")[0].rsplit("/", 1)[-1]
               for line in capsys.readouterr().out.splitlines()[1:]}
    assert "zz-new" in counted and "zz-gone" not in counted
