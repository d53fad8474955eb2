"""Helper views evaluated inside a query worker (a `ViewJob`).

A view runs several queries, each cheap next to the cost of a trip to a worker; run in the
worker, the view pays one trip in all, its queries read the store directly (no result
serialisation and re-parsing), and the time limit covers the whole view: a view whose
queries turn out expensive is stopped like any runaway query.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from .. import exports, views
from ..errors import InputError
from ..store.embedded import EmbeddedStore
from .jobs import ViewJob

# What a ViewJob may name: the views, and the exports that read the store the same way.
_EXPORTS = {"model_document": exports.model_document}  # (store, model IRI, context URL)

# One cache per worker process for what views read once per store generation.
_SHARED = views.GenerationCache()


def view_function(name: str):
    function = _EXPORTS.get(name)
    if function is None and name.endswith("_view"):
        function = getattr(views, name, None)
    if function is None or not callable(function):
        raise InputError(f"no helper view named {name!r}", field="view")
    return function


def run_view(live, store: ox.Store, job: ViewJob) -> Any:
    """The view's result (a ViewResult, or the export's document) over the live store."""
    ctx = views.ViewContext(
        EmbeddedStore(store, None, live.generation),
        stale_after_days=job.stale_after_days,
        today=job.today,
        generation=live.generation,
        shared=_SHARED,
    )
    function = view_function(job.function)
    if job.function in _EXPORTS:  # exports take the store itself
        return function(ctx.store, **job.kwargs)
    return function(ctx, **job.kwargs)
