"""A real `oxigraph serve` for tests, on a free loopback port, with its data in a temp dir.

The `oxigraph` PyPI package (test extra) ships the binary. Use the session fixture::

    from ..oxigraph_server import oxigraph_server  # noqa: F401  (in a conftest.py)

    def test_something(oxigraph_server):
        RemoteStore(oxigraph_server.url)

or `OxigraphServer(path).start()` / `.stop()` directly.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

START_TIMEOUT_S = 15.0


def oxigraph_binary() -> str | None:
    """The `oxigraph` executable beside this Python (the venv's bin), else on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.is_file():
        return str(beside)
    return shutil.which("oxigraph")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class OxigraphServer:
    """`oxigraph serve --location LOCATION --bind 127.0.0.1:PORT`, started and stopped."""

    def __init__(self, location: Path, *extra_args: str) -> None:
        self.location = location
        self.extra_args = extra_args
        self.process: subprocess.Popen | None = None
        self.port: int | None = None
        self.log = location.parent / f"{location.name}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> OxigraphServer:
        binary = oxigraph_binary()
        if binary is None:
            raise RuntimeError("the oxigraph CLI is not installed (pip install -e '.[test]')")
        for _attempt in range(3):  # the free port may be taken between probe and bind
            self.port = free_port()
            with open(self.log, "wb") as log:
                self.process = subprocess.Popen(
                    [binary, "serve", "--location", str(self.location),
                     "--bind", f"127.0.0.1:{self.port}", *self.extra_args],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            if self._wait_until_up():
                return self
            self.stop()
        raise RuntimeError(f"oxigraph serve did not start: {self.log.read_text()[-2000:]}")

    def _wait_until_up(self) -> bool:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                if httpx.get(self.url + "/", timeout=1.0).status_code == 200:
                    return True
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        return False

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        self.process = None


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory):
    """One `oxigraph serve` for the whole test session (tests clear what they need)."""
    server = OxigraphServer(tmp_path_factory.mktemp("oxigraph") / "data").start()
    try:
        yield server
    finally:
        server.stop()
