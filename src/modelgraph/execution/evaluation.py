"""Running a job on a read-only store of the live generation: what a query worker does
for every job (worker.py), and what the server does itself for queries already measured
cheap (inline.py).

The live generation directory is never written after it becomes current, so it is opened
read-only and, before each job, CURRENT is checked for pointing somewhere else. Only
pyoxigraph and light modelgraph modules are imported, so that a worker respawns quickly.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pyoxigraph as ox

from ..errors import NotFound, QuerySyntaxError, StoreError
from ..store.embedded import CURRENT, GENERATIONS
from ..vocab import PREFIXES
from .jobs import (
    DATASET,
    GRAPH,
    RESULTS,
    VIEW,
    DatasetJob,
    ForbiddenOperation,
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
from .prefixes import name_undeclared_prefix
from .update_dataset import apply_over_union

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

    def close(self) -> None:
        self.store, self._stamp = None, None  # pyoxigraph closes the store when dropped

    def _open(self, stamp: tuple[int, int]) -> None:
        generation = self._pointer.read_text().strip()
        path = self.data_dir / GENERATIONS / generation
        try:
            store = ox.Store.read_only(str(path))
        except OSError as exc:
            raise StoreError(f"cannot open the store: {exc}", source=str(path)) from exc
        self.store, self.generation, self._stamp = store, generation, stamp
        self.info_cache = None


class LimitedSink:
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
        return evaluate_query(store, live.generation, job, max_bytes)
    if isinstance(job, GraphJob):
        return _graph(live, store, job, max_bytes)
    if isinstance(job, DatasetJob):
        sink = LimitedSink(max_bytes)
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


def evaluate_query(store: ox.Store, generation: str | None, job: QueryJob,
                   max_bytes: int) -> Output:
    """Evaluate and serialise one query on `store` (of `generation`); no retry."""
    kwargs: dict = {"base_iri": job.base_iri}
    if job.default_graphs is not None or job.named_graphs is not None:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs or ()]
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs or ()]
    elif not job.use_query_dataset:
        kwargs["use_default_graph_as_union"] = True
    try:
        return serialize_result(store.query(job.sparql, **kwargs), job, max_bytes, generation)
    except SyntaxError as exc:
        raise syntax_error(exc, sparql=job.sparql) from None
    except RuntimeError as exc:  # pyoxigraph's evaluation errors (storage errors are OSError)
        raise QueryEvaluationError(
            f"the query cannot be evaluated: {exc}", source="query"
        ) from None


def serialize_result(result, job: QueryJob, max_bytes: int, generation: str | None) -> Output:
    """A query's result in the format the job asked for its kind (graph or results)."""
    sink = LimitedSink(max_bytes)
    if isinstance(result, ox.QueryTriples):
        if job.graph_format is None:
            raise NotAcceptable("the query builds a graph; ask for an RDF format")
        ox.serialize(_distinct(result), sink, format=_rdf_format(job.graph_format))
        return Output(sink.getvalue(), GRAPH, job.graph_format, generation)
    if job.results_format is None:
        raise NotAcceptable("the query returns results; ask for a SPARQL results format")
    result.serialize(sink, format=getattr(ox.QueryResultsFormat, job.results_format))
    return Output(sink.getvalue(), RESULTS, job.results_format, generation)


def _distinct(triples):
    """A graph is a set: over the union of graphs, DESCRIBE and CONSTRUCT yield a triple once
    per graph stating it. Streamed, so the response size limit still stops a huge result
    (and with it what `seen` holds)."""
    seen = set()
    for triple in triples:
        if triple not in seen:
            seen.add(triple)
            yield triple


def syntax_error(exc: SyntaxError, source: str = "query",
                 sparql: str | None = None) -> QuerySyntaxError:
    """pyoxigraph's message says `error at LINE:COLUMN: ...`; keep both as fields. Given the
    `sparql` text, an undeclared prefix that caused the error is named (prefixes.py)."""
    text = str(exc)
    match = _POSITION.search(text)
    line, column = (int(match.group(1)), int(match.group(2))) if match else (None, None)
    error = QuerySyntaxError(f"SPARQL syntax error: {text}", source=source, line=line,
                             column=column)
    return error if sparql is None else name_undeclared_prefix(error, sparql)


def _graph(live: LiveStore, store: ox.Store, job: GraphJob, max_bytes: int) -> Output:
    fmt = _rdf_format(job.format)
    sink = LimitedSink(max_bytes)
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
    return Output(updated_copy(store, job), DATASET, "N_QUADS", live.generation)


def updated_copy(quads, job: UpdateJob) -> bytes:
    """N-Quads of `quads` as they would be after `job`'s update (applied to a copy)."""
    copy = ox.Store()
    copy.bulk_extend(quads)
    protected = {iri: _graph_quads(copy, iri) for iri, _ in job.protected}
    try:
        apply_over_union(copy, job.sparql, job.base_iri)
    except SyntaxError as exc:
        raise syntax_error(exc, source="update", sparql=job.sparql) from None
    except RuntimeError as exc:  # e.g. CLEAR GRAPH of a graph that does not exist
        raise QueryEvaluationError(
            f"the update cannot be applied: {exc}", source="update"
        ) from None
    for iri, why in job.protected:
        if _graph_quads(copy, iri) != protected[iri]:
            raise ForbiddenOperation(
                f"the update changes graph <{iri}>, which {why}; nothing was written",
                source="update",
            )
    return copy.dump(format=ox.RdfFormat.N_QUADS)


def _graph_quads(store: ox.Store, iri: str) -> set[ox.Quad]:
    return set(store.quads_for_pattern(None, None, None, ox.NamedNode(iri)))


def _rdf_format(name: str) -> ox.RdfFormat:
    return getattr(ox.RdfFormat, name)
