"""Latency and throughput measurement, every loop bounded in count and in time.

A sample is one complete request: send, wait, read the whole body. A request that outruns
the cap is recorded as a timeout and the query is not retried on that engine.

The client is the standard library's `http.client` on one keep-alive connection: its cost
is in every HTTP number and, on 2 shared cores, takes CPU from the server under load. On
this machine it spends ~0.1 ms per request where httpx spent 0.4-0.6 ms, so the numbers
are closer to the servers' own.
"""

from __future__ import annotations

import http.client
import json
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from urllib.parse import urlencode, urlsplit

ACCEPT = {
    "select": "application/sparql-results+json",
    "construct": "application/n-triples",
    "view": "application/json",
}


@dataclass
class Timing:
    status: str = "ok"  # ok | timeout | error: ... | n/a: ...
    samples_ms: list[float] = field(default_factory=list)
    rows: int | None = None
    bytes: int | None = None  # size of the answer body (HTTP engines)

    @property
    def ok(self) -> bool:
        return self.status == "ok" and bool(self.samples_ms)

    @property
    def median(self) -> float | None:
        return statistics.median(self.samples_ms) if self.ok else None

    @property
    def p95(self) -> float | None:
        if not self.ok:
            return None
        ordered = sorted(self.samples_ms)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]

    def to_dict(self) -> dict:
        return {**asdict(self), "median_ms": self.median, "p95_ms": self.p95}


@dataclass(frozen=True)
class Plan:
    warmup: int
    reps: int
    budget_s: float  # time allowed for the repetitions of one query on one engine
    cap_s: float  # one request longer than this is a timeout


def count_rows(kind: str, body: bytes) -> int | None:
    if kind == "construct":
        return sum(1 for line in body.splitlines() if line.strip())
    if kind == "select":
        return len(json.loads(body)["results"]["bindings"])
    return None


def repeat(call: Callable[[], int | None], plan: Plan) -> Timing:
    """Time `call` (which raises on failure and returns a row count) per `plan`."""
    timing = Timing()
    deadline = None
    for i in range(plan.warmup + plan.reps):
        if deadline and time.perf_counter() > deadline and len(timing.samples_ms) >= 1:
            break  # the budget is spent: keep what we have (at least one sample)
        started = time.perf_counter()
        try:
            rows = call()
        except TimeoutError:
            return Timing(status="timeout", samples_ms=[], rows=timing.rows)
        except Exception as exc:  # noqa: BLE001 - recorded, shown in the report
            return Timing(status=f"error: {str(exc)[:160]}", rows=timing.rows)
        elapsed = time.perf_counter() - started
        if elapsed > plan.cap_s:
            return Timing(status="timeout", rows=rows)
        if i == 0:
            timing.rows = rows
            deadline = time.perf_counter() + plan.budget_s
        if i >= plan.warmup:
            timing.samples_ms.append(elapsed * 1000)
    timing.bytes = getattr(call, "bytes", None)
    return timing


def request_headers(kind: str, cached: bool) -> dict:
    """`Cache-Control: no-cache` makes a caching server (modelgraph) compute the answer
    afresh, so that repeated requests measure the engine; peers ignore it."""
    headers = {"Accept": ACCEPT[kind]}
    if not cached:
        headers["Cache-Control"] = "no-cache"
    return headers


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    headers: http.client.HTTPMessage


class Client:
    """GETs to one server over one keep-alive HTTP/1.1 connection, reopened after a
    failure (a timed-out or broken connection is never reused). `timeout_s` bounds each
    socket operation; `repeat` also checks the whole request against the cap."""

    def __init__(self, base_url: str, timeout_s: float) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.timeout_s = timeout_s
        self._connection: http.client.HTTPConnection | None = None

    def get(self, url: str, params: dict | None = None, headers: dict | None = None) -> Reply:
        parts = urlsplit(url)
        target = parts.path or "/"
        query = "&".join(q for q in (parts.query, urlencode(params or {})) if q)
        if query:
            target += "?" + query
        if self._connection is None:
            self._connection = http.client.HTTPConnection(self.host, self.port,
                                                          timeout=self.timeout_s)
        try:
            self._connection.request("GET", target, headers=headers or {})
            answer = self._connection.getresponse()
            return Reply(answer.status, answer.read(), answer.headers)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class HttpQuery:
    """One GET with a fresh body read; raises on a non-200 answer."""

    def __init__(self, client: Client, url: str, params: dict | None, kind: str,
                 cached: bool = False) -> None:
        self.client, self.url, self.params, self.kind = client, url, params, kind
        self.headers = request_headers(kind, cached)
        self._counted = False
        self.bytes: int | None = None
        self.answered: str | None = None  # modelgraph's X-Modelgraph-View, when it sends one

    def __call__(self) -> int | None:
        reply = self.client.get(self.url, params=self.params, headers=self.headers)
        body = reply.body
        if reply.status != 200:
            raise RuntimeError(f"HTTP {reply.status}: {body[:120]!r}")
        if self._counted:
            return None
        self._counted = True  # parse once (outside the repetitions that matter)
        self.bytes = len(body)
        self.answered = reply.headers.get("x-modelgraph-view")
        return count_rows(self.kind, body)


def throughput(url: str, params: dict | None, kind: str, clients: int, duration_s: float,
               cap_s: float, cached: bool = False, max_requests: int = 1_000_000) -> dict:
    """Requests per second from `clients` threads, each with its own connection."""
    done = [0] * clients
    failed = [0] * clients
    stop_at = time.perf_counter() + duration_s
    budget = max_requests // clients
    headers = request_headers(kind, cached)

    def worker(i: int) -> None:
        with Client(url, cap_s) as client:
            for _ in range(budget):
                if time.perf_counter() >= stop_at:
                    return
                try:
                    reply = client.get(url, params=params, headers=headers)
                    if reply.status == 200:
                        done[i] += 1
                    else:
                        failed[i] += 1
                except (OSError, http.client.HTTPException):
                    failed[i] += 1

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=duration_s + cap_s + 10)
    elapsed = time.perf_counter() - started
    return {"clients": clients, "seconds": round(elapsed, 2), "requests": sum(done),
            "errors": sum(failed), "rps": sum(done) / elapsed if elapsed else 0.0}
