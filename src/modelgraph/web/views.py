"""Helper views over HTTP: /models, /models/{id}[/lineage|/migration|/offers|/timeline],
/benchmarks, /rankings, /conflicts, /sources, /context.jsonld, /export.

Each view is a function of modelgraph.views. On the embedded store the whole view runs
inside a query worker (a `ViewJob`: one round trip, its queries read the store directly, the
time limit covers the view); on a remote store it runs in a thread here and its queries go to
the server through `ExecutorStore`. Every view answers JSON, JSON-LD or HTML (Accept, or
`?format=json|jsonld|html`); the JSON shows the SPARQL it ran.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from urllib.parse import quote, urlencode

import pyoxigraph as ox
from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from .. import views
from ..errors import InputError, NotFound
from ..execution import DATASET, DatasetJob, GraphJob, QueryExecutor, QueryJob
from ..execution.jobs import ViewJob
from ..exports import context, view_jsonld
from ..identity import slugify
from ..materialized import candidate_reasons, json_bytes, json_value
from .cache import generation_reader
from .context import service
from .negotiation import HTML_PAGE, Format, negotiate, offers

router = APIRouter()

VIEW_JSON = Format("json", "application/json", frozenset({"view"}), None)
VIEW_JSONLD = Format("jsonld", "application/ld+json", frozenset({"view"}), None)
VIEW_FORMATS = [VIEW_JSON, VIEW_JSONLD, HTML_PAGE]

# Set by the UI module: renders a ViewResult as an HTML page.
HtmlRenderer = Callable[[Request, views.ViewResult], Response]


class ExecutorStore:
    """The read-only `query()` of a Store, answered by the query workers.

    SELECT/ASK come back as SPARQL TSV (terms in N-Triples syntax, so nothing is lost; half
    the parsing time of SPARQL JSON) and CONSTRUCT as N-Triples, parsed by pyoxigraph into
    the same result objects an embedded store returns, so views run unchanged.
    `generation` is the store generation the calling thread's last answer came from.
    """

    def __init__(self, executor) -> None:
        self.executor = executor
        self._last = threading.local()  # queries of one view may run in several threads
        # views start their independent queries together: each goes to a free worker
        self.concurrent = _query_threads()

    @property
    def generation(self) -> str | None:
        return getattr(self._last, "generation", None)

    def query(self, sparql: str, **options):
        if any(value is not None for value in options.values()):
            # the workers take query text only: a silently dropped binding once made a
            # one-model question scan the whole graph (see conflicts.find_conflicts)
            raise TypeError(f"ExecutorStore.query takes query text only, not {sorted(options)}")
        output = self.executor.run(
            QueryJob(sparql, results_format="TSV", graph_format="N_TRIPLES")
        )
        self._last.generation = output.generation
        if output.format == "TSV":
            return ox.parse_query_results(output.body, format=ox.QueryResultsFormat.TSV)
        return list(ox.parse(output.body, format=ox.RdfFormat.N_TRIPLES))


@cache
def _query_threads() -> ThreadPoolExecutor:
    """Threads that wait on the query workers for views (a view's own thread waits too)."""
    return ThreadPoolExecutor(max_workers=8, thread_name_prefix="view-query")


def _context(request: Request) -> views.ViewContext:
    svc = service(request)
    state = request.app.state
    if getattr(state, "view_generation", None) is None:
        # what views reuse between requests (the source table), per store generation
        state.view_generation = generation_reader(getattr(svc.executor, "data_dir", None))
        state.view_shared = views.GenerationCache()
    return views.ViewContext(
        ExecutorStore(svc.executor),
        stale_after_days=svc.settings.stale_after_days,
        today=dt.date.today(),
        generation=state.view_generation(),
        shared=state.view_shared,
    )


@dataclass(frozen=True)
class ViewCall:
    """A view of modelgraph.views by name with its parameters: sent to a worker as it is."""

    function: str
    kwargs: dict = field(default_factory=dict)

    def __call__(self, ctx: views.ViewContext) -> views.ViewResult:
        return getattr(views, self.function)(ctx, **self.kwargs)


def view(function: str, **kwargs) -> ViewCall:
    return ViewCall(function, kwargs)


async def _run_view(request: Request, call: ViewCall):
    svc = service(request)
    if isinstance(svc.executor, QueryExecutor):  # next to the store, in a worker
        job = ViewJob(call.function, call.kwargs, svc.settings.stale_after_days, dt.date.today())
        return (await svc.executor.run_async(job)).value
    return await run_in_threadpool(call, _context(request))


def materialized_answer(svc, call: ViewCall) -> bytes | views.ViewResult | None:
    """The view's answer from the live generation's materialised documents (JSON bytes,
    or a ViewResult made from them), else None: compute it."""
    documents = svc.materialized
    if documents is None:
        return None
    kwargs = call.kwargs
    if call.function == "migration_view" and kwargs.get("to") is not None:
        mine, theirs, candidates = documents.documents(
            ("migration_profile", kwargs["model_id"]), ("migration_profile", kwargs["to"]),
            ("migration_candidates", kwargs["model_id"]))  # of one generation
        if not (mine and theirs and candidates):
            return None
        # no query runs: the stated reasons come cited, and "requested" cites no source, so
        # no source table is needed
        ctx = views.ViewContext(None, stale_after_days=svc.settings.stale_after_days)
        stated = candidate_reasons(candidates, views.model_iri(kwargs["to"]).value)
        return views.migration_between(ctx, kwargs["model_id"], kwargs["to"],
                                       json_value(mine), json_value(theirs), stated)
    if set(kwargs) != {"model_id"}:
        return None
    return documents.document(call.function, kwargs["model_id"])


_ID = re.compile(r"[a-z0-9-]+")  # an id as `slugify` spells it (docs/identity.md, rule 1)


def _respelled(request: Request, build: ViewCall) -> Response | None:
    """A permanent redirect to the same view with its model ids spelled as the graph spells
    them, for a path or `to` that writes one otherwise (and named no model as written);
    None when they already are."""
    model_id, to = build.kwargs.get("model_id"), build.kwargs.get("to")
    ids = [i for i in (model_id, to) if i is not None]
    if all(_ID.fullmatch(i) for i in ids) or not all(slugify(i) for i in ids):
        return None
    segments = request.scope["path"].split("/")
    if model_id is not None and len(segments) > 2 and segments[2] == model_id:
        segments[2] = slugify(model_id)
    params = [(k, slugify(v) if k == "to" and v == to else v)
              for k, v in request.query_params.multi_items()]
    url = quote("/".join(segments)) + (f"?{urlencode(params)}" if params else "")
    return RedirectResponse(url, status_code=308)


async def _answer(request: Request, fmt: str | None, build: ViewCall, jsonld=None) -> Response:
    """Negotiate first (a 406 costs no query), then run the view (or read it, materialised);
    a model not found as written is looked for as the graph spells ids."""
    try:
        return await _view_answer(request, fmt, build, jsonld)
    except (NotFound, InputError):  # no such model, or no id as written ("GPT-4o mini")
        respelled = _respelled(request, build)
        if respelled is None:
            raise
        return respelled


async def _view_answer(request: Request, fmt: str | None, build: ViewCall,
                       jsonld=None) -> Response:
    choice = negotiate(request.headers.get("accept"), VIEW_FORMATS, fmt)
    if choice.format is VIEW_JSONLD and jsonld is not None:
        document = await _run_view(request, jsonld)
        return ViewJSON(document, media_type="application/ld+json")
    stored = materialized_answer(service(request), build)
    if isinstance(stored, bytes):
        if choice.format is VIEW_JSON:
            return Response(stored, media_type="application/json", headers=MATERIALIZED)
        stored = views.ViewResult(**json_value(stored))
    result = stored if stored is not None else await _run_view(request, build)
    if choice.format is HTML_PAGE:
        renderer = getattr(request.app.state, "view_html", None) or _plain_html
        return renderer(request, result)
    payload = result.to_dict()
    headers = MATERIALIZED if stored is not None else _COMPUTED
    if choice.format is VIEW_JSONLD:
        return ViewJSON(view_jsonld(payload), media_type="application/ld+json", headers=headers)
    return ViewJSON(payload, headers=headers)


class ViewJSON(JSONResponse):
    """A view's JSON, written as its materialised documents are (`json_bytes`: orjson,
    ~15x faster than the json module on a listing of hundreds of models)."""

    def render(self, content) -> bytes:
        return json_bytes(content)


# Whether the answer was read from materialised documents or computed for this request.
MATERIALIZED = {"X-Modelgraph-View": "materialized"}
_COMPUTED = {"X-Modelgraph-View": "computed"}


def _plain_html(request: Request, result: views.ViewResult) -> Response:
    """A minimal page when no UI module is installed: the JSON, readable."""
    from html import escape

    body = escape(json.dumps(result.to_dict(), indent=2, default=str))
    page = f"<!doctype html><title>{escape(result.title)}</title><pre>{body}</pre>"
    return Response(page, media_type="text/html; charset=utf-8")


FORMAT = Query(None, description="json, jsonld or html (overrides Accept)")


@router.get("/models", summary="Search and filter models", tags=["views"])
async def models(
    request: Request,
    q: str | None = Query(None, description="text in the model's name, id or an API id a "
                                       "source gives it (any separators: gpt-4.1-nano)"),
    vendor: str | None = Query(None, description="vendor id, e.g. openai"),
    family: str | None = Query(None, description="family id"),
    modality: str | None = Query(None, description="input modality id, e.g. image, pdf"),
    capability: str | None = Query(None, description="capability id, e.g. function-calling"),
    min_context: str | None = Query(None, description="minimum context window (tokens)"),
    max_input_price: str | None = Query(None, description="USD per 1M input tokens, at most"),
    max_output_price: str | None = Query(None, description="USD per 1M output tokens, at most"),
    released_after: str | None = Query(None, description="YYYY-MM-DD"),
    released_before: str | None = Query(None, description="YYYY-MM-DD"),
    sort: str = Query("name", description="name, released, context, input_price, "
                                           "output_price; prefix - for descending"),
    limit: int = Query(50, ge=1, le=1000),
    offset: int = Query(0, ge=0),
    format: str | None = FORMAT,
) -> Response:
    filters = {
        "q": q, "vendor": vendor, "family": family, "modality": modality,
        "capability": capability, "min_context": min_context,
        "max_input_price": max_input_price, "max_output_price": max_output_price,
        "released_after": released_after, "released_before": released_before,
    }
    return await _answer(request, format, view(
        "models_view", filters=filters, sort=sort, limit=limit, offset=offset))


@router.get("/models/{model_id}", summary="Everything known about a model, with sources",
            tags=["views"])
async def model(request: Request, model_id: str, format: str | None = FORMAT) -> Response:
    document = view("model_jsonld_view", model_id=model_id,
                    context_url=str(request.url_for("jsonld_context")))
    return await _answer(request, format, view("model_view", model_id=model_id),
                         jsonld=document)


@router.get("/models/{model_id}/lineage", summary="Family, predecessors, successors, "
            "snapshots and variants as a tree", tags=["views"])
async def lineage(request: Request, model_id: str, format: str | None = FORMAT) -> Response:
    return await _answer(request, format, view("lineage_view", model_id=model_id))


@router.get("/models/{model_id}/migration", summary="Replacement candidates with deltas "
            "and the sources of each number", tags=["views"])
async def migration(
    request: Request,
    model_id: str,
    to: str | None = Query(None, description="compare with this model only (its reasons: "
                            "\"requested\", then any the candidate search gives it)"),
    limit: int = Query(10, ge=1, le=100),
    format: str | None = FORMAT,
) -> Response:
    return await _answer(request, format,
                         view("migration_view", model_id=model_id, to=to, limit=limit))


@router.get("/models/{model_id}/offers", summary="The price ladder across hosts",
            tags=["views"])
async def model_offers(request: Request, model_id: str, format: str | None = FORMAT) -> Response:
    return await _answer(request, format, view("offers_view", model_id=model_id))


@router.get("/models/{model_id}/timeline", summary="Release, snapshots, lifecycle events",
            tags=["views"])
async def timeline(request: Request, model_id: str, format: str | None = FORMAT) -> Response:
    return await _answer(request, format, view("timeline_view", model_id=model_id))


@router.get("/benchmarks", summary="Benchmarks and how many models have results",
            tags=["views"])
async def benchmarks(request: Request, format: str | None = FORMAT) -> Response:
    return await _answer(request, format, view("benchmarks_view"))


@router.get("/benchmarks/{benchmark_id}", summary="Results on one benchmark, by model",
            tags=["views"])
async def benchmark(request: Request, benchmark_id: str, format: str | None = FORMAT) -> Response:
    return await _answer(request, format, view("benchmark_view", benchmark_id=benchmark_id))


@router.get("/rankings", summary="Quality per dollar: score / cheapest output price",
            tags=["views"])
async def rankings(
    request: Request,
    benchmark: str | None = Query(None, description="benchmark id, e.g. mmlu"),
    format: str | None = FORMAT,
) -> Response:
    return await _answer(request, format, view("rankings_view", benchmark_id=benchmark))


@router.get("/conflicts", summary="Facts on which sources disagree (paged)", tags=["views"])
async def conflicts(
    request: Request,
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0),
    format: str | None = FORMAT,
) -> Response:
    return await _answer(request, format, view("conflicts_view", limit=limit, offset=offset))


