"""The HTTP service: `create_app(settings, store=None)` builds the FastAPI application.

Routes: /sparql (SPARQL 1.1 Protocol: query, update, service description),
/rdf-graphs/service (Graph Store Protocol), /health, and the OpenAPI docs at /docs.
Queries never run in this process: they go to the executor's worker processes (see
modelgraph.execution for why). Queries on /sparql are answered by a plain ASGI layer before
FastAPI routes anything (query_route.py); the FastAPI route serves the rest of /sparql.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import APIRouter, FastAPI, Query, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from ..errors import ModelgraphError
from ..execution import GRAPH, InfoJob, QueryExecutor
from ..execution.remote import RemoteExecutor, executor_for
from ..execution.update_dataset import with_protocol_dataset
from ..materialized import MaterializedViews
from ..settings import Settings
from ..store.base import Store
from . import admin, errors, gsp, ui, validation, views
from .cache import ResponseCache, generation_reader
from .context import QueryUI, Service, service
from .materialized_route import MaterializedRoute
from .middleware import AccessLog, BodyLimit
from .negotiation import HTML_PAGE, negotiate, offers
from .query_route import QueryRoute
from .service_description import describe, serialize
from .sparql import UpdateRequest, answer_query, endpoint_iri, parse_request
from .writes import apply_update

router = APIRouter()

_QUERY_DOC = (
    "SPARQL 1.1 Protocol. Query with GET ?query=, POST application/x-www-form-urlencoded "
    "(query=...) or POST application/sparql-query. Without default-graph-uri / "
    "named-graph-uri the default graph is the union of all named graphs (one per source, "
    "the ontology graph and the derived graph) and GRAPH ?g reaches each. Without a query: the service description. "
    "SPARQL Update (POST update=... or application/sparql-update) needs the admin token; "
    "its WHERE clauses match the same union default graph unless the update names a dataset "
    "(USING, WITH, using-graph-uri / using-named-graph-uri). Relative IRIs resolve against "
    "the endpoint's URL."
)


async def sparql_endpoint(
    request: Request,
    query: Annotated[str | None, Query(description="The SPARQL query (GET).")] = None,
    default_graph_uri: Annotated[
        list[str] | None,
        Query(alias="default-graph-uri", description="Graphs whose merge is the default graph."),
    ] = None,
    named_graph_uri: Annotated[
        list[str] | None,
        Query(alias="named-graph-uri", description="Graphs available to GRAPH."),
    ] = None,
    format: Annotated[
        str | None,
        Query(
            description="Answer format, overriding Accept: json, xml, csv, tsv (results); "
            "turtle, ntriples, jsonld, rdfxml, trig, nquads (graphs)."
        ),
    ] = None,
) -> Response:
    svc = service(request)
    body = await request.body() if request.method == "POST" else b""
    parsed = parse_request(
        request.method,
        request.query_params.multi_items(),
        request.headers.get("content-type"),
        body,
    )
    if parsed is None:
        return await _describe_service(request)
    if isinstance(parsed, UpdateRequest):
        svc.require_admin(request)
        update = with_protocol_dataset(parsed.update, parsed.using_graph_uris,
                                       parsed.using_named_graph_uris)
        return JSONResponse(await apply_update(svc, update,
                                               base_iri=endpoint_iri(request.scope)))
    return await answer_query(
        parsed,
        svc.executor,
        accept=request.headers.get("accept"),
        format_param=format,
        allow_service_calls=svc.settings.allow_service_calls,
        base_iri=endpoint_iri(request.scope),
    )


for _method in ("GET", "POST"):
    router.add_api_route(
        "/sparql",
        sparql_endpoint,
        methods=[_method],
        operation_id=f"sparql_{_method.lower()}",
        summary=f"SPARQL endpoint ({_method})",
        description=_QUERY_DOC,
    )


async def _describe_service(request: Request) -> Response:
    svc = service(request)
    available = offers(GRAPH) + ([HTML_PAGE] if svc.query_ui else [])
    choice = negotiate(request.headers.get("accept"), available, request.query_params.get("format"))
    if choice.format is HTML_PAGE:
        return svc.query_ui(request)
    info = await run_in_threadpool(svc.executor.run, InfoJob())
    triples = describe(
        str(request.url.replace(query="", fragment="")),
        info.info["named_graphs"],
        updates_enabled=svc.writes_enabled,
        service_calls_enabled=svc.settings.allow_service_calls,
    )
    return Response(
        serialize(triples, choice.format.oxigraph),
        media_type=choice.content_type,
        headers={"Vary": "Accept"},
    )


_NOT_STORED = {"Cache-Control": "no-store"}


@router.get("/health", summary="Is the store reachable? Which generation, how big?")
async def health(request: Request) -> Response:
    svc = service(request)
    limit = min(5.0, svc.settings.query_timeout_s)
    try:
        output = await run_in_threadpool(svc.executor.run, InfoJob(), timeout_s=limit)
    except ModelgraphError as exc:
        return JSONResponse({"status": "unavailable", **exc.to_dict()}, status_code=503,
                            headers=_NOT_STORED)
    info = output.info
    return JSONResponse(
        {
            "status": "ok",
            "generation": info["generation"],
            "graphs": len(info["named_graphs"]),
            "triples": info["quads"],
            "query_workers": svc.executor.workers,
            "queries_stopped_by_time_limit": svc.executor.timeouts,
            # workers replaced by fresh ones after a long job (execution.pool.RETIRE_AFTER_S)
            "query_workers_renewed": getattr(svc.executor, "retired", 0),
            # queries answered in the server, measured cheap before (execution/inline.py)
            "queries_answered_inline": getattr(svc.executor, "inline_runs", 0),
            "queries_answered_by_workers": getattr(svc.executor, "worker_runs", 0),
            "materialized_views": (svc.materialized.status() if svc.materialized is not None
                                   else {"state": "off"}),
        },
        headers=_NOT_STORED,  # it changes within a generation (time limits, materialising)
    )


def create_app(settings: Settings | None = None, store: Store | None = None) -> FastAPI:
    """The service over `store`, else over `settings.store_url`, else over the on-disk
    store in `settings.data_dir`.

    The app owns a QueryExecutor (worker processes), or a RemoteExecutor when the store is
    a triplestore server (execution/remote.py): it starts with the app's lifespan (or at
    the first query) and stops with it.
    """
    settings = settings or Settings()
    executor = executor_for(settings, store)

    materialized = (MaterializedViews(executor.data_dir, settings.stale_after_days,
                                      settings.log_format)
                    if settings.materialize_views and isinstance(executor, QueryExecutor)
                    else None)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        await run_in_threadpool(executor.start)
        if materialized is not None:
            materialized.start()
        try:
            yield
        finally:
            if materialized is not None:
                materialized.close()
            await run_in_threadpool(executor.close)

    app = FastAPI(
        title="modelgraph",
        summary="An open knowledge graph of facts about AI models, served over SPARQL.",
        lifespan=lifespan,
    )
    app.state.service = Service(settings, executor, materialized=materialized)
    errors.install(app)
    app.include_router(router)
    app.include_router(gsp.router)
    app.include_router(views.router)
    ui.install_ui(app)
    app.include_router(validation.router)
    app.include_router(admin.router)
    app.add_middleware(QueryRoute, service=app.state.service)  # innermost: queries skip routing
    app.add_middleware(MaterializedRoute, service=app.state.service)  # so do stored views
    if settings.response_cache_bytes:  # CORS and logs apply to cached answers too
        app.add_middleware(ResponseCache, generation=generation_reader(executor.data_dir),
                           max_bytes=settings.response_cache_bytes)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "HEAD", "POST", "OPTIONS"],
            allow_headers=["Accept", "Content-Type", "Authorization"],
            expose_headers=["X-Modelgraph-Generation"],
        )
    app.add_middleware(AccessLog)
    return app


def set_query_ui(app: FastAPI, handler: QueryUI) -> None:
    """Serve `handler(request)` to browsers (Accept: text/html) at GET /sparql."""
    app.state.service.query_ui = handler


def executor_of(app: FastAPI) -> QueryExecutor | RemoteExecutor:
    return app.state.service.executor
