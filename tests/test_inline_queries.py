"""The fast lane through the executor's library API: a query a worker answered cheaply runs
in the server the next time, with the same answer, only on the generation it was measured
on, never when it calls out, and never while another job is with a worker."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pyoxigraph as ox
import pytest

from modelgraph.execution import QueryExecutor, QueryJob, QueryTimeout
from modelgraph.store import EmbeddedStore
from modelgraph.store.embedded import write_generation

from .test_query_executor import _count, _run

GRAPH = ox.NamedNode("http://example.org/generated")
P = ox.NamedNode("http://example.org/p")
COUNT = QueryJob("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", results_format="TSV")
# 50 triples to the 6th power: far longer than the 1 s limit the test sets
CROSS_JOIN = ("SELECT (COUNT(*) AS ?n) WHERE "
              "{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o . ?p ?q ?r }")


def _quads(n: int) -> list[ox.Quad]:
    return [ox.Quad(ox.NamedNode(f"http://example.org/s{i}"), P, ox.Literal(str(i)), GRAPH)
            for i in range(n)]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    write_generation(tmp_path, _quads(50))
    return tmp_path


def _ask(executor: QueryExecutor, job: QueryJob = COUNT, *, inline: bool = True, times: int = 1):
    async def asking():
        return [await executor.run_async(job, inline=inline) for _ in range(times)]

    return _run(asking())


def test_a_query_a_worker_answered_cheaply_is_answered_inline_next_time_alike(data_dir):
    with QueryExecutor(data_dir, workers=1, inline_max_s=1.0, timeout_s=20) as executor:
        first, second, third = _ask(executor, times=3)
        assert (executor.worker_runs, executor.inline_runs) == (1, 2)
    assert first.body == second.body == third.body
    assert _count(second) == "50"
    assert first.generation == second.generation


def test_without_the_callers_leave_every_query_goes_to_a_worker(data_dir):
    with QueryExecutor(data_dir, workers=1, inline_max_s=1.0, timeout_s=20) as executor:
        _ask(executor, inline=False, times=3)
        assert (executor.worker_runs, executor.inline_runs) == (3, 0)


def test_a_query_slower_than_the_bound_stays_with_the_workers(data_dir):
    with QueryExecutor(data_dir, workers=1, inline_max_s=1e-9, timeout_s=20) as executor:
        _ask(executor, times=3)
        assert (executor.worker_runs, executor.inline_runs) == (3, 0)


def test_the_lane_is_off_at_zero(data_dir):
    with QueryExecutor(data_dir, workers=1, inline_max_s=0, timeout_s=20) as executor:
        _ask(executor, times=3)
        assert executor.inline is None
        assert (executor.worker_runs, executor.inline_runs) == (3, 0)


def test_a_query_that_calls_out_never_runs_inline(data_dir):
    calling_out = QueryJob(COUNT.sparql, results_format="TSV", calls_out=True)
    with QueryExecutor(data_dir, workers=1, inline_max_s=1.0, timeout_s=20) as executor:
        _ask(executor, calling_out, times=3)
        assert (executor.worker_runs, executor.inline_runs) == (3, 0)


def test_a_new_generation_forgets_what_was_cheap_and_answers_from_the_new_data(data_dir):
    with QueryExecutor(data_dir, workers=1, inline_max_s=1.0, timeout_s=20) as executor:
        before = _ask(executor, times=2)
        store = EmbeddedStore.open(data_dir, read_only=False)
        try:
            store.replace_graph(GRAPH, _quads(70))
        finally:
            store.close()
        after = _ask(executor, times=2)
        assert (executor.worker_runs, executor.inline_runs) == (2, 2)
    assert [_count(o) for o in before + after] == ["50", "50", "70", "70"]
    assert before[1].generation != after[0].generation == after[1].generation


def test_while_a_worker_is_busy_a_cheap_query_goes_to_another_worker(data_dir):
    cross_join = QueryJob(CROSS_JOIN, results_format="TSV")
    with QueryExecutor(data_dir, workers=2, inline_max_s=1.0, timeout_s=1.0) as executor:
        _ask(executor, times=1)  # now known cheap

        async def cheap_while_busy():
            slow = asyncio.ensure_future(executor.run_async(cross_join, inline=True))
            await asyncio.sleep(0.2)  # the cross join is with a worker
            cheap = await executor.run_async(COUNT, inline=True)
            with pytest.raises(QueryTimeout):
                await slow
            return cheap

        cheap = _run(cheap_while_busy())
        assert _count(cheap) == "50"
        assert executor.inline_runs == 0
        assert executor.worker_runs == 2  # the first and the one asked while busy
