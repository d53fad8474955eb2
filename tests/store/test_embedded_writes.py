"""Writes to the on-disk embedded store: copy-on-write generations survive a killed writer,
a failed write, and a second writer."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pyoxigraph as ox
import pytest

from modelgraph.errors import InputError
from modelgraph.store import EmbeddedStore
from modelgraph.store.embedded import GENERATIONS, current_generation, write_generation

SRC = "https://w3id.org/modelgraph/source/"
PAGE = ox.NamedNode(SRC + "page")
OTHER = ox.NamedNode(SRC + "other")
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


def quads(graph: ox.NamedNode, count: int, tag: str) -> list[ox.Quad]:
    return [
        ox.Quad(ox.NamedNode(f"https://w3id.org/modelgraph/id/model/m{i}"), LABEL,
                ox.Literal(f"{tag} {i}"), graph)
        for i in range(count)
    ]


@pytest.fixture
def data_dir(tmp_path) -> Path:
    path = tmp_path / "data"
    write_generation(path, quads(PAGE, 100, "old") + quads(OTHER, 10, "other"))
    return path


def snapshot(data_dir: Path) -> tuple[str, set[ox.Quad]]:
    store = EmbeddedStore.open(data_dir)
    try:
        return store.generation, set(store.quads())
    finally:
        store.close()


# The writer, in its own process: it replaces PAGE with 200,000 quads, and half-way
# through (after a first batch has been written into its new generation) says so and waits
# to be killed.
WRITER = textwrap.dedent(
    """
    import sys, time
    import pyoxigraph as ox
    from pathlib import Path
    from modelgraph.store import EmbeddedStore

    store = EmbeddedStore.open(Path(sys.argv[1]))
    graph = ox.NamedNode(sys.argv[2])
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")

    def new_quads():
        for i in range(200_000):
            if i == 100_000:
                print("half-way", flush=True)
                time.sleep(60)
            yield ox.Quad(ox.NamedNode(f"https://w3id.org/modelgraph/id/model/m{i}"), label,
                          ox.Literal(f"new {i}"), graph)

    store.replace_graph(graph, new_quads())
    print("finished", flush=True)
    """
)


def test_a_writer_killed_in_the_middle_of_replace_graph_leaves_the_store_exactly_as_before(
    data_dir,
):
    before = snapshot(data_dir)
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(data_dir), PAGE.value],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout.readline().strip() == "half-way"
        # the new generation is being written beside the live one
        assert len(list((data_dir / GENERATIONS).iterdir())) == 2
        os.kill(writer.pid, signal.SIGKILL)
    finally:
        writer.kill()
        writer.wait(timeout=10)
    assert writer.returncode == -signal.SIGKILL

    assert snapshot(data_dir) == before

    # the next write goes through and sweeps the killed writer's half-written generation
    store = EmbeddedStore.open(data_dir)
    store.replace_graph(PAGE, quads(PAGE, 5, "next"))
    assert set(store.quads(PAGE)) == set(quads(PAGE, 5, "next"))
    live_and_previous = {store.generation, before[0]}
    assert {p.name for p in (data_dir / GENERATIONS).iterdir()} == live_and_previous
    store.close()


def test_a_write_that_fails_half_way_changes_nothing_and_leaves_no_copy(data_dir):
    before = snapshot(data_dir)
    store = EmbeddedStore.open(data_dir)
    bad = quads(PAGE, 50, "new") + quads(OTHER, 1, "misplaced")
    with pytest.raises(InputError):
        store.replace_graph(PAGE, bad)
    assert store.generation == before[0]
    assert set(store.quads()) == before[1]
    assert snapshot(data_dir) == before
    assert [p.name for p in (data_dir / GENERATIONS).iterdir()] == [before[0]]
    store.close()


def test_a_write_makes_a_new_generation_that_other_openers_read(data_dir):
    store = EmbeddedStore.open(data_dir)
    first = store.generation
    store.replace_graph(PAGE, quads(PAGE, 3, "new"))
    assert store.generation != first
    assert current_generation(data_dir) == store.generation
    assert snapshot(data_dir)[1] == set(quads(PAGE, 3, "new") + quads(OTHER, 10, "other"))
    store.close()


def test_a_store_opened_before_another_writer_wrote_builds_on_the_newer_generation(data_dir):
    early = EmbeddedStore.open(data_dir)
    late = EmbeddedStore.open(data_dir)
    late.replace_graph(OTHER, quads(OTHER, 2, "late"))
    early.replace_graph(PAGE, quads(PAGE, 2, "early"))  # must not undo the other write
    assert snapshot(data_dir)[1] == set(quads(PAGE, 2, "early") + quads(OTHER, 2, "late"))
    early.close()
    late.close()


def test_concurrent_writers_of_different_graphs_both_land(data_dir):
    stores = [EmbeddedStore.open(data_dir) for _ in range(2)]
    graphs = [ox.NamedNode(SRC + f"writer-{n}") for n in range(2)]
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for round_ in range(5):
                stores[n].replace_graph(graphs[n], quads(graphs[n], 20, f"round {round_}"))
        except Exception as exc:  # noqa: BLE001  (reported by the main thread)
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    final = snapshot(data_dir)[1]
    for graph in graphs:
        assert {q for q in final if q.graph_name == graph} == set(quads(graph, 20, "round 4"))
    for store in stores:
        store.close()


def test_replace_dataset_on_disk_is_a_new_generation(data_dir):
    store = EmbeddedStore.open(data_dir)
    first = store.generation
    store.replace_dataset(quads(OTHER, 1, "only"))
    assert store.generation != first
    assert snapshot(data_dir)[1] == set(quads(OTHER, 1, "only"))
    store.close()
