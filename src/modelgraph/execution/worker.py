"""A query worker: a child process that owns a read-only store and runs one job at a time.

Started by :class:`modelgraph.execution.pool.QueryExecutor` as
``python -m modelgraph.execution.worker FD DATA_DIR MAX_BYTES PARENT_PID``; it talks to
its parent over the Unix socket FD in length-prefixed pickles (channel.py). It imports
only pyoxigraph and the light modelgraph modules so that a respawn after a timeout is quick.

The live generation directory is never written after it becomes current, so the worker
opens it read-only and, before each job, checks whether CURRENT points somewhere else.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import sys
from pathlib import Path

import pyoxigraph as ox

from ..errors import ModelgraphError, NotFound, QuerySyntaxError, StoreError
from ..store.embedded import CURRENT, GENERATIONS
from ..vocab import PREFIXES
from . import channel
from .jobs import (
    DATASET,
    GRAPH,
    RESULTS,
    VIEW,
    DatasetJob,
    GraphJob,
    InfoJob,
    NotAcceptable,
    Output,
    QueryEvaluationError,
    QueryJob,
    ResultTooLarge,
    UpdateJob,
    ViewJob,
    WorkerFailed,
)

_POSITION = re.compile(r"error at (\d+):(\d+)")


class LiveStore:
    """The store of the generation CURRENT names, reopened when CURRENT changes."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._pointer = data_dir / CURRENT
        self._stamp: tuple[int, int] | None = None
        self.generation: str | None = None
        self.store: ox.Store | None = None
        self.info_cache: dict | None = None

    def get(self) -> ox.Store:
        try:
            stat = os.stat(self._pointer)
        except FileNotFoundError:
            raise StoreError(
                f"no graph has been built in {self.data_dir} yet; run `modelgraph build`",
                source=str(self.data_dir),
            ) from None
        stamp = (stat.st_ino, stat.st_mtime_ns)
        if stamp != self._stamp or self.store is None:
            self._open(stamp)
        return self.store

    def reopen(self) -> ox.Store:
        self._stamp = None
        return self.get()

    def _open(self, stamp: tuple[int, int]) -> None:
        generation = self._pointer.read_text().strip()
        path = self.data_dir / GENERATIONS / generation
        try:
            store = ox.Store.read_only(str(path))
        except OSError as exc:
            raise StoreError(f"cannot open the store: {exc}", source=str(path)) from exc
        self.store, self.generation, self._stamp = store, generation, stamp
        self.info_cache = None


class _LimitedSink:
    """A binary writer that refuses to grow past `limit` bytes (stops serialisation)."""

    __slots__ = ("limit", "parts", "size")

    def __init__(self, limit: int) -> None:
        self.parts: list[bytes] = []
        self.size = 0
        self.limit = limit

    def write(self, data) -> int:
        self.size += len(data)
        if self.size > self.limit:
            raise ResultTooLarge(
                f"the answer is larger than the limit of {self.limit:,} bytes; "
                "add a LIMIT, select fewer variables or narrow the query",
                field="max_response_bytes",
            )
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def getvalue(self) -> bytes:
        return b"".join(self.parts)


def run_job(live: LiveStore, job, max_bytes: int) -> Output:
    """Run one job, retrying once on a store error in case the generation just changed."""
    try:
        return _dispatch(live, live.get(), job, max_bytes)
    except OSError:
        pass
    try:
        return _dispatch(live, live.reopen(), job, max_bytes)
    except OSError as exc:
        raise StoreError(f"the query failed while reading data: {exc}") from None


def _dispatch(live: LiveStore, store: ox.Store, job, max_bytes: int) -> Output:
    if isinstance(job, QueryJob):
        return _query(live, store, job, max_bytes)
    if isinstance(job, GraphJob):
        return _graph(live, store, job, max_bytes)
    if isinstance(job, DatasetJob):
        sink = _LimitedSink(max_bytes)
        store.dump(sink, format=_rdf_format(job.format), prefixes=PREFIXES)
        return Output(sink.getvalue(), DATASET, job.format, live.generation)
    if isinstance(job, InfoJob):
        return Output(b"", "info", None, live.generation, _info(live, store))
    if isinstance(job, ViewJob):
        from .view_jobs import run_view  # imported on first use: query-only workers stay light

        return Output(b"", VIEW, None, live.generation, value=run_view(live, store, job))
    if isinstance(job, UpdateJob):
        return _update(live, store, job)
    raise WorkerFailed(f"unknown job {type(job).__name__}")


