"""The service's jobs answered by a triplestore server instead of worker processes.

`RemoteExecutor` has the interface of `QueryExecutor` (`run(job)`, `start`, `close`,
`workers`, `timeouts`, `open_store`) and runs the same jobs (jobs.py) on a `RemoteStore`,
so every route, view and check of the service works unchanged on either backend.
`executor_for(settings, store)` picks the executor a service needs.

How each job is answered:

* `QueryJob`: the query goes to the server with the job's dataset; the answer is parsed
  and serialised again in the format the client negotiated, by the same pyoxigraph
  serialisers the workers use, so every format is offered whatever the server produces.
  The answer size limit applies to that serialisation.
* `GraphJob`, `DatasetJob`: modelgraph's graphs are read and serialised here.
* `InfoJob`: graph sizes in one request; the "generation" is the store's content
  fingerprint (`RemoteStore.fingerprint`), which changes with every write.
* `UpdateJob`: the dataset is read into an in-memory pyoxigraph store and the update
  applied there; the caller validates the result and only then writes the graphs that
  changed (web/writes.py). A nonconforming update thus never reaches the server.

Time limit: nothing runs here that could be killed, so a job's limit is the time this
process waits for the server (`RemoteStore.time_limit`, shared by the job's requests); on
overrun the client gets the usual 503 `QueryTimeout`. Servers with a per-query time limit
parameter are sent the same limit (`MODELGRAPH_STORE_TIMEOUT_PARAM`); Oxigraph server has
none (only its global `--timeout-s`), so there the server may keep working after modelgraph
gave up. At most `workers` jobs talk to the server at once; the others wait, up to the time
limit, as they would for a free worker process.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Self

import pyoxigraph as ox

from ..errors import NotFound
from ..store.remote import RemoteStore, StoreTimeout
from ..vocab import PREFIXES
from .evaluation import LimitedSink, serialize_result, updated_copy
from .jobs import (
    DATASET,
    GRAPH,
    DatasetJob,
    GraphJob,
    InfoJob,
    Output,
    QueryJob,
    QueryTimeout,
    UpdateJob,
    WorkerFailed,
    WorkersBusy,
)

if TYPE_CHECKING:
    from ..settings import Settings
    from ..store.base import Store
    from .pool import QueryExecutor

DEFAULT_MAX_RESPONSE_BYTES = 64 * 2**20


class RemoteExecutor:
    """Runs jobs on `store` with at most `workers` at a time, each within `timeout_s`.

    `owns_store`: close the store with the executor (true when it was opened for it).
    """

    def __init__(
        self,
        store: RemoteStore,
        *,
        workers: int = 2,
        timeout_s: float = 10.0,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        owns_store: bool = False,
    ) -> None:
        if workers < 1:
            raise ValueError("an executor needs at least one worker")
        self.store = store
        self.workers = workers
        self.timeout_s = timeout_s
        self.max_response_bytes = max_response_bytes
        self.data_dir = None  # nothing on disk: the data is on the server
        self.timeouts = 0  # jobs stopped by the time limit, for /health
        self._owns_store = owns_store
        self._slots = threading.BoundedSemaphore(workers)

    def __repr__(self) -> str:
        return f"RemoteExecutor({self.store.url!r})"

    # -- lifecycle (nothing to start: connections are opened on demand) ----------------------
    def start(self) -> Self:
        return self

    def close(self) -> None:
        if self._owns_store:
            self.store.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    def open_store(self) -> RemoteStore:
        """The store that writes go to (ingest, source removal, validated updates)."""
        return self.store

    # -- running ---------------------------------------------------------------------------
    def run(self, job, *, timeout_s: float | None = None) -> Output:
        """Run `job` on the server; raise its error, or QueryTimeout after `timeout_s`."""
        limit = self.timeout_s if timeout_s is None else timeout_s
        if not self._slots.acquire(timeout=limit):
            raise WorkersBusy(
                f"all {self.workers} connections to the triplestore stayed busy for "
                f"{limit:g} s; try again later"
            )
        try:
            with self.store.time_limit(limit):
                return self._dispatch(job)
        except StoreTimeout:
            self.timeouts += 1
            raise QueryTimeout(
                f"query exceeded the {limit:g} s time limit; modelgraph stopped waiting for "
                "the triplestore",
                field="query_timeout_s",
            ) from None
        finally:
            self._slots.release()

    def _dispatch(self, job) -> Output:
        if isinstance(job, QueryJob):
            return self._query(job)
        if isinstance(job, GraphJob):
            return self._graph(job)
        if isinstance(job, DatasetJob):
            generation = self.store.fingerprint()
            sink = LimitedSink(self.max_response_bytes)
            ox.serialize(self.store.quads(), sink, format=_rdf_format(job.format),
                         prefixes=PREFIXES)
            return Output(sink.getvalue(), DATASET, job.format, generation)
        if isinstance(job, InfoJob):
            sizes = self.store.graph_sizes()
            generation = self.store.fingerprint()
            info = {"generation": generation, "named_graphs": sizes,
                    "quads": sum(sizes.values())}
            return Output(b"", "info", None, generation, info)
        if isinstance(job, UpdateJob):
            return self._update(job)
        raise WorkerFailed(f"unknown job {type(job).__name__}")

    def _query(self, job: QueryJob) -> Output:
        kwargs: dict = {"base_iri": job.base_iri}
        if job.default_graphs is not None or job.named_graphs is not None:
            # the protocol's dataset is exactly what is named; the part not named is empty
            kwargs["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs or ()]
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs or ()]
        # otherwise the union default graph, or the query's own FROM (RemoteStore sees it)
        result = self.store.query(job.sparql, **kwargs)
        try:
            return serialize_result(result, job, self.max_response_bytes, None)
        except BaseException:
            # a pyoxigraph result may only be dropped by this thread, and the error's
            # traceback (which holds this frame) ends in another one: let go of it now
            del result
            raise

    def _graph(self, job: GraphJob) -> Output:
        sink = LimitedSink(self.max_response_bytes)
        if job.graph is None:  # the union default graph: each triple once
            triples = list(dict.fromkeys(q.triple for q in self.store.quads()))
        else:
            triples = [q.triple for q in self.store.quads(ox.NamedNode(job.graph))]
            if not triples:
                raise NotFound(f"no graph named <{job.graph}> in this store", field="graph")
        ox.serialize(triples, sink, format=_rdf_format(job.format), prefixes=PREFIXES)
        return Output(sink.getvalue(), GRAPH, job.format, None)

    def _update(self, job: UpdateJob) -> Output:
        """The dataset as it would be after the update, and the fingerprint it started from."""
        generation = self.store.fingerprint()
        return Output(updated_copy(self.store.quads(), job), DATASET, "N_QUADS", generation)


def _rdf_format(name: str) -> ox.RdfFormat:
    return getattr(ox.RdfFormat, name)


def executor_for(settings: Settings, store: Store | None = None) -> QueryExecutor | RemoteExecutor:
    """The executor of a service: on `store` if given (a RemoteStore, or an embedded store
    whose data the worker processes then read), else on `settings.store_url`, else on the
    data directory `settings.data_dir`."""
    from .pool import QueryExecutor

    limits = {
        "workers": settings.workers,
        "timeout_s": settings.query_timeout_s,
        "max_response_bytes": settings.max_response_bytes,
    }
    if isinstance(store, RemoteStore):
        return RemoteExecutor(store, **limits)
    inline = {"inline_max_s": settings.inline_query_max_ms / 1000}
    if store is not None:
        return QueryExecutor.for_store(store, **limits, **inline)
    if settings.store_url:
        return RemoteExecutor(RemoteStore.from_env(settings.store_url), owns_store=True,
                              **limits)
    return QueryExecutor(settings.data_dir, **limits, **inline)
