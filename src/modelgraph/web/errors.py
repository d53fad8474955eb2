"""Every error leaves the service as JSON: `{"error": kind, "message": text, ...}`.

Errors modelgraph raises on purpose carry their HTTP status (`.status`) and where the
problem is (source, line, column, field). Framework errors (unknown route, wrong method,
bad parameters) get the same shape. Anything else is a bug: logged with its traceback,
answered 500 without internals.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
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


def _headers_for(exc: ModelgraphError) -> dict | None:
    if exc.status == 503:
        return {"Retry-After": "5"}
    if exc.status == 401:  # RFC 6750 §3: say which scheme the credentials must use
        return {"WWW-Authenticate": 'Bearer realm="modelgraph"'}
    return None


async def modelgraph_error(request: Request, exc: ModelgraphError) -> JSONResponse:
    return error_for(request, exc)


def error_for(request: Request, exc: ModelgraphError) -> JSONResponse:
    """The JSON error answer for `exc` (a 5xx is logged)."""
    if exc.status >= 500:
        log.error("%s %s: %s", request.method, request.url.path, exc)
    body = exc.to_dict()  # a ValidationFailed's has the SHACL report
    return error_response(exc.status, body, _headers_for(exc))


async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    names = {404: "NotFound", 405: "MethodNotAllowed"}
    body = {"error": names.get(exc.status_code, "HTTPError"), "message": str(exc.detail)}
    return error_response(exc.status_code, body, getattr(exc, "headers", None))


async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    first = exc.errors()[0] if exc.errors() else {}
    field = ".".join(str(p) for p in first.get("loc", ()) if p not in ("query", "body"))
    body = {"error": "InputError", "message": first.get("msg", "invalid request")}
    if field:
        body["field"] = field
    return error_response(400, body)


async def unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    return internal_error(request)


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
