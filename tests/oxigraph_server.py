"""A real `oxigraph serve` for tests, on a free loopback port, with its data in a temp dir.

The `oxigraph` PyPI package (test extra) ships the binary. Use the session fixture
(tests/conftest.py provides it to every test package)::

    def test_something(oxigraph_server):
        RemoteStore(oxigraph_server.url)

or `OxigraphServer(path).start()` / `.stop()` directly. Tests that need the server to hold
a given dataset while others use it too go through `SharedServer`.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from modelgraph.store import RemoteStore
from modelgraph.store.sparql_text import insert_data

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


class SharedServer:
    """The session's server, shared by tests that each need it to hold their own dataset.

    Any test may change the server (store contract tests, CLI tests, service writes).
    `state()` summarises everything on it (every graph, the default graph too) in two small
    queries, so a user notices that someone else changed it and loads its data again.
    """

    def __init__(self, server: OxigraphServer) -> None:
        self.url = server.url
        self._everything = RemoteStore(server.url, graph_prefix="", graph_cache_s=0)

    def state(self) -> str:
        default = self._everything.query("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }",
                                         union_default_graph=False)
        return f"{self._everything.fingerprint()}/{next(iter(default))['n'].value}"

    def load(self, quads: list[ox.Quad]) -> str:
        """Make the server hold exactly `quads` (in one update); return the new state."""
        insert = insert_data(quads)
        update = f"DROP ALL ;\n{insert}" if insert else "DROP ALL"
        response = httpx.post(self.url + "/update", content=update.encode(),
                              headers={"content-type": "application/sparql-update"}, timeout=30)
        response.raise_for_status()
        return self.state()

    def clear(self) -> str:
        return self.load([])

    def close(self) -> None:
        self._everything.close()
