"""Measure what running a query in a worker costs compared with running it in-process.

    python -m modelgraph.execution.overhead [DATA_DIR] [QUERY]

Both sides read the same generation (the in-process side opens it read-only too) and
serialise to SPARQL JSON; the worker side also pays the safety scan (policy.check_query).
Prints medians in microseconds as JSON.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

import pyoxigraph as ox

from ..store.embedded import GENERATIONS, current_generation, default_data_dir
from .jobs import QueryJob
from .policy import check_query
from .pool import QueryExecutor

CHEAP_QUERY = "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1"


def _median_us(fn, n: int) -> float:
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    samples.sort()
    return samples[len(samples) // 2] * 1e6


def measure(executor: QueryExecutor, sparql: str = CHEAP_QUERY, n: int = 1000) -> dict:
    generation = current_generation(executor.data_dir)
    if generation is None:
        raise SystemExit(f"no graph has been built in {executor.data_dir}")
    store = ox.Store.read_only(str(executor.data_dir / GENERATIONS / generation))
    job = QueryJob(sparql, results_format="JSON")

    def in_process() -> bytes:
        result = store.query(sparql, use_default_graph_as_union=True)
        return result.serialize(format=ox.QueryResultsFormat.JSON)

    def in_worker() -> bytes:
        check_query(sparql, allow_service_calls=False)
        return executor.run(job).body

    try:  # the loop the server runs on when uvloop is installed
        import uvloop

        loop = uvloop.new_event_loop()
    except ImportError:
        loop = asyncio.new_event_loop()

    def in_worker_from_loop() -> bytes:
        check_query(sparql, allow_service_calls=False)
        return loop.run_until_complete(executor.run_async(job)).body

    assert in_process() == in_worker() == in_worker_from_loop(), "the same answer"
    for fn in (in_process, in_worker, in_worker_from_loop):  # warm up
        _median_us(fn, n // 10 or 1)
    local = _median_us(in_process, n)
    remote = _median_us(in_worker, n)
    from_loop = _median_us(in_worker_from_loop, n)
    loop.close()
    return {
        "in_process_us": round(local, 1),
        "in_worker_us": round(remote, 1),
        "in_worker_from_event_loop_us": round(from_loop, 1),
        "overhead_us": round(remote - local, 1),
    }


def main(argv: list[str]) -> None:
    data_dir = Path(argv[0]) if argv else default_data_dir()
    sparql = argv[1] if len(argv) > 1 else CHEAP_QUERY
    with QueryExecutor(data_dir, workers=1) as executor:
        print(json.dumps(measure(executor, sparql)))


if __name__ == "__main__":
    main(sys.argv[1:])
