"""The fast lane: a query already measured cheap runs in the server itself when it is idle.

Handing a query to a worker process costs ~0.5–1 ms per request (a pickle each way, two
context switches, the other process waking up): more than a lookup query itself takes.
Only a worker, though, can be killed at the time limit. So the pool times every query it
sends to a worker, and a query that answered within `max_s` there (the same job: text,
dataset, formats) runs here the next time, on this process's own read-only store of that
generation, on the event loop, provided no worker job is in flight (pool.py). Under load
the workers keep the answers coming in parallel; a lone client gets the short path.

Why the time limit still holds: a query's cost is a function of its text and the data, and
a generation's data never changes; a new generation (any write) starts with no
measurements. A query that calls out (SERVICE, where allowed) never runs here: its cost is
another server's. Inline runs are timed too, and one that took longer than `max_s` (a busy
machine) sends that query back to the workers.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from pathlib import Path

from ..errors import StoreError
from .evaluation import LiveStore, evaluate_query
from .jobs import Output, QueryJob

# Longest query text remembered: the book holds the jobs themselves, and a long text is
# rarely a dashboard's lookup.
MAX_QUERY_CHARS = 16 * 1024


class CostBook:
    """Which jobs answered within `max_s` on one generation (the most recent `entries`)."""

    def __init__(self, max_s: float, entries: int = 4096) -> None:
        self.max_s = max_s
        self.entries = entries
        self._generation: str | None = None
        self._cheap: OrderedDict[QueryJob, None] = OrderedDict()
        self._lock = threading.Lock()

    def is_cheap(self, job: QueryJob, generation: str | None) -> bool:
        with self._lock:
            if generation is None or generation != self._generation or job not in self._cheap:
                return False
            self._cheap.move_to_end(job)
            return True

    def record(self, job: QueryJob, generation: str | None, elapsed_s: float) -> None:
        if generation is None or job.calls_out or len(job.sparql) > MAX_QUERY_CHARS:
            return
        with self._lock:
            if generation != self._generation:
                self._generation = generation
                self._cheap.clear()
            if elapsed_s > self.max_s:
                self._cheap.pop(job, None)
                return
            self._cheap[job] = None
            self._cheap.move_to_end(job)
            while len(self._cheap) > self.entries:
                self._cheap.popitem(last=False)


class InlineLane:
    """Runs the jobs `book` knows to be cheap on a read-only store in this process."""

    def __init__(self, data_dir: Path, *, max_s: float, max_bytes: int) -> None:
        self.book = CostBook(max_s)
        self.max_bytes = max_bytes
        self.runs = 0  # queries answered here, for /health
        self._live = LiveStore(data_dir)

    def try_run(self, job) -> Output | None:
        """The job's output if it is a known-cheap query, else None (use a worker)."""
        if not isinstance(job, QueryJob):  # (calls_out jobs are never recorded as cheap)
            return None
        try:
            store = self._live.get()  # a stat of CURRENT; reopened after a write
        except (StoreError, OSError):
            return None  # no build yet, or a generation being replaced: the workers say why
        generation = self._live.generation
        if not self.book.is_cheap(job, generation):
            return None
        started = time.monotonic()
        try:
            output = evaluate_query(store, generation, job, self.max_bytes)
        except OSError:
            return None  # a read failed (generation removed under us): a worker reopens
        self.book.record(job, generation, time.monotonic() - started)
        self.runs += 1
        return output

    def observe(self, job, output: Output, elapsed_s: float) -> None:
        """A worker answered `job` in `elapsed_s`: remember whether it was cheap."""
        if isinstance(job, QueryJob):
            self.book.record(job, output.generation, elapsed_s)

    def close(self) -> None:
        self._live.close()
