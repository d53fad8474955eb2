"""A query worker: a child process that owns a read-only store and runs one job at a time.

Started by :class:`modelgraph.execution.pool.QueryExecutor` as
``python -m modelgraph.execution.worker FD DATA_DIR MAX_BYTES PARENT_PID``; it talks to
its parent over the Unix socket FD in length-prefixed pickles (channel.py). It imports
only pyoxigraph and the light modelgraph modules so that a respawn after a timeout is quick.

The job itself runs as in evaluation.py.
"""

from __future__ import annotations

import os
import signal
import socket
import sys
from pathlib import Path

from ..errors import ModelgraphError, StoreError
from . import channel
from .evaluation import LiveStore, run_job


def _die_with_parent(parent_pid: int) -> None:
    """Ask Linux to SIGKILL us when the parent goes, so no orphan keeps computing."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)


def serve(sock: socket.socket, data_dir: Path, max_bytes: int) -> None:
    live = LiveStore(data_dir)
    try:
        live.get()  # open the store now rather than during the first query
    except StoreError:
        pass  # nothing built yet: each job will say so until a build appears
    channel.send(sock, ("ready", os.getpid()))
    while True:
        try:
            job = channel.recv(sock)
        except (EOFError, OSError):
            return  # the parent closed the connection: shut down
        try:
            reply = ("ok", run_job(live, job, max_bytes))
        except ModelgraphError as exc:
            reply = ("error", type(exc).__name__, exc.to_dict())
        except Exception as exc:  # noqa: BLE001 - a bug: report it rather than die silently
            reply = ("error", "WorkerFailed", {"message": f"{type(exc).__name__}: {exc}"})
        channel.send(sock, reply)


def main(argv: list[str]) -> None:
    fd, data_dir, max_bytes, parent_pid = int(argv[0]), Path(argv[1]), int(argv[2]), int(argv[3])
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _die_with_parent(parent_pid)
    serve(socket.socket(fileno=fd), data_dir, max_bytes)


if __name__ == "__main__":
    main(sys.argv[1:])
