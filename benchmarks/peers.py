"""The engines under test, each a SPARQL endpoint on 127.0.0.1 over the same N-Quads file.

* `ModelgraphEngine`  — ``modelgraph serve --data DIR`` over a data dir bulk-loaded with
  pyoxigraph in the layout of modelgraph.store.embedded (DIR/CURRENT -> generations/NAME);
  raw SPARQL on /sparql plus the helper views.
* `OxigraphEngine`    — ``oxigraph load`` then ``oxigraph serve-read-only
  --union-default-graph`` (PyPI ``oxigraph`` ships the binary); raw SPARQL on /query.
* `RdflibEngine`      — ``rdflib-endpoint serve FILE`` (an rdflib Dataset with
  ``default_union=True``, parsed at start-up); raw SPARQL on /sparql.
* `InProcess`         — pyoxigraph opened read-only on the modelgraph generation, no HTTP.

Every server runs in its own process group, is stopped (TERM, then KILL) by `stop()`, and its
resident memory (whole process tree) is sampled while it runs. Also a tiny CLI used as a
subprocess so that heavy work does not inflate the runner's own memory:

    python -m benchmarks.peers load-modelgraph FILE.nq DATA_DIR
    python -m benchmarks.peers import-models-dev
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import psutil

BIN = Path(sys.executable).parent
LOOPBACK = "127.0.0.1"
SETTLE_S = 1.0  # pause between an engine answering its readiness probe and the first timing


class EngineError(RuntimeError):
    """An engine could not be prepared or started; the message says why (and its log)."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def tool(name: str) -> str | None:
    """An executable from this virtualenv, else from PATH."""
    candidate = BIN / name
    return str(candidate) if candidate.exists() else shutil.which(name)


