"""A pool of query worker processes with a hard time limit per job.

`run(job)` borrows an idle worker, sends it the job and waits at most `timeout_s` for the
answer. A worker that overruns is SIGKILLed (a thread could not be stopped, a process can)
and a fresh one is started in its place; the caller gets :class:`QueryTimeout`.
`run_async(job)` is the same for the event loop: it awaits the worker's socket instead of
blocking a thread, which saves the thread hop on every /sparql request.

All workers are spawned from one long-lived thread because Linux's parent-death signal
(which kills workers if the server dies) fires when the *thread* that forked them exits.
"""

from __future__ import annotations

import asyncio
import logging
import os
import queue
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Self

from ..errors import ModelgraphError, StoreError
from ..store.embedded import EmbeddedStore, write_generation
from . import channel
from .inline import InlineLane
from .jobs import Output, QueryTimeout, WorkerFailed, WorkersBusy, error_from_worker

log = logging.getLogger("modelgraph.execution")

# A worker that has just run a long job answers the next ones slower: measured in one
# pyoxigraph process at 1M triples, the price ladder took 1.14 ms, then 1.33 ms after the
# search and aggregate scans (a new Store in that process as slow, a new process as fast
# as before; malloc_trim and glibc malloc tunables did not help). So a worker whose job
# took longer than this is retired and a fresh process replaces it, started and made
# ready in the background: ~0.3 s of CPU, less than the job that caused it.
RETIRE_AFTER_S = 0.25


class _Worker:
    def __init__(self, process: subprocess.Popen, sock: socket.socket) -> None:
        self.process = process
        self.sock = sock
        self.ready = False

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_ready(self, timeout_s: float) -> None:
        if self.ready:
            return
        try:
            message = channel.recv(self.sock, time.monotonic() + timeout_s)
        except TimeoutError:
            raise StoreError(f"a query worker did not start within {timeout_s:g} s") from None
        if message[0] != "ready":
            raise WorkerFailed(f"a query worker sent {message[0]!r} instead of 'ready'")
        self.ready = True

    def kill(self) -> None:
        try:
            self.process.kill()
            self.process.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            log.error("query worker %s did not die after SIGKILL", self.pid)
        self.sock.close()

    def stop(self, grace_s: float = 2.0) -> None:
        """Close the connection (the worker exits on EOF); kill it if it lingers."""
        self.sock.close()
        try:
            self.process.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            self.kill()


