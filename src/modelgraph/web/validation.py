"""Validation for curators: GET /validation (the live graph's SHACL report) and
POST /validate (check submitted RDF against the shapes without loading it).

Reports come as JSON (default), Turtle or JSON-LD (a standard sh:ValidationReport), text,
or an HTML page grouped by severity, source page and focus node. The live graph's report
is computed once per store generation.
"""

from __future__ import annotations

import threading

import pyoxigraph as ox
from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse
from starlette.concurrency import run_in_threadpool

from ..conflicts import find_conflicts
from ..errors import InputError
from ..execution import DatasetJob
from ..pipeline import conflict_issues
from ..store.embedded import EmbeddedStore
from ..validation import ValidationReport, validate_quads, validate_rdf
from .context import own_context_urls, service
from .errors import UnsupportedMediaType
from .negotiation import HTML_PAGE, Format, negotiate

router = APIRouter()

REPORT_JSON = Format("json", "application/json", frozenset({"report"}), None)
REPORT_TURTLE = Format("turtle", "text/turtle", frozenset({"report"}), None, names=("ttl",))
REPORT_JSONLD = Format("jsonld", "application/ld+json", frozenset({"report"}), None)
REPORT_TEXT = Format("text", "text/plain", frozenset({"report"}), None)
REPORT_FORMATS = [REPORT_JSON, REPORT_TURTLE, REPORT_JSONLD, REPORT_TEXT, HTML_PAGE]

# What POST /validate accepts, by media type (the `format` parameter overrides).
INPUT_TYPES = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/trig": "trig",
    "application/n-triples": "ntriples",
    "application/n-quads": "nquads",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdfxml",
}

_cache_lock = threading.Lock()
_cache: dict[str, ValidationReport] = {}


def live_report(executor) -> ValidationReport:
    """The live generation's report (conflicts included), computed once per generation."""
    output = executor.run(DatasetJob("N_QUADS"))
    with _cache_lock:
        cached = _cache.get(output.generation or "")
    if cached is not None:
        return cached
    quads = list(ox.parse(output.body, format=ox.RdfFormat.N_QUADS))
    conflicts = find_conflicts(EmbeddedStore.memory(quads))
    report = validate_quads(quads, extra_issues=conflict_issues(conflicts))
    with _cache_lock:
        _cache.clear()  # only the live generation is worth keeping
        _cache[output.generation or ""] = report
    return report


def render(request: Request, report: ValidationReport, fmt: str | None,
           status: int = 200) -> Response:
    choice = negotiate(request.headers.get("accept"), REPORT_FORMATS, fmt)
    if choice.format is HTML_PAGE:
        renderer = getattr(request.app.state, "validation_html", None)
        if renderer is not None:
            return renderer(request, report)
        choice = negotiate(None, [REPORT_TEXT], None)
    if choice.format is REPORT_TURTLE:
        return Response(report.to_turtle(), status_code=status, media_type=choice.content_type)
    if choice.format is REPORT_JSONLD:
        return Response(report.to_jsonld(), status_code=status,
                        media_type="application/ld+json")
    if choice.format is REPORT_TEXT:
        return PlainTextResponse(report.to_text(), status_code=status)
    return JSONResponse(report.to_json(), status_code=status)


@router.get("/validation", summary="SHACL validation report of the live graph",
            tags=["validation"])
async def validation(
    request: Request,
    format: str | None = Query(None, description="json, turtle, jsonld, text or html"),
) -> Response:
    report = await run_in_threadpool(live_report, service(request).executor)
    return render(request, report, format)


@router.post("/validate", summary="Check RDF against the shapes without loading it",
             tags=["validation"])
async def validate(
    request: Request,
    input_format: str | None = Query(
        None, alias="input-format",
        description="turtle, trig, ntriples, nquads, jsonld or rdfxml (else Content-Type)"),
    format: str | None = Query(None, description="report format: json, turtle, jsonld, text"),
) -> Response:
    fmt = input_format or _input_format(request.headers.get("content-type"))
    body = await request.body()
    if not body.strip():
        raise InputError("send the RDF to check as the request body", field="body")
    report = await run_in_threadpool(validate_rdf, body, fmt, source="request body",
                                     context_urls=own_context_urls(request))
    return render(request, report, format)


def _input_format(content_type: str | None) -> str:
    media = (content_type or "").split(";")[0].strip().lower()
    try:
        return INPUT_TYPES[media]
    except KeyError:
        raise UnsupportedMediaType(
            f"cannot validate {media or 'a body without Content-Type'}; send one of "
            f"{', '.join(INPUT_TYPES)} (or give ?input-format=)",
            field="Content-Type",
        ) from None
