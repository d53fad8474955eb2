"""The query worker pool through its library API: sync and event-loop callers share the
workers, waiting callers never starve each other, and an abandoned query's worker dies."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from modelgraph import views
from modelgraph.errors import InputError, NotFound
from modelgraph.execution import QueryExecutor, QueryJob, QueryTimeout
from modelgraph.execution.jobs import ViewJob
from modelgraph.store import EmbeddedStore

CROSS_JOIN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
COUNT = QueryJob("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", results_format="TSV")


def _store(n: int) -> EmbeddedStore:
    graph = ox.NamedNode("http://example.org/generated")
    p = ox.NamedNode("http://example.org/p")
    return EmbeddedStore.memory(
        ox.Quad(ox.NamedNode(f"http://example.org/s{i}"), p, ox.Literal(str(i)), graph)
        for i in range(n)
    )


@pytest.fixture(scope="module")
def executor():
    with QueryExecutor.for_store(_store(300), workers=1, timeout_s=5.0) as pool:
        yield pool


def _count(output) -> str:
    return output.body.decode().splitlines()[1]


def _run(coroutine):
    """asyncio.run on a thread of its own (a session-wide browser fixture may keep an event
    loop running on the main thread)."""
    box: dict = {}

    def target():
        try:
            box["value"] = asyncio.run(coroutine)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller
            box["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(timeout=30)
    if "error" in box:
        raise box["error"]
    return box["value"]


def test_more_concurrent_event_loop_queries_than_workers_all_get_answers(executor):
    async def many():
        return await asyncio.gather(*(executor.run_async(COUNT) for _ in range(16)))

    started = time.monotonic()
    outputs = _run(many())
    assert [_count(o) for o in outputs] == ["300"] * 16
    assert time.monotonic() - started < 5.0  # queued behind one worker, not stuck


def test_threads_and_the_event_loop_share_the_workers(executor):
    answers: list[str] = []

    def from_thread():
        for _ in range(5):
            answers.append(_count(executor.run(COUNT)))

    threads = [threading.Thread(target=from_thread) for _ in range(3)]
    for thread in threads:
        thread.start()

    async def from_loop():
        return await asyncio.gather(*(executor.run_async(COUNT) for _ in range(10)))

    outputs = _run(from_loop())
    for thread in threads:
        thread.join(timeout=10)
    assert answers == ["300"] * 15
    assert [_count(o) for o in outputs] == ["300"] * 10


def test_an_event_loop_query_over_the_time_limit_is_stopped_and_its_worker_killed(executor):
    (pid,) = executor.worker_pids()
    with pytest.raises(QueryTimeout):
        _run(executor.run_async(QueryJob(CROSS_JOIN, results_format="JSON"), timeout_s=0.5))
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert _count(executor.run(COUNT)) == "300"


def test_a_cancelled_query_kills_its_worker_so_no_core_keeps_computing(executor):
    (pid,) = executor.worker_pids()

    async def abandon():
        task = asyncio.create_task(executor.run_async(QueryJob(CROSS_JOIN, results_format="JSON")))
        await asyncio.sleep(0.3)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    _run(abandon())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    (replacement,) = executor.worker_pids()
    assert replacement != pid
    assert _count(_run(executor.run_async(COUNT))) == "300"


# -- views next to the store -------------------------------------------------------------

CATALOGUE = Path(__file__).resolve().parent / "fixtures" / "web" / "catalogue.trig"


@pytest.fixture(scope="module")
def catalogue():
    store = EmbeddedStore.memory(ox.parse(path=str(CATALOGUE), format=ox.RdfFormat.TRIG))
    with QueryExecutor.for_store(store, workers=1) as pool:
        yield store, pool


def _view_job(function: str, **kwargs) -> ViewJob:
    return ViewJob(function, kwargs, stale_after_days=365, today=dt.date(2026, 1, 1))


def test_a_view_run_in_a_worker_answers_what_it_answers_in_process(catalogue):
    store, pool = catalogue
    here = views.model_view(views.ViewContext(store, stale_after_days=365,
                                              today=dt.date(2026, 1, 1)), "zephyr")
    there = pool.run(_view_job("model_view", model_id="zephyr")).value
    assert there.to_dict() == here.to_dict()
    (context,) = [f for f in there.data["facts"] if f["name"] == "contextWindow"]
    assert [(v["value"], v["sources"]) for v in context["values"]] == [
        (64000, ["alpha"]), (65536, ["beta"])]


def test_a_view_of_an_unknown_model_is_not_found_from_the_worker(catalogue):
    _, pool = catalogue
    with pytest.raises(NotFound):
        pool.run(_view_job("model_view", model_id="no-such-model"))


def test_a_view_job_may_only_name_a_view_or_an_export(catalogue):
    _, pool = catalogue
    for name in ("find_conflicts", "__import__", "ViewContext"):
        with pytest.raises(InputError, match="no helper view"):
            pool.run(_view_job(name))


def test_an_answer_larger_than_one_socket_read_arrives_whole_on_the_event_loop(executor):
    pairs = QueryJob("SELECT * WHERE { ?s ?p ?o . ?t ?q ?v } LIMIT 5000", results_format="JSON")
    threaded = executor.run(pairs).body
    looped = _run(executor.run_async(pairs)).body
    assert len(looped) > 1024 * 1024  # far more than the first read of 256 KiB
    assert looped == threaded


def test_a_worker_that_ran_a_long_job_is_replaced_by_a_fresh_one(monkeypatch):
    """A worker's heap slows its later queries after a long job (execution.pool): it is
    retired and a fresh, ready process takes its place; answers are unaffected."""
    from modelgraph.execution import pool as pool_module

    with QueryExecutor.for_store(_store(300), workers=2, timeout_s=10.0) as executor:
        before = set(executor.worker_pids())
        monkeypatch.setattr(pool_module, "RETIRE_AFTER_S", 0.0)  # every job counts as long
        assert _count(executor.run(COUNT)) == "300"
        assert _count(_run(executor.run_async(COUNT))) == "300"
        monkeypatch.setattr(pool_module, "RETIRE_AFTER_S", 3600.0)
        deadline = time.monotonic() + 10
        while len(executor.worker_pids()) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)  # the replacements start in the background
        after = set(executor.worker_pids())
        assert executor.retired == 2
        assert len(after) == 2 and len(after & before) <= 1
        assert after != before
        for _ in range(4):  # every worker, old or new, answers
            assert _count(executor.run(COUNT)) == "300"