def _query(live: LiveStore, store: ox.Store, job: QueryJob, max_bytes: int) -> Output:
    kwargs: dict = {"base_iri": job.base_iri}
    if job.default_graphs is not None or job.named_graphs is not None:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs or ()]
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs or ()]
    elif not job.use_query_dataset:
        kwargs["use_default_graph_as_union"] = True
    try:
        result = store.query(job.sparql, **kwargs)
        sink = _LimitedSink(max_bytes)
        if isinstance(result, ox.QueryTriples):
            if job.graph_format is None:
                raise NotAcceptable("the query builds a graph; ask for an RDF format")
            result.serialize(sink, format=_rdf_format(job.graph_format))
            return Output(sink.getvalue(), GRAPH, job.graph_format, live.generation)
        if job.results_format is None:
            raise NotAcceptable("the query returns results; ask for a SPARQL results format")
        result.serialize(sink, format=getattr(ox.QueryResultsFormat, job.results_format))
        return Output(sink.getvalue(), RESULTS, job.results_format, live.generation)
    except SyntaxError as exc:
        raise syntax_error(exc) from None
    except RuntimeError as exc:  # pyoxigraph's evaluation errors (storage errors are OSError)
        raise QueryEvaluationError(
            f"the query cannot be evaluated: {exc}", source="query"
        ) from None


def syntax_error(exc: SyntaxError, source: str = "query") -> QuerySyntaxError:
    """pyoxigraph's message says `error at LINE:COLUMN: ...`; keep both as fields."""
    text = str(exc)
    match = _POSITION.search(text)
    line, column = (int(match.group(1)), int(match.group(2))) if match else (None, None)
    return QuerySyntaxError(f"SPARQL syntax error: {text}", source=source, line=line, column=column)


def _graph(live: LiveStore, store: ox.Store, job: GraphJob, max_bytes: int) -> Output:
    fmt = _rdf_format(job.format)
    sink = _LimitedSink(max_bytes)
    if job.graph is None:
        triples = store.query("CONSTRUCT WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
        ox.serialize(dict.fromkeys(triples), sink, format=fmt, prefixes=PREFIXES)
    else:
        graph = ox.NamedNode(job.graph)
        if not store.contains_named_graph(graph):
            raise NotFound(f"no graph named <{job.graph}> in this store", field="graph")
        triples = (q.triple for q in store.quads_for_pattern(None, None, None, graph))
        ox.serialize(triples, sink, format=fmt, prefixes=PREFIXES)
    return Output(sink.getvalue(), GRAPH, job.format, live.generation)


def _info(live: LiveStore, store: ox.Store) -> dict:
    if live.info_cache is None:
        sizes = {
            solution["g"].value: int(solution["n"].value)
            for solution in store.query(
                "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
            )
            if isinstance(solution["g"], ox.NamedNode)
        }
        live.info_cache = {
            "generation": live.generation,
            "named_graphs": dict(sorted(sizes.items())),
            "quads": len(store),
        }
    return live.info_cache


def _update(live: LiveStore, store: ox.Store, job: UpdateJob) -> Output:
    copy = ox.Store()
    copy.bulk_extend(store)
    try:
        copy.update(job.sparql, base_iri=job.base_iri)
    except SyntaxError as exc:
        raise syntax_error(exc, source="update") from None
    body = copy.dump(format=ox.RdfFormat.N_QUADS)
    return Output(body, DATASET, "N_QUADS", live.generation)


def _rdf_format(name: str) -> ox.RdfFormat:
    return getattr(ox.RdfFormat, name)


# -- process ----------------------------------------------------------------------------------


def _die_with_parent(parent_pid: int) -> None:
    """Ask Linux to SIGKILL us when the parent goes, so no orphan keeps computing."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)


def serve(sock: socket.socket, data_dir: Path, max_bytes: int) -> None:
    live = LiveStore(data_dir)
    try:
        live.get()  # open the store now rather than during the first query
    except StoreError:
        pass  # nothing built yet: each job will say so until a build appears
    channel.send(sock, ("ready", os.getpid()))
    while True:
        try:
            job = channel.recv(sock)
        except (EOFError, OSError):
            return  # the parent closed the connection: shut down
        try:
            reply = ("ok", run_job(live, job, max_bytes))
        except ModelgraphError as exc:
            reply = ("error", type(exc).__name__, exc.to_dict())
        except Exception as exc:  # noqa: BLE001 - a bug: report it rather than die silently
            reply = ("error", "WorkerFailed", {"message": f"{type(exc).__name__}: {exc}"})
        channel.send(sock, reply)


def main(argv: list[str]) -> None:
    fd, data_dir, max_bytes, parent_pid = int(argv[0]), Path(argv[1]), int(argv[2]), int(argv[3])
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _die_with_parent(parent_pid)
    serve(socket.socket(fileno=fd), data_dir, max_bytes)


if __name__ == "__main__":
    main(sys.argv[1:])
