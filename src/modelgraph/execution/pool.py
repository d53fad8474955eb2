"""A pool of query worker processes with a hard time limit per job.

`run(job)` borrows an idle worker, sends it the job and waits at most `timeout_s` for the
answer. A worker that overruns is SIGKILLed (a thread could not be stopped, a process can)
and a fresh one is started in its place; the caller gets :class:`QueryTimeout`.

All workers are spawned from one long-lived thread because Linux's parent-death signal
(which kills workers if the server dies) fires when the *thread* that forked them exits.
"""

from __future__ import annotations

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
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Self

from ..errors import ModelgraphError, StoreError
from ..store.embedded import EmbeddedStore, write_generation
from .jobs import Output, QueryTimeout, WorkerFailed, WorkersBusy, error_from_worker

log = logging.getLogger("modelgraph.execution")


class _Worker:
    def __init__(self, process: subprocess.Popen, conn: Connection) -> None:
        self.process = process
        self.conn = conn
        self.ready = False

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_ready(self, timeout_s: float) -> None:
        if self.ready:
            return
        if not self.conn.poll(timeout_s):
            raise StoreError(f"a query worker did not start within {timeout_s:g} s")
        message = self.conn.recv()
        if message[0] != "ready":
            raise WorkerFailed(f"a query worker sent {message[0]!r} instead of 'ready'")
        self.ready = True

    def kill(self) -> None:
        try:
            self.process.kill()
            self.process.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            log.error("query worker %s did not die after SIGKILL", self.pid)
        self.conn.close()

    def stop(self, grace_s: float = 2.0) -> None:
        """Close the connection (the worker exits on EOF); kill it if it lingers."""
        self.conn.close()
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
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._spawner: ThreadPoolExecutor | None = None
        self._closed = False
        self.timeouts = 0  # jobs stopped by the time limit, for /health
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
            self._idle.put(worker)
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
            worker.conn.send(job)
            if not worker.conn.poll(limit):
                self._replace(worker)
                worker = None
                self.timeouts += 1
                raise QueryTimeout(
                    f"query exceeded the {limit:g} s time limit and was stopped",
                    field="query_timeout_s",
                )
            reply = worker.conn.recv()
        except (EOFError, OSError) as exc:
            if worker is not None:
                self._replace(worker)
                worker = None
            raise WorkerFailed(f"the query worker died ({type(exc).__name__})") from None
        except ModelgraphError:
            if worker is not None and not worker.ready:
                self._replace(worker)
                worker = None
            raise
        finally:
            if worker is not None:
                self._idle.put(worker)
        if reply[0] == "ok":
            return reply[1]
        raise error_from_worker(reply[1], reply[2])

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
    def _replace(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._all.discard(worker)
            if self._closed:
                return
        log.warning("query worker %s stopped; starting a new one", worker.pid)
        self._idle.put(self._spawn())

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
        worker = _Worker(process, Connection(parent_sock.detach()))
        with self._lock:
            self._all.add(worker)
        return worker
