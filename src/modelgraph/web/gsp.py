"""SPARQL 1.1 Graph Store HTTP Protocol at /rdf-graphs/service (indirect graph identification).

GET/HEAD `?graph=<iri>` one source graph, `?default` the default graph (the union of all
named graphs), neither: the whole dataset (TriG / N-Quads). Formats are negotiated.
PUT/POST/DELETE `?graph=<iri>` need the admin token and go through validation (writes.py);
the ontology and the derived graph cannot be written.
"""

from __future__ import annotations

import pyoxigraph as ox
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from ..errors import InputError, NotFound, RdfSyntaxError
from ..execution import DATASET, GRAPH, DatasetJob, ForbiddenOperation, GraphJob, InfoJob
from ..exports import with_own_context
from .context import own_context_urls, service
from .errors import UnsupportedMediaType
from .negotiation import negotiate, offers
from .writes import PROTECTED_GRAPHS, apply_update, graph_update

router = APIRouter(tags=["Graph Store Protocol"])
PATH = "/rdf-graphs/service"


def _target(request: Request) -> tuple[bool, str | None]:
    """(is_default, graph IRI); neither -> (False, None) means the whole dataset."""
    params = request.query_params
    graphs = params.getlist("graph")
    if len(graphs) > 1:
        raise InputError("name one graph per request (several `graph` parameters)", field="graph")
    if graphs and "default" in params:
        raise InputError("use either `graph=<iri>` or `default`, not both", field="graph")
    if graphs:
        try:
            return False, ox.NamedNode(graphs[0].strip()).value
        except ValueError as exc:
            raise InputError(
                f"graph {graphs[0]!r} is not an absolute IRI: {exc}", field="graph"
            ) from None
    return "default" in params, None


async def read_graph(request: Request) -> Response:
    svc = service(request)
    is_default, graph = _target(request)
    accept = request.headers.get("accept")
    format_param = request.query_params.get("format")
    if graph is None and not is_default:
        choice = negotiate(accept, offers(DATASET), format_param)
        job = DatasetJob(choice.format.oxigraph)
    else:
        choice = negotiate(accept, offers(GRAPH), format_param)
        job = GraphJob(graph, choice.format.oxigraph)
    output = await run_in_threadpool(svc.executor.run, job)
    headers = {"Vary": "Accept"}
    if output.generation:
        headers["X-Modelgraph-Generation"] = output.generation
    if request.method == "HEAD":
        headers["Content-Length"] = str(len(output.body))
        return Response(None, media_type=choice.content_type, headers=headers)
    return Response(output.body, media_type=choice.content_type, headers=headers)


async def write_graph(request: Request) -> Response:
    svc = service(request)
    svc.require_admin(request)
    _, graph = _target(request)
    if graph is None:
        raise InputError(
            "writes name a graph with `graph=<iri>`; the default graph is the union of "
            "the named graphs and cannot be written itself",
            field="graph",
        )
    if graph in PROTECTED_GRAPHS:
        raise ForbiddenOperation(
            f"graph <{graph}> cannot be written: it {PROTECTED_GRAPHS[graph]}", field="graph")
    info = await run_in_threadpool(svc.executor.run, InfoJob())
    existed = graph in info.info["named_graphs"]
    if request.method == "DELETE":
        if not existed:
            raise NotFound(f"no graph named <{graph}> in this store", field="graph")
        update = f"DROP GRAPH <{graph}>"
    else:
        triples = _read_triples(request, await request.body())
        update = graph_update(graph, triples, replace=request.method == "PUT")
    summary = await apply_update(svc, update)
    if not existed and request.method != "DELETE":  # GSP §5.3, §5.5: a new graph is 201
        return JSONResponse(summary, status_code=201, headers={"Location": str(request.url)})
    return _json(summary)


for _method in ("GET", "HEAD"):
    router.add_api_route(
        PATH,
        read_graph,
        methods=[_method],
        operation_id=f"graph_store_{_method.lower()}",
        summary=f"Read a graph ({_method})",
    )
for _method in ("PUT", "POST", "DELETE"):
    router.add_api_route(
        PATH,
        write_graph,
        methods=[_method],
        operation_id=f"graph_store_{_method.lower()}",
        summary=f"Write a graph ({_method}, admin token)",
    )


def _read_triples(request: Request, body: bytes) -> list[ox.Triple]:
    content_type = request.headers.get("content-type", "")
    fmt = ox.RdfFormat.from_media_type(content_type) if content_type else None
    if fmt is None:
        raise UnsupportedMediaType(
            f"cannot read RDF of type {content_type or '(none)'!r}; send Turtle, N-Triples, "
            "RDF/XML, JSON-LD, TriG or N-Quads",
            field="Content-Type",
        )
    if fmt == ox.RdfFormat.JSON_LD:
        body = with_own_context(body, own_context_urls(request))
    try:
        quads = list(ox.parse(body, format=fmt))
    except SyntaxError as exc:
        raise RdfSyntaxError(
            f"the body does not parse as {fmt.name}: {exc}", source="body"
        ) from None
    if any(not isinstance(q.graph_name, ox.DefaultGraph) for q in quads):
        raise InputError("a graph write carries triples only, not named graphs", source="body")
    return [q.triple for q in quads]


def _json(data: dict) -> Response:
    return JSONResponse(data)
