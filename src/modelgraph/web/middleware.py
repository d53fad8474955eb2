"""Two small ASGI middlewares: a request body size limit and a structured access log."""

from __future__ import annotations

import logging
import time

from .errors import PayloadTooLarge, error_response

access_log = logging.getLogger("modelgraph.access")


class BodyLimit:
    """Refuse bodies over `limit` bytes with 413: at once if Content-Length says so,
    otherwise as soon as the streamed body passes the limit (chunked uploads)."""

    def __init__(self, app, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            response = error_response(413, self._error().to_dict(), {"Connection": "close"})
            await response(scope, receive, send)
            return
        seen = 0

        async def limited_receive():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise self._error()
            return message

        await self.app(scope, limited_receive, send)

    def _error(self) -> PayloadTooLarge:
        return PayloadTooLarge(
            f"the request body is larger than the limit of {self.limit:,} bytes",
            field="max_body_bytes",
        )


class AccessLog:
    """One log record per request: method, path, status, bytes sent, duration, client."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500
        sent = 0

        async def send_wrapper(message) -> None:
            nonlocal status, sent
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            if access_log.isEnabledFor(logging.INFO):
                client = scope.get("client")
                access_log.info(
                    "%s %s %s",
                    scope["method"],
                    scope["path"],
                    status,
                    extra={
                        "http": {
                            "method": scope["method"],
                            "path": scope["path"],
                            "query": scope.get("query_string", b"")[:1000].decode("latin-1"),
                            "status": status,
                            "bytes": sent,
                            "duration_ms": round((time.perf_counter() - start) * 1000, 3),
                            "client": client[0] if client else None,
                        }
                    },
                )
