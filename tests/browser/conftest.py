"""Real-browser tests: Debian's chromium, driven by Playwright, against `modelgraph serve`
running as a subprocess on a free local port over a graph built from seeds/.

Skipped only when /usr/bin/chromium is missing (`python3 dev.py test` installs it).
Playwright's own browser downloads are never used: they need the internet.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from modelgraph import pipeline

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
START_TIMEOUT_S = 30


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _modelgraph_command() -> list[str]:
    script = Path(sys.executable).with_name("modelgraph")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from modelgraph.cli import main; sys.exit(main())"]


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> str:
    """Base URL of a running `modelgraph serve` over the seed pages."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (python3 dev.py test installs chromium)")
    data_dir = tmp_path_factory.mktemp("data")
    pipeline.build(ROOT / "seeds", data_dir)
    port = _free_port()
    log = (tmp_path_factory.mktemp("log") / "serve.log").open("w")
    process = subprocess.Popen(
        [*_modelgraph_command(), "serve", "--data", str(data_dir), "--port", str(port),
         "--workers", "2", "--no-build"],
        stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
        env={**os.environ, "MODELGRAPH_LOG_FORMAT": "text"},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(base, process, log.name)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()


def _wait_until_healthy(base: str, process: subprocess.Popen, log_path: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"modelgraph serve exited with {process.returncode}: "
                               f"{Path(log_path).read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(base + "/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"modelgraph serve did not answer /health within {START_TIMEOUT_S} s: "
                       f"{Path(log_path).read_text()[-2000:]}")


@pytest.fixture(scope="session")
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, server):
    """A fresh page (empty storage) that records every request leaving the server's origin."""
    context = browser.new_context(viewport={"width": 1300, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.foreign_requests = []
    page.on("request", lambda request: None if request.url.startswith((server, "data:"))
            else page.foreign_requests.append(request.url))
    yield page
    context.close()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory) -> Path:
    """Where the tests leave a picture of each page they look at (for a person to check)."""
    return tmp_path_factory.mktemp("screenshots")
