"""SPARQL queries on /sparql answered as plain ASGI, before FastAPI's router.

A query is the hot path of the service: FastAPI's routing and parameter solving cost more
per request (~0.3 ms here) than evaluating a lookup query. This layer reads the request
itself, runs the same protocol code as the FastAPI route (`sparql.parse_request`,
`sparql.answer_query`) and answers; everything else on /sparql (the service description,
the query page, updates) goes on to the FastAPI route, which also documents the endpoint
in OpenAPI. The outer layers (access log, CORS, body limit, response cache) still apply.
A query whose client disconnects is stopped (its worker killed) instead of running on to the
time limit. While only one connection is asking, known-cheap queries may be answered in this
process (execution/inline.py); as soon as several are, every query goes to the workers,
which answer in parallel.
"""

from __future__ import annotations

import asyncio
import time
from functools import lru_cache
from urllib.parse import parse_qsl

from starlette.requests import Request

from ..errors import ModelgraphError
from .errors import error_for, internal_error
from .sparql import QueryRequest, answer_query, endpoint_iri, parse_request

PATH = "/sparql"
WATCH_AFTER_S = 1.0  # how long a query runs before we listen for its client going away
TOGETHER_S = 0.05  # connections asking within this time of each other are concurrent use


class QueryRoute:
    def __init__(self, app, service) -> None:
        self.app = app
        self.service = service
        self.connections = RecentConnections(TOGETHER_S)

    async def __call__(self, scope, receive, send) -> None:
        if (
            scope["type"] != "http"
            or scope["path"] != PATH
            or scope["method"] not in ("GET", "POST")
        ):
            await self.app(scope, receive, send)
            return
        body = b""
        try:
            if scope["method"] == "POST":
                body = await _read_body(receive)
            params = _query_params(scope["query_string"])
            headers = _headers(scope)
            parsed = parse_request(scope["method"], params, headers.get("content-type"), body)
            if not isinstance(parsed, QueryRequest):  # service description, UI, update
                await self.app(scope, _replay(body, receive), send)
                return
            svc = self.service
            response = await _unless_client_leaves(receive, answer_query(
                parsed,
                svc.executor,
                accept=headers.get("accept"),
                format_param=next((v for k, v in params if k == "format"), None),
                allow_service_calls=svc.settings.allow_service_calls,
                base_iri=endpoint_iri(scope),
                inline=self.connections.alone(scope.get("client")),
            ))
            if response is None:
                return  # the client went away; its query was stopped
        except ModelgraphError as exc:
            response = error_for(Request(scope), exc)
        except Exception:  # noqa: BLE001 - a bug: the same JSON 500 as every other route
            response = internal_error(Request(scope))
        await response(scope, receive, send)


class RecentConnections:
    """Which connections (client address and port) asked within the last `window_s`."""

    def __init__(self, window_s: float, clock=time.monotonic) -> None:
        self.window_s = window_s
        self.clock = clock
        self._last_seen: dict = {}

    def alone(self, client) -> bool:
        """Note a request from `client`; True if no other connection asked recently."""
        now = self.clock()
        seen = self._last_seen
        seen[client] = now
        if len(seen) > 1:
            horizon = now - self.window_s
            for other in [c for c, t in seen.items() if t < horizon]:
                del seen[other]
        return len(seen) == 1


@lru_cache(maxsize=256)
def _query_params(raw: bytes) -> tuple[tuple[str, str], ...]:
    """The URL's parameters. Decoding a long query's %XX escapes costs ~50 µs; clients
    (dashboards, notebooks, benchmarks) send the same query strings again and again."""
    return tuple(parse_qsl(raw.decode("latin-1"), keep_blank_values=True))


async def _unless_client_leaves(receive, answering, patience_s: float = WATCH_AFTER_S):
    """The answer, or None if the client disconnects first: then the query's task is
    cancelled, which kills its worker (QueryExecutor.run_async), so nobody's abandoned query
    keeps a core busy until the time limit. Most queries finish before `patience_s`; only
    then is a second task set to listen for the disconnect."""
    task = asyncio.current_task()
    left = False
    listener: asyncio.Task | None = None

    async def watch() -> None:
        nonlocal left
        await _disconnected(receive)
        left = True
        task.cancel()

    def start_watching() -> None:
        nonlocal listener
        listener = asyncio.ensure_future(watch())

    # a timer rather than a second task from the start: most queries end long before it
    timer = asyncio.get_running_loop().call_later(patience_s, start_watching)
    try:
        return await answering
    except asyncio.CancelledError:
        if left:
            task.uncancel()  # our own cancellation, done with
            return None  # the client left; cancelling the query stopped its worker
        raise
    finally:
        timer.cancel()
        if listener is not None and not listener.done():
            listener.cancel()


async def _disconnected(receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


async def _read_body(receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    return b"".join(chunks)


def _headers(scope) -> dict[str, str]:
    """Header names lower-cased; a repeated header's values joined by commas (RFC 9110)."""
    headers: dict[str, str] = {}
    for raw_name, raw_value in scope["headers"]:
        name, value = raw_name.decode("latin-1").lower(), raw_value.decode("latin-1")
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return headers


def _replay(body: bytes, receive):
    """A `receive` that hands the already-read body on to the next application, then
    whatever the connection says next (a disconnect)."""
    sent = False

    async def replay():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
