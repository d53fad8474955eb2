"""What the server asks a query worker to do, what comes back, and the errors on the way.

Jobs cross a process boundary (pickled), so they hold only plain values: IRIs as strings,
formats as the attribute names of `pyoxigraph.QueryResultsFormat` / `pyoxigraph.RdfFormat`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ..errors import (
    InputError,
    ModelgraphError,
    NotFound,
    QueryEvaluationError,
    QuerySyntaxError,
    StoreError,
)

RESULTS = "results"  # SELECT / ASK: a results format
GRAPH = "graph"  # CONSTRUCT / DESCRIBE, one graph: an RDF format
DATASET = "dataset"  # several graphs: an RDF format that supports datasets
VIEW = "view"  # a helper view's result (a Python value)


@dataclass(frozen=True, slots=True)
class QueryJob:
    """Evaluate a SPARQL query and serialise its result.

    Dataset: with `default_graphs`/`named_graphs` both None the default graph is the union
    of all named graphs, unless `use_query_dataset` (the query has FROM / FROM NAMED). When
    either is given (SPARQL Protocol `default-graph-uri` / `named-graph-uri`), the dataset is
    exactly what they name; the one left None is empty.
    """

    sparql: str
    results_format: str | None = None  # used for SELECT / ASK; None: not acceptable
    graph_format: str | None = None  # used for CONSTRUCT / DESCRIBE; None: not acceptable
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    use_query_dataset: bool = False
    base_iri: str | None = None
    calls_out: bool = False  # has SERVICE (allowed by the settings): its cost is not ours


@dataclass(frozen=True, slots=True)
class GraphJob:
    """Serialise one named graph (`graph`), the union default graph (`graph=None`)."""

    graph: str | None
    format: str


@dataclass(frozen=True, slots=True)
class DatasetJob:
    """Serialise every named graph (a dataset format: N-Quads, TriG)."""

    format: str


@dataclass(frozen=True, slots=True)
class InfoJob:
    """Describe the live generation: its name, named graphs with sizes, quad count."""


@dataclass(frozen=True, slots=True)
class UpdateJob:
    """Apply a SPARQL Update to a *copy* of the live graph; return the copy as N-Quads.
    An update that changes a `protected` graph (IRI, why it may not change) is refused."""

    sparql: str
    base_iri: str | None = None
    protected: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class ViewJob:
    """Run a helper view next to the store (view_jobs.py): every query of the view in the
    worker, one round trip, the whole view under the time limit.

    `function` names a view of modelgraph.views (`*_view`) or an export of
    modelgraph.exports; `kwargs` are its parameters after the view context."""

    function: str
    kwargs: dict
    stale_after_days: int
    today: dt.date


@dataclass(frozen=True, slots=True)
class Output:
    body: bytes
    kind: str  # RESULTS, GRAPH, DATASET, VIEW or "info"
    format: str | None  # the attribute name of the format used
    generation: str | None
    info: dict = field(default_factory=dict)
    value: Any = None  # a ViewJob's result


# -- errors ---------------------------------------------------------------------------------


class ForbiddenOperation(InputError):
    """The request asks for something this endpoint refuses (SERVICE, LOAD, an update)."""


class ResultTooLarge(InputError):
    """The serialised answer would exceed the response size limit."""


class NotAcceptable(InputError):
    """No representation of the answer matches what the client accepts."""

    status = 406

    def __init__(self, message: str, acceptable: list[str] | None = None, **kw) -> None:
        super().__init__(message, **kw)
        self.acceptable = acceptable or []

    def to_dict(self) -> dict:
        return {**super().to_dict(), "acceptable": self.acceptable}


class QueryTimeout(ModelgraphError):
    """The query ran out of time and its worker was stopped."""

    status = 503


class WorkersBusy(ModelgraphError):
    """Every query worker stayed busy for as long as a query may run."""

    status = 503


class WorkerFailed(ModelgraphError):
    """A query worker died or misbehaved (a bug or an out-of-memory kill)."""

    status = 500


# Errors a worker may report, by name (exceptions with keyword-only fields do not pickle).
WORKER_ERRORS: dict[str, type[ModelgraphError]] = {
    cls.__name__: cls
    for cls in (
        QuerySyntaxError,
        StoreError,
        NotFound,
        ForbiddenOperation,
        QueryEvaluationError,
        ResultTooLarge,
        NotAcceptable,
        InputError,
        WorkerFailed,
    )
}


def error_from_worker(name: str, data: dict) -> ModelgraphError:
    cls = WORKER_ERRORS.get(name, WorkerFailed)
    kwargs = {k: data[k] for k in ("source", "line", "column", "field") if k in data}
    if cls is NotAcceptable:
        return NotAcceptable(data.get("message", ""), data.get("acceptable"), **kwargs)
    return cls(data.get("message", name), **kwargs)
