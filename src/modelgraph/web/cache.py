"""Answer repeated read requests from memory while the graph has not changed.

The embedded store never changes in place: every build, ingest or write makes a new
generation and switches the CURRENT pointer. So a GET answer is valid exactly as long as
the generation it was computed from is live, and the generation name makes a strong ETag.
`ResponseCache` is a plain ASGI layer in front of the application: a hit costs a `stat` of
CURRENT and a dictionary lookup, and skips routing, parameter parsing and the query
workers. (The Wikidata Query Service caches results for minutes; here nothing stale is
ever served, because the key includes the generation.)

Not cached: anything but GET/HEAD, requests with credentials, answers other than 200,
answers larger than `max_entry_bytes`, and requests with `Cache-Control: no-cache` (those
are computed afresh and replace the cached answer — how a benchmark measures cold runs).
Remote stores have no generation, so nothing is cached for them.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

from ..store.embedded import CURRENT

Generation = Callable[[], str | None]


def generation_reader(data_dir: Path | None) -> Generation:
    """The live generation's name, re-read only when CURRENT's mtime/inode changes."""
    if data_dir is None:
        return lambda: None
    pointer = Path(data_dir) / CURRENT
    state: dict = {"stat": None, "name": None}

    def read() -> str | None:
        try:
            stat = os.stat(pointer)
        except FileNotFoundError:
            return None
        key = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        if key != state["stat"]:
            state["name"] = pointer.read_text().strip() or None
            state["stat"] = key
        return state["name"]

    return read


class ResponseCache:
    def __init__(self, app, generation: Generation, *, max_bytes: int = 64 * 2**20,
                 max_entry_bytes: int = 2**20, max_age_s: float = 3600.0) -> None:
        self.app = app
        self.max_age_s = max_age_s  # views state ages in days: recompute at least hourly
        self.generation = generation
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_entry_bytes
        self.entries: OrderedDict[tuple, tuple[int, list, bytes, float]] = OrderedDict()
        self.size = 0
        self.hits = 0
        self.misses = 0

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        generation = self.generation()
        if generation is None or b"authorization" in headers:
            await self.app(scope, receive, send)
            return
        key = (generation, headers.get(b"host", b""),  # relative IRIs resolve against it
               scope.get("root_path", ""), scope["path"], scope["query_string"],
               headers.get(b"accept", b""), headers.get(b"accept-encoding", b""))
        fresh = b"no-cache" in headers.get(b"cache-control", b"").lower()
        entry = None if fresh else self.entries.get(key)
        if entry is not None and time.monotonic() - entry[3] > self.max_age_s:
            entry = None
        if entry is not None:
            self.entries.move_to_end(key)
            self.hits += 1
            await self._replay(scope, send, entry, headers.get(b"if-none-match"), b"hit")
            return
        self.misses += 1
        if scope["method"] == "HEAD":  # no body to keep: answer without filling
            await self.app(scope, receive, send)
            return
        await self._fill(scope, receive, send, key, generation)

    async def _replay(self, scope, send, entry, if_none_match, state: bytes) -> None:
        status, response_headers, body, _ = entry
        etag = dict(response_headers).get(b"etag")
        if if_none_match is not None and etag is not None and if_none_match == etag:
            kept = [(k, v) for k, v in response_headers if k in (b"etag", b"cache-control")]
            await send({"type": "http.response.start", "status": 304, "headers": kept})
            await send({"type": "http.response.body", "body": b""})
            return
        await send({"type": "http.response.start", "status": status,
                    "headers": [*response_headers, (b"x-cache", state)]})
        await send({"type": "http.response.body",
                    "body": b"" if scope["method"] == "HEAD" else body})

    async def _fill(self, scope, receive, send, key, generation: str) -> None:
        start: dict = {}
        chunks: list[bytes] = []
        cacheable = True

        async def capture(message) -> None:
            nonlocal cacheable
            if message["type"] == "http.response.start":
                start.update(message)
                response_headers = list(message.get("headers", []))
                control = dict(response_headers).get(b"cache-control", b"")
                if message["status"] != 200 or b"no-store" in control:
                    cacheable = False
                else:  # an ETag the application set (static files) is kept, not doubled
                    if not any(name == b"etag" for name, _ in response_headers):
                        response_headers.append((b"etag", _etag(generation, key)))
                    response_headers.append((b"x-cache", b"miss"))
                    message = {**message, "headers": response_headers}
                    start["headers"] = response_headers
            elif message["type"] == "http.response.body" and cacheable:
                chunks.append(message.get("body", b""))
                if sum(map(len, chunks)) > self.max_entry_bytes:
                    cacheable = False
                    chunks.clear()
                elif not message.get("more_body"):
                    self._store(key, start["status"], start["headers"], b"".join(chunks))
            await send(message)

        await self.app(scope, receive, capture)

    def _store(self, key, status: int, headers: list, body: bytes) -> None:
        if key[0] != self.generation():
            return  # the graph changed while this answer was computed
        kept = [(k, v) for k, v in headers if k != b"x-cache"]
        if key in self.entries:
            self.size -= len(self.entries.pop(key)[2])
        self.entries[key] = (status, kept, body, time.monotonic())
        self.size += len(body)
        while self.size > self.max_bytes and self.entries:
            _, (_, _, old, _) = self.entries.popitem(last=False)
            self.size -= len(old)


def _etag(generation: str, key: tuple) -> bytes:
    # the key's parts hashed as bytes (its repr cost more than the rest of a cache fill)
    parts = (p if isinstance(p, bytes) else str(p).encode() for p in key)
    digest = hashlib.blake2b(b"\0".join(parts), digest_size=8).hexdigest()
    return f'"{generation}-{digest}"'.encode()
