"""A real server: `modelgraph.web.serve.run` under uvicorn in a child process, on a free
port of 127.0.0.1, over an on-disk store; JSON access logs; workers stop with it."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from modelgraph.store.embedded import write_generation

from .conftest import PREFIXES, catalogue_quads


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def children(pid: int) -> set[int]:
    """The server's query workers (not the process that materialises views)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found.update(int(p) for p in text if _is_worker(int(p)))
    return found


def _is_worker(pid: int) -> bool:
    try:
        return b"modelgraph.execution.worker" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.fixture
def server(tmp_path):
    data_dir = tmp_path / "data"
    write_generation(data_dir, catalogue_quads())
    port = free_port()
    env = {
        **os.environ,
        "MODELGRAPH_DATA_DIR": str(data_dir),
        "MODELGRAPH_PORT": str(port),
        "MODELGRAPH_WORKERS": "1",
        "MODELGRAPH_LOG_FORMAT": "json",
    }
    log_path = tmp_path / "server.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "modelgraph.web.serve"], env=env, stderr=log, stdout=log
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    try:
        while True:
            try:
                if httpx.get(base + "/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, "server did not start: " + log_path.read_text()
            time.sleep(0.05)
        yield base, process, log_path, data_dir
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def test_a_real_server_answers_queries_and_logs_json_lines(server):
    base, process, log_path, _ = server
    query = PREFIXES + "SELECT ?g WHERE { GRAPH ?g { ?m mg:contextWindow 8000 } }"
    response = httpx.get(base + "/sparql", params={"query": query}, timeout=10)
    assert response.status_code == 200
    results = ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)
    assert [s["g"].value for s in results] == ["https://w3id.org/modelgraph/source/gamma"]
    assert httpx.get(base + "/docs", timeout=10).status_code == 200

    workers = children(process.pid)
    assert workers, "queries run in worker processes"
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=15) == 0
    for pid in workers:
        assert not Path(f"/proc/{pid}").exists(), "a worker outlived the server"

    records = [json.loads(line) for line in log_path.read_text().splitlines() if line.strip()]
    access = [r for r in records if r["logger"] == "modelgraph.access"]
    sparql = next(r for r in access if r["http"]["path"] == "/sparql")
    assert sparql["http"]["status"] == 200 and sparql["http"]["method"] == "GET"
    assert sparql["http"]["bytes"] == len(response.content)
    assert sparql["http"]["duration_ms"] >= 0


def test_the_server_picks_up_a_new_generation_without_restarting(server):
    base, _, _, data_dir = server
    count = PREFIXES + "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"

    def total() -> int:
        response = httpx.get(base + "/sparql", params={"query": count}, timeout=10)
        results = ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)
        return int(next(iter(results))["n"].value)

    assert total() == 24
    extra = ox.Quad(
        ox.NamedNode("http://example.org/s"),
        ox.NamedNode("http://example.org/p"),
        ox.Literal("o"),
        ox.NamedNode("http://example.org/g"),
    )
    generation = write_generation(data_dir, [*catalogue_quads(), extra])
    assert total() == 25
    assert httpx.get(base + "/health", timeout=10).json()["generation"] == generation


def test_a_lone_client_repeating_a_cheap_query_is_answered_in_the_server_alike(server):
    base, _, _, _ = server
    query = PREFIXES + "SELECT ?m ?w WHERE { ?m mg:contextWindow ?w } ORDER BY ?m ?w"
    with httpx.Client(base_url=base, timeout=10, headers={"Cache-Control": "no-cache"}) as client:
        bodies = [client.get("/sparql", params={"query": query}).content for _ in range(4)]
        health = client.get("/health").json()
    assert len(set(bodies)) == 1
    rows = ox.parse_query_results(bodies[0], format=ox.QueryResultsFormat.JSON)
    assert len(list(rows)) > 1
    assert health["queries_answered_by_workers"] == 1  # the first: measured there
    assert health["queries_answered_inline"] == 3


SLOW = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . "
        "?m ?n1 ?o . ?p ?q ?r }")  # minutes on the fixture: far past the 10 s time limit


def test_a_query_whose_client_disconnects_is_stopped_and_its_worker_replaced(server):
    base, process, _, _ = server
    (worker,) = children(process.pid)
    port = int(base.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port)) as client:
        target = "/sparql?" + str(httpx.QueryParams({"query": SLOW}))
        client.sendall(f"GET {target} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        sent = time.monotonic()
        while cpu_seconds(worker) < 0.2:  # the worker is computing the query
            assert time.monotonic() - sent < 8, "the query never started"
            time.sleep(0.05)
        time.sleep(max(0.0, sent + 1.3 - time.monotonic()))  # past the 1 s before listening
    deadline = time.monotonic() + 5  # well before the 10 s time limit
    while Path(f"/proc/{worker}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not Path(f"/proc/{worker}").exists(), "the abandoned query's worker still runs"
    ask = httpx.get(base + "/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=10)
    assert ask.status_code == 200  # a fresh worker answers
    assert children(process.pid) - {worker}
