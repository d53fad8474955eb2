"""The embedded pyoxigraph store, on disk in generations so that a build is atomic.

Layout of a data directory::

    DATA_DIR/CURRENT            name of the live generation (replaced atomically)
    DATA_DIR/generations/NAME/  one pyoxigraph (RocksDB) store per generation

A build writes a complete new generation and only then points CURRENT at it, so a failed
or killed build leaves the previous graph exactly as it was. Old generations are removed
after the switch.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from ..errors import QuerySyntaxError, StoreError

ENV_DATA_DIR = "MODELGRAPH_DATA_DIR"
CURRENT = "CURRENT"
GENERATIONS = "generations"


def default_data_dir() -> Path:
    """`$MODELGRAPH_DATA_DIR`, else `$XDG_DATA_HOME/modelgraph` (~/.local/share/modelgraph)."""
    if os.environ.get(ENV_DATA_DIR):
        return Path(os.environ[ENV_DATA_DIR])
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "modelgraph"


class EmbeddedStore:
    """A pyoxigraph store; `data_dir=None` keeps everything in memory."""

    def __init__(self, store: ox.Store, data_dir: Path | None, generation: str | None) -> None:
        self._store = store
        self.data_dir = data_dir
        self.generation = generation

    # -- opening -----------------------------------------------------------------------
    @classmethod
    def memory(cls, quads: Iterable[ox.Quad] = ()) -> "EmbeddedStore":
        store = ox.Store()
        store.extend(quads)
        return cls(store, None, None)

    @classmethod
    def open(cls, data_dir: Path, *, read_only: bool = True) -> "EmbeddedStore":
        generation = current_generation(data_dir)
        if generation is None:
            raise StoreError(
                f"no graph has been built in {data_dir} yet; run `modelgraph build`",
                source=str(data_dir),
            )
        path = data_dir / GENERATIONS / generation
        try:
            store = ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
        except OSError as exc:
            raise StoreError(f"cannot open the store: {exc}", source=str(path)) from exc
        return cls(store, data_dir, generation)

    @property
    def raw(self) -> ox.Store:
        """The pyoxigraph store, for code that needs its full API (views, exports)."""
        return self._store

    # -- reading -----------------------------------------------------------------------
    def query(
        self,
        sparql: str,
        *,
        union_default_graph: bool = True,
        substitutions: dict | None = None,
        default_graph: list | None = None,
        named_graphs: list | None = None,
        base_iri: str | None = None,
    ):
        """Run a SPARQL query. By default the default graph is the union of all graphs."""
        kwargs: dict = {"substitutions": substitutions, "base_iri": base_iri}
        if default_graph is not None:
            kwargs["default_graph"] = default_graph
        else:
            kwargs["use_default_graph_as_union"] = union_default_graph
        if named_graphs is not None:
            kwargs["named_graphs"] = named_graphs
        try:
            return self._store.query(sparql, **kwargs)
        except SyntaxError as exc:
            raise QuerySyntaxError(f"SPARQL syntax error: {exc}", source="query") from exc

    def named_graphs(self) -> list[ox.NamedNode]:
        return sorted(
            (g for g in self._store.named_graphs() if isinstance(g, ox.NamedNode)),
            key=lambda g: g.value,
        )

    def quads(self, graph: ox.NamedNode | None = None) -> list[ox.Quad]:
        return list(self._store.quads_for_pattern(None, None, None, graph))

    def count(self, graph: ox.NamedNode | None = None) -> int:
        return sum(1 for _ in self._store.quads_for_pattern(None, None, None, graph))

    def dump(self, fmt: ox.RdfFormat, graph: ox.NamedNode | None = None) -> bytes:
        """Serialise the dataset (quad formats) or one graph (triple formats)."""
        if graph is None and not fmt.supports_datasets:
            graph = ox.DefaultGraph()
            quads = (
                ox.Quad(q.subject, q.predicate, q.object, graph)
                for q in self._store.quads_for_pattern(None, None, None, None)
            )
            return ox.serialize(list(dict.fromkeys(quads)), format=fmt, prefixes=_prefixes())
        if graph is not None and not fmt.supports_datasets:
            triples = [q.triple for q in self._store.quads_for_pattern(None, None, None, graph)]
            return ox.serialize(triples, format=fmt, prefixes=_prefixes())
        if graph is not None:
            return ox.serialize(self.quads(graph), format=fmt, prefixes=_prefixes())
        return self._store.dump(format=fmt, prefixes=_prefixes())

    def close(self) -> None:
        self._store = None  # RocksDB releases its lock when the object is dropped


def _prefixes() -> dict[str, str]:
    from ..vocab import PREFIXES

    return dict(PREFIXES)


def current_generation(data_dir: Path) -> str | None:
    try:
        name = (data_dir / CURRENT).read_text().strip()
    except FileNotFoundError:
        return None
    return name if name and (data_dir / GENERATIONS / name).is_dir() else None


def write_generation(data_dir: Path, quads: Iterable[ox.Quad]) -> str:
    """Write `quads` into a fresh generation and make it current; return its name.

    Until the final `os.replace` nothing the readers see has changed; a crash before it
    leaves an orphan generation that the next write removes.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    generations = data_dir / GENERATIONS
    generations.mkdir(exist_ok=True)
    name = f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    path = generations / name
    try:
        store = ox.Store(str(path))
        store.extend(quads)
        store.flush()
        del store
    except OSError as exc:
        shutil.rmtree(path, ignore_errors=True)
        raise StoreError(f"cannot write the store: {exc}", source=str(path)) from exc
    pointer = data_dir / f".{CURRENT}.{name}"
    with open(pointer, "w") as handle:
        handle.write(name + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(pointer, data_dir / CURRENT)
    _fsync_dir(data_dir)
    _remove_other_generations(data_dir, keep=name)
    return name


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_other_generations(data_dir: Path, keep: str) -> None:
    for child in (data_dir / GENERATIONS).iterdir():
        if child.name != keep:
            shutil.rmtree(child, ignore_errors=True)
    for stale in data_dir.glob(f".{CURRENT}.*"):
        stale.unlink(missing_ok=True)


def open_store(data_dir: Path | None = None, *, read_only: bool = True) -> EmbeddedStore:
    return EmbeddedStore.open(data_dir or default_data_dir(), read_only=read_only)