class RssSampler:
    """Peak resident memory of a process and its children, sampled in a thread."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        self.pid, self.interval = pid, interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            root = psutil.Process(self.pid)
        except psutil.Error:
            return
        while not self._stop.is_set():
            try:
                total = root.memory_info().rss
                for child in root.children(recursive=True):
                    try:
                        total += child.memory_info().rss
                    except psutil.Error:
                        pass
            except psutil.Error:
                return
            self.peak = max(self.peak, total)
            self._stop.wait(self.interval)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join(timeout=2)
        return self.peak


def run_measured(cmd: list[str], log: Path, timeout: float) -> tuple[float, int]:
    """Run a command to completion: (seconds, peak RSS bytes). Raises EngineError."""
    start = time.perf_counter()
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
        sampler = RssSampler(proc.pid)
        try:
            code = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            raise EngineError(f"{cmd[0]} did not finish in {timeout:.0f} s (log {log})")
        finally:
            peak = sampler.stop()
    if code != 0:
        raise EngineError(f"{' '.join(cmd[:3])} failed ({code}): {_tail(log)}")
    return time.perf_counter() - start, peak


def _kill_group(proc: subprocess.Popen, grace: float = 10.0) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=grace)
    except (ProcessLookupError, PermissionError):
        return
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            return
        proc.wait(timeout=grace)


def _tail(log: Path, lines: int = 8) -> str:
    try:
        return " | ".join(log.read_text(errors="replace").strip().splitlines()[-lines:])
    except OSError:
        return "(no log)"


# Every server started and not yet stopped, so that run.py can stop them all on any exit.
_RUNNING: set["Engine"] = set()


def stop_all() -> None:
    for engine in list(_RUNNING):
        engine.stop()


class Engine:
    """One SPARQL server: `prepare()` (load), `start()`, `stop()`; `endpoint` for queries."""

    name = "engine"
    endpoint_path = "/sparql"
    server_timeout = False  # True when the server cancels a query itself after the cap

    def __init__(self, nquads: Path, work: Path, cap_s: float) -> None:
        self.nquads, self.work, self.cap_s = nquads, work, cap_s
        self.work.mkdir(parents=True, exist_ok=True)
        self.log = work / f"{self.name}.log"
        self.port = 0
        self.proc: subprocess.Popen | None = None
        self.sampler: RssSampler | None = None
        self.peak_rss = 0
        self.load_s: float | None = None  # preparing the store (before the server starts)
        self.load_rss = 0
        self.startup_s: float | None = None  # spawn -> first answered query
        self.environment: dict[str, str] = {}  # set for the server process on top of ours

    @property
    def base(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def endpoint(self) -> str:
        return self.base + self.endpoint_path

    def available(self) -> str | None:
        """None when the engine can run here, else why not."""
        return None

    def prepare(self, load_timeout: float) -> None:
        """Build whatever the server reads (timed into `load_s`)."""

    def command(self) -> list[str]:
        raise NotImplementedError

    def start(self, ready_timeout: float) -> None:
        self.port = free_port()
        out = open(self.log, "a")
        started = time.perf_counter()
        self.proc = subprocess.Popen(self.command(), stdout=out, stderr=subprocess.STDOUT,
                                     start_new_session=True, cwd=self.work,
                                     env={**os.environ, **self.environment})
        out.close()
        _RUNNING.add(self)
        self.sampler = RssSampler(self.proc.pid)
        deadline = started + ready_timeout
        ready = False
        with httpx.Client(timeout=5.0) as client:
            while time.perf_counter() < deadline:
                if self.proc.poll() is not None:
                    self.stop()
                    raise EngineError(f"{self.name} exited ({self.proc.returncode}) at "
                                      f"start: {_tail(self.log)}")
                try:
                    reply = client.get(self.endpoint, params={"query": "ASK {}"},
                                       headers={"Accept": "application/sparql-results+json"})
                    if reply.status_code == 200:
                        self.startup_s = time.perf_counter() - started
                        ready = True
                        break
                    if reply.status_code in (404, 405):  # up, but no endpoint there
                        self.stop()
                        raise EngineError(f"{self.name}: {self.endpoint} answers "
                                          f"{reply.status_code}")
                except httpx.HTTPError:
                    pass
                time.sleep(0.2)
        if not ready:
            self.stop()
            raise EngineError(f"{self.name} not answering after {ready_timeout:.0f} s: "
                              f"{_tail(self.log)}")
        # The readiness probe is not the workload: let it end before measuring. (modelgraph
        # takes requests from two connections within 50 ms of each other for concurrent use
        # and sends them to its workers; a probe right before a series is no user's pattern.)
        time.sleep(SETTLE_S)

    def stop(self) -> None:
        if self.proc is not None:
            _kill_group(self.proc)
            self.proc = None
        if self.sampler is not None:
            self.peak_rss = max(self.peak_rss, self.sampler.stop())
            self.sampler = None
        _RUNNING.discard(self)

    def restart(self, ready_timeout: float) -> None:
        """After a query outran the cap on a server that cannot cancel it."""
        self.stop()
        self.start(ready_timeout)


class ModelgraphEngine(Engine):
    name = "modelgraph"
    endpoint_path = "/sparql"

    def __init__(self, nquads: Path, work: Path, cap_s: float) -> None:
        super().__init__(nquads, work, cap_s)
        self.data_dir = work / "modelgraph-data"

    def available(self) -> str | None:
        exe = tool("modelgraph")
        if exe is None:
            return "the `modelgraph` command is not installed"
        probe = subprocess.run([exe, "serve", "--help"], capture_output=True, text=True,
                               timeout=60)
        if probe.returncode != 0:
            return "`modelgraph serve` is not available yet"
        self._help = probe.stdout
        return None

    def prepare(self, load_timeout: float) -> None:
        shutil.rmtree(self.data_dir, ignore_errors=True)
        cmd = [sys.executable, "-m", "benchmarks.peers", "load-modelgraph", str(self.nquads),
               str(self.data_dir)]
        self.load_s, self.load_rss = run_measured(cmd, self.work / "modelgraph-load.log",
                                                  load_timeout)

    def wait_materialized(self, timeout_s: float) -> dict:
        """Wait until the server's background process has materialised every model's view
        documents (/health says so); what /health last said, and how long it took."""
        started = time.perf_counter()
        state: dict = {}
        with httpx.Client(timeout=5.0) as client:
            while time.perf_counter() - started < timeout_s:
                try:
                    state = client.get(self.base + "/health").json().get("materialized_views", {})
                except (httpx.HTTPError, ValueError):
                    state = {"state": "unknown"}
                if state.get("state") in ("complete", "off"):
                    break
                time.sleep(1.0)
        return {**state, "waited_s": round(time.perf_counter() - started, 1)}

    def store_path(self) -> Path:
        name = (self.data_dir / "CURRENT").read_text().strip()
        return self.data_dir / "generations" / name

    def command(self) -> list[str]:
        cmd = [tool("modelgraph"), "serve", "--data", str(self.data_dir),
               "--port", str(self.port)]
        help_text = getattr(self, "_help", "")
        if "--host" in help_text:
            cmd += ["--host", LOOPBACK]
        if "--no-build" in help_text:  # serve the generated data, never build from seeds
            cmd.append("--no-build")
        if "--timeout" in help_text:
            cmd += ["--timeout", str(max(1, int(self.cap_s)))]
            self.server_timeout = True
        return cmd


class OxigraphEngine(Engine):
    name = "oxigraph"
    endpoint_path = "/query"
    server_timeout = True

    def available(self) -> str | None:
        return None if tool("oxigraph") else "the `oxigraph` binary is not installed"

    def prepare(self, load_timeout: float) -> None:
        self.location = self.work / "oxigraph-data"
        shutil.rmtree(self.location, ignore_errors=True)
        cmd = [tool("oxigraph"), "load", "--location", str(self.location),
               "--file", str(self.nquads)]
        self.load_s, self.load_rss = run_measured(cmd, self.work / "oxigraph-load.log",
                                                  load_timeout)
        # then compact, as a careful operator would (and as modelgraph does to every
        # generation): lookups after `load` alone are ~40 % slower
        cmd = [tool("oxigraph"), "optimize", "--location", str(self.location)]
        optimize_s, optimize_rss = run_measured(cmd, self.work / "oxigraph-optimize.log",
                                                load_timeout)
        self.load_s += optimize_s
        self.load_rss = max(self.load_rss, optimize_rss)

    def command(self) -> list[str]:
        return [tool("oxigraph"), "serve-read-only", "--location", str(self.location),
                "--bind", f"{LOOPBACK}:{self.port}", "--union-default-graph",
                "--timeout-s", str(max(1, int(self.cap_s)))]


class RdflibEngine(Engine):
    name = "rdflib-endpoint"
    endpoint_path = "/"  # its CLI mounts SparqlEndpoint at the root

    def available(self) -> str | None:
        return None if tool("rdflib-endpoint") else "rdflib-endpoint is not installed"

    def command(self) -> list[str]:
        return [tool("rdflib-endpoint"), "serve", str(self.nquads), "--host", LOOPBACK,
                "--port", str(self.port)]


class InProcess:
    """pyoxigraph in this process, on the store modelgraph serves; results serialised to the
    format the HTTP engines send (JSON results / N-Triples), so the difference to /sparql is
    HTTP and server overhead alone."""

    name = "in-process"

    def __init__(self, store_path: Path) -> None:
        import pyoxigraph as ox

        self.ox = ox
        self.store = ox.Store.read_only(str(store_path))

    def run(self, sparql: str) -> int:
        """Run and serialise a query; the number of result rows (or triples)."""
        ox = self.ox
        results = self.store.query(sparql, use_default_graph_as_union=True)
        if isinstance(results, ox.QueryTriples):
            data = results.serialize(format=ox.RdfFormat.N_TRIPLES)
            return data.count(b"\n")
        if isinstance(results, ox.QuerySolutions):
            data = results.serialize(format=ox.QueryResultsFormat.JSON)
            return len(json.loads(data)["results"]["bindings"])
        return 1

    def close(self) -> None:
        self.store = None


# -- subprocess entry points -------------------------------------------------------------------


def load_modelgraph(nquads: Path, data_dir: Path) -> None:
    """Bulk-load into a fresh generation (the generated file holds the derived graph a build
    would write), compact it, then point CURRENT at it (store/embedded layout)."""
    import pyoxigraph as ox

    from modelgraph.store.embedded import CURRENT, GENERATIONS, settle

    name = f"bench-{int(time.time())}"
    path = data_dir / GENERATIONS / name
    path.mkdir(parents=True)
    store = ox.Store(str(path))
    store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)  # derived graph included
    settle(store)  # compacted, as every generation modelgraph writes
    del store
    (data_dir / CURRENT).write_text(name + "\n")


def import_models_dev() -> dict:
    """Time the models.dev import: extract + quads, then SHACL validation if available."""
    import logging

    logging.getLogger("modelgraph.sources.modelsdev").setLevel(logging.ERROR)
    started = time.perf_counter()
    from modelgraph.rdf import extraction_quads
    from modelgraph.resources import ontology_quads
    from modelgraph.sources.modelsdev import extract_catalogue

    quads = extraction_quads(extract_catalogue(skip_invalid=True))
    extracted = time.perf_counter()
    out = {"quads": len(quads), "extract_s": extracted - started}
    try:
        from modelgraph.validation import validate_quads
    except ImportError as exc:
        out.update(validate_s=None, validation=f"n/a ({exc})")
        return out
    report = validate_quads(quads)
    validated = time.perf_counter()
    out["validate_s"] = validated - extracted
    counts = report.counts() if hasattr(report, "counts") else {}
    issues = ", ".join(f"{n} {s.lower()}(s)" for s, n in counts.items() if n)
    out["validation"] = ("conforms" if report.conforms else "does not conform") + \
        (f" ({issues})" if issues else "")
    import tempfile

    from modelgraph.store.embedded import write_generation

    with tempfile.TemporaryDirectory(prefix="mg-import-") as data_dir:
        write_generation(Path(data_dir), [*quads, *ontology_quads()])
    out["store_s"] = time.perf_counter() - validated
    return out


def main(argv: list[str]) -> int:
    if argv[:1] == ["load-modelgraph"] and len(argv) == 3:
        load_modelgraph(Path(argv[1]), Path(argv[2]))
        return 0
    if argv == ["import-models-dev"]:
        print(json.dumps(import_models_dev()))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
