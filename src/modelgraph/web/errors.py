"""Every error leaves the service as JSON: `{"error": kind, "message": text, ...}`; a
browser (a GET whose client prefers HTML, negotiated as the views negotiate) gets the same
as an HTML page, with the same status, except from the protocol endpoints (/sparql and
/rdf-graphs/), whose errors stay as the SPARQL protocols have them.

Errors modelgraph raises on purpose carry their HTTP status (`.status`) and where the
problem is (source, line, column, field). Framework errors (unknown route, wrong method,
bad parameters) get the same shape. Anything else is a bug: logged with its traceback,
answered 500 without internals.
"""

from __future__ import annotations

import json
import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import InputError, ModelgraphError

log = logging.getLogger("modelgraph.web")


class UnsupportedMediaType(InputError):
    status = 415


class PayloadTooLarge(InputError):
    status = 413


class Unauthorized(InputError):
    """No credentials were sent where they are needed (answered with a Bearer challenge)."""

    status = 401


class Forbidden(InputError):
    status = 403


class Conflict(ModelgraphError):
    status = 409


def error_response(status: int, body: dict, headers: dict | None = None) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers=headers)


# Paths whose errors follow a protocol of their own: JSON (or the protocol's) whatever Accept.
_PROTOCOL_PATHS = ("/sparql", "/rdf-graphs/")


def answer(request: Request, status: int, body: dict,
           headers: dict | None = None) -> Response:
    """The error as JSON, or as a page where a browser asks (see the module docstring)."""
    render = _page_renderer(request)
    if render is not None:
        try:
            return render(request, status, body, headers)
        except Exception:  # noqa: BLE001 - a broken page must not hide the error itself
            log.exception("cannot render the error page for %s", request.url.path)
    return error_response(status, body, headers)


def _page_renderer(request: Request):
    """The UI's error page renderer if this request should get a page, else None."""
    if request.method not in ("GET", "HEAD") or request.url.path.startswith(_PROTOCOL_PATHS):
        return None
    app = request.scope.get("app")
    render = getattr(getattr(app, "state", None), "error_html", None)
    if render is None:
        return None
    from .negotiation import negotiate
    from .views import VIEW_FORMATS  # here: views.py imports this module (through context)

    wanted = request.query_params.get("format")
    names = {fmt.name for fmt in VIEW_FORMATS}
    try:  # a format= the views know decides, as there; a bad one is the error, not a choice
        choice = negotiate(request.headers.get("accept"), VIEW_FORMATS,
                           wanted if wanted in names else None)
    except ModelgraphError:  # nothing acceptable: the error stays JSON
        return None
    return render if choice.format.name == "html" else None


def _headers_for(exc: ModelgraphError) -> dict | None:
    if exc.status == 503:
        return {"Retry-After": "5"}
    if exc.status == 401:  # RFC 6750 §3: say which scheme the credentials must use
        return {"WWW-Authenticate": 'Bearer realm="modelgraph"'}
    return None


async def modelgraph_error(request: Request, exc: ModelgraphError) -> Response:
    if exc.status >= 500:
        log.error("%s %s: %s", request.method, request.url.path, exc)
    return answer(request, exc.status, exc.to_dict(), _headers_for(exc))


def error_for(request: Request, exc: ModelgraphError) -> JSONResponse:
    """The JSON error answer for `exc` (a 5xx is logged)."""
    if exc.status >= 500:
        log.error("%s %s: %s", request.method, request.url.path, exc)
    body = exc.to_dict()  # a ValidationFailed's has the SHACL report
    return error_response(exc.status, body, _headers_for(exc))


async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
    names = {404: "NotFound", 405: "MethodNotAllowed"}
    body = {"error": names.get(exc.status_code, "HTTPError"), "message": str(exc.detail)}
    return answer(request, exc.status_code, body, getattr(exc, "headers", None))


async def validation_error(request: Request, exc: RequestValidationError) -> Response:
    first = exc.errors()[0] if exc.errors() else {}
    field = ".".join(str(p) for p in first.get("loc", ()) if p not in ("query", "body"))
    body = {"error": "InputError", "message": first.get("msg", "invalid request")}
    if field:
        body["field"] = field
    return answer(request, 400, body)


async def unexpected_error(request: Request, exc: Exception) -> Response:
    response = internal_error(request)
    return answer(request, response.status_code, json.loads(response.body))


def internal_error(request: Request) -> JSONResponse:
    """A bug: logged with its traceback (call from the `except`), answered without internals."""
    log.exception("unhandled error for %s %s", request.method, request.url.path)
    body = {"error": "InternalError", "message": "internal server error; it has been logged"}
    return error_response(500, body)


def install(app: FastAPI) -> None:
    app.add_exception_handler(ModelgraphError, modelgraph_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(Exception, unexpected_error)