class QueryExecutor:
    """Runs jobs in `workers` child processes over the store in `data_dir`.

    Use as a context manager or call `start()` / `close()`. Safe to call `run` from many
    threads at once; at most `workers` jobs run at the same time, the rest wait (up to
    `timeout_s`) for a free worker.
    """

    def __init__(
        self,
        data_dir: Path,
        *,
        workers: int = 2,
        timeout_s: float = 10.0,
        max_response_bytes: int = 64 * 2**20,
        startup_timeout_s: float = 30.0,
        owned_dir: bool = False,
        inline_max_s: float = 0.0,
    ) -> None:
        if workers < 1:
            raise ValueError("an executor needs at least one worker")
        self.data_dir = Path(data_dir)
        self.workers = workers
        self.timeout_s = timeout_s
        self.max_response_bytes = max_response_bytes
        self.startup_timeout_s = startup_timeout_s
        self._owned_dir = owned_dir
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._waiters: list[tuple[asyncio.AbstractEventLoop, asyncio.Future]] = []
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._spawner: ThreadPoolExecutor | None = None
        self._closed = False
        self.timeouts = 0  # jobs stopped by the time limit, for /health
        self.retired = 0  # workers replaced after a long job (RETIRE_AFTER_S)
        # queries measured cheap run in this process (inline.py); capped far below the limit
        lane_max_s = min(inline_max_s, timeout_s / 10)
        self.inline = (
            InlineLane(self.data_dir, max_s=lane_max_s, max_bytes=max_response_bytes)
            if lane_max_s > 0 else None
        )
        self._in_flight = 0  # jobs now with a worker (run_async); the fast lane waits for 0
        self.worker_runs = 0  # jobs answered by a worker, for /health
        if owned_dir:  # a snapshot directory must not outlive its executor
            weakref.finalize(self, shutil.rmtree, self.data_dir, True)

    @classmethod
    def for_store(cls, store: EmbeddedStore, **kwargs) -> QueryExecutor:
        """An executor over an open store; an in-memory one is first written to a temp dir.

        Workers are separate processes and cannot see this process's memory, so an
        in-memory store becomes an on-disk generation that they open read-only.
        """
        if store.data_dir is not None:
            return cls(store.data_dir, **kwargs)
        temp = Path(tempfile.mkdtemp(prefix="modelgraph-snapshot-"))
        write_generation(temp, store.raw)
        return cls(temp, owned_dir=True, **kwargs)

    # -- lifecycle ------------------------------------------------------------------------
    def start(self) -> Self:
        with self._lock:
            if self._closed:
                raise StoreError("the query executor is closed")
            if self._spawner is not None:
                return self
            self._spawner = ThreadPoolExecutor(1, thread_name_prefix="mg-worker-spawner")
        started = [self._spawn() for _ in range(self.workers)]
        for worker in started:  # started in parallel, then each awaited once
            try:
                worker.wait_ready(self.startup_timeout_s)
            except ModelgraphError:
                log.warning("query worker %s did not report ready; it will be replaced", worker.pid)
                self._replace(worker)
                continue
            self._release(worker)
        return self

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.stop()
        if self._spawner is not None:
            self._spawner.shutdown(wait=True)
        if self.inline is not None:
            self.inline.close()
        if self._owned_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    def open_store(self) -> EmbeddedStore:
        """The live generation, opened now: what writes (ingest, validated updates) start from."""
        return EmbeddedStore.open(self.data_dir, read_only=True)

    def worker_pids(self) -> list[int]:
        with self._lock:
            return sorted(w.pid for w in self._all)

    # -- running ---------------------------------------------------------------------------
    def run(self, job, *, timeout_s: float | None = None) -> Output:
        """Run `job` in a worker; raise its error, or QueryTimeout after `timeout_s`."""
        if self._spawner is None:
            self.start()
        limit = self.timeout_s if timeout_s is None else timeout_s
        worker = self._borrow(limit)
        try:
            worker.wait_ready(self.startup_timeout_s)
            started = time.monotonic()
            deadline = started + limit
            worker.sock.settimeout(limit)
            channel.send(worker.sock, job)
            reply = channel.recv(worker.sock, deadline)
            if time.monotonic() - started > RETIRE_AFTER_S:
                self._retire(worker)
                worker = None
        except TimeoutError:
            self._replace(worker)
            worker = None
            raise self._timed_out(limit) from None
        except (EOFError, OSError) as exc:
            self._replace(worker)
            worker = None
            raise WorkerFailed(f"the query worker died ({type(exc).__name__})") from None
        except ModelgraphError:
            if not worker.ready:
                self._replace(worker)
                worker = None
            raise
        finally:
            if worker is not None:
                self._release(worker)
        return _unwrap(reply)

    async def run_async(self, job, *, timeout_s: float | None = None,
                        inline: bool = False) -> Output:
        """`run` for the event loop: no thread is blocked while the worker computes.

        A request cancelled while its query runs (the client went away) kills the worker,
        so an abandoned query stops using a core at once.

        `inline`: the caller sees no concurrent use (one client), so a query already
        measured cheap may run on the loop instead, if no job is with a worker (inline.py).
        """
        if inline and self.inline is not None and self._in_flight == 0:
            output = self.inline.try_run(job)
            if output is not None:
                return output
        self._in_flight += 1
        try:
            output = await self._run_in_worker(job, timeout_s)
        finally:
            self._in_flight -= 1
        self.worker_runs += 1
        return output

    @property
    def inline_runs(self) -> int:
        return self.inline.runs if self.inline is not None else 0

    async def _run_in_worker(self, job, timeout_s: float | None) -> Output:
        if self._spawner is None or not self._all:
            await asyncio.to_thread(self.start)
        limit = self.timeout_s if timeout_s is None else timeout_s
        worker = await self._borrow_async(limit)
        if not worker.ready:  # a replacement still starting: wait for it off the loop
            try:
                await asyncio.to_thread(worker.wait_ready, self.startup_timeout_s)
            except ModelgraphError:
                await asyncio.to_thread(self._replace, worker)
                raise
        loop = asyncio.get_running_loop()
        healthy = False
        started = time.monotonic()
        try:
            worker.sock.settimeout(0)  # non-blocking, as the loop's socket calls need
            reply = await channel.exchange_async(loop, worker.sock, job, limit)
            healthy = True
            elapsed = time.monotonic() - started
        except TimeoutError:
            raise self._timed_out(limit) from None
        except (EOFError, OSError) as exc:
            raise WorkerFailed(f"the query worker died ({type(exc).__name__})") from None
        finally:
            if healthy and elapsed > RETIRE_AFTER_S:
                self._retire(worker)
            elif healthy:
                self._release(worker)
            else:  # timed out, died, or cancelled mid-job: its socket may hold a stale answer
                await asyncio.shield(asyncio.to_thread(self._replace, worker))
        output = _unwrap(reply)
        if self.inline is not None:
            self.inline.observe(job, output, elapsed)
        return output

    def _timed_out(self, limit: float) -> QueryTimeout:
        self.timeouts += 1
        return QueryTimeout(
            f"query exceeded the {limit:g} s time limit and was stopped",
            field="query_timeout_s",
        )

    async def _borrow_async(self, limit: float) -> _Worker:
        """`_borrow` without blocking a thread: wait for a release signal on the loop.

        (Waiting in threads would deadlock: the threads that wait for a worker are the
        ones the loop needs to run anything else off-loop.)
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + limit
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                worker = None
            if worker is not None:
                if worker.process.poll() is None:
                    return worker
                log.warning("query worker %s died while idle", worker.pid)
                await asyncio.to_thread(self._replace, worker)
                continue
            woken = loop.create_future()
            with self._lock:
                self._waiters.append((loop, woken))
            if not self._idle.empty():  # released between our look and our registering
                woken.cancel()
            try:
                await asyncio.wait_for(woken, max(0.0, deadline - loop.time()))
            except asyncio.CancelledError:
                task = asyncio.current_task()
                if task is not None and task.cancelling():
                    raise  # our own task was cancelled, not just the early wake-up
            except TimeoutError:
                raise WorkersBusy(
                    f"all {self.workers} query workers stayed busy for {limit:g} s; "
                    "try again later"
                ) from None
            finally:
                with self._lock:
                    if (loop, woken) in self._waiters:
                        self._waiters.remove((loop, woken))

    def _release(self, worker: _Worker) -> None:
        """Back to the idle queue; wake every task waiting for a worker (they race for it,
        the losers wait again: simpler than handing over, and there are few waiters)."""
        self._idle.put(worker)
        with self._lock:
            waiters, self._waiters = self._waiters, []
        for loop, woken in waiters:
            try:
                loop.call_soon_threadsafe(_wake, woken)
            except RuntimeError:  # that loop has been closed: nobody waits there any more
                pass

    def _borrow(self, limit: float) -> _Worker:
        """An idle worker that is still alive (one may have died idle, e.g. OOM-killed)."""
        deadline = time.monotonic() + limit
        while True:
            try:
                worker = self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise WorkersBusy(
                    f"all {self.workers} query workers stayed busy for {limit:g} s; try again later"
                ) from None
            if worker.process.poll() is None:
                return worker
            log.warning("query worker %s died while idle", worker.pid)
            self._replace(worker)

    # -- workers ---------------------------------------------------------------------------
    def _retire(self, worker: _Worker) -> None:
        """Stop `worker` after its long job and put a fresh, ready one in its place, off
        the caller's path (see RETIRE_AFTER_S)."""
        with self._lock:
            self._all.discard(worker)
            if self._closed or self._spawner is None:
                worker.stop()
                return
            self.retired += 1
            self._spawner.submit(self._renew, worker)

    def _renew(self, worker: _Worker) -> None:  # in the spawner thread
        worker.stop()
        with self._lock:
            if self._closed:
                return
        fresh = self._spawn_in_spawner_thread()
        try:
            fresh.wait_ready(self.startup_timeout_s)
        except ModelgraphError:  # borrowers replace a worker that is not ready
            log.warning("query worker %s did not report ready", fresh.pid)
        with self._lock:
            if self._closed:
                self._all.discard(fresh)
                fresh.stop()
                return
        self._release(fresh)

    def _replace(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._all.discard(worker)
            if self._closed:
                return
        log.warning("query worker %s stopped; starting a new one", worker.pid)
        self._release(self._spawn())

    def _spawn(self) -> _Worker:
        assert self._spawner is not None
        return self._spawner.submit(self._spawn_in_spawner_thread).result()

    def _spawn_in_spawner_thread(self) -> _Worker:
        parent_sock, child_sock = socket.socketpair()
        try:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "modelgraph.execution.worker",
                    str(child_sock.fileno()),
                    str(self.data_dir),
                    str(self.max_response_bytes),
                    str(os.getpid()),
                ],
                pass_fds=(child_sock.fileno(),),
                stdin=subprocess.DEVNULL,
            )
        finally:
            child_sock.close()
        worker = _Worker(process, parent_sock)
        with self._lock:
            self._all.add(worker)
        return worker


def _wake(future: asyncio.Future) -> None:
    if not future.done():
        future.set_result(None)


def _unwrap(reply) -> Output:
    if reply[0] == "ok":
        return reply[1]
    raise error_from_worker(reply[1], reply[2])