@router.get("/sources", summary="Source pages with their stated dates and age",
            tags=["views"])
async def sources(request: Request, format: str | None = FORMAT) -> Response:
    return await _answer(request, format, view("sources_view"))


# `:path` as the admin writes to /sources/{id} have it: /sources/a/b is no source (404),
# not a GET of a write-only URL (405)
@router.get("/sources/{source_id:path}", summary="One source: metadata and its triples",
            tags=["views"])
async def source(
    request: Request,
    source_id: str,
    limit: int = Query(500, ge=1, le=10_000),
    offset: int = Query(0, ge=0),
    format: str | None = FORMAT,
) -> Response:
    return await _answer(request, format,
                         view("source_view", sid=source_id, limit=limit, offset=offset))


@router.get("/context.jsonld", name="jsonld_context", summary="The JSON-LD @context",
            tags=["json-ld"])
async def jsonld_context() -> Response:
    return JSONResponse(context(), media_type="application/ld+json",
                        headers={"Cache-Control": "public, max-age=86400"})


EXPORT_FORMATS = {f.name: f for f in offers(DATASET)}


@router.get("/export", summary="The whole dataset (TriG, N-Quads, JSON-LD) or one graph",
            tags=["json-ld"])
async def export(
    request: Request,
    format: str | None = Query(None, description="trig, nquads or jsonld"),
    graph: str | None = Query(None, description="only this named graph (IRI)"),
) -> Response:
    choice = negotiate(request.headers.get("accept"), list(EXPORT_FORMATS.values()), format)
    executor = service(request).executor
    job = GraphJob(graph, choice.format.oxigraph) if graph else DatasetJob(
        choice.format.oxigraph)
    output = await run_in_threadpool(executor.run, job)
    extension = {"trig": "trig", "nquads": "nq", "jsonld": "jsonld"}[choice.format.name]
    return Response(output.body, media_type=choice.content_type, headers={
        "Content-Disposition": f'attachment; filename="modelgraph.{extension}"'})
