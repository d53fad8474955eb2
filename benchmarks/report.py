"""results.json -> results.md (tables, ratios, targets) and results.png (medians per query)."""

from __future__ import annotations

from pathlib import Path

from .generate import parse_size

COLUMNS = (  # (label, engine, kind)
    ("modelgraph /sparql", "modelgraph", "raw"),
    ("modelgraph view", "modelgraph", "views"),
    ("modelgraph view, computed", "modelgraph", "views_computed"),
    ("oxigraph serve", "oxigraph", "raw"),
    ("rdflib-endpoint", "rdflib-endpoint", "raw"),
    ("in-process pyoxigraph", "in-process", "raw"),
    ("modelgraph /sparql, cached", "modelgraph", "raw_cached"),
    ("modelgraph view, cached", "modelgraph", "views_cached"),
)
PEERS = ("oxigraph", "rdflib-endpoint")
TARGET_SIZE = "1m"
NOISE = 1.05  # "no slower" allows 5 % of measurement noise
GB = 1024 ** 3


# -- lookups -------------------------------------------------------------------------------


def _timing(size: dict, engine: str, kind: str, query: str) -> dict | None:
    return size["engines"].get(engine, {}).get(kind, {}).get(query)


def _median(size: dict, engine: str, kind: str, query: str) -> float | None:
    timing = _timing(size, engine, kind, query)
    return timing.get("median_ms") if timing else None


def _queries(size: dict) -> list[str]:
    names: list[str] = []
    for engine in size["engines"].values():
        for kind in ("raw", "views", "views_computed", "raw_cached", "views_cached"):
            for name in engine.get(kind, {}):
                if name not in names:
                    names.append(name)
    return sorted(names)


def _cheap(size: dict) -> set[str]:
    return {"describe", "lineage", "migration", "price_ladder"} & set(_queries(size))


def _failed(size: dict, engine: str, kind: str, query: str) -> str | None:
    """The status of a measurement that produced no median (timeout, error), else None."""
    timing = _timing(size, engine, kind, query)
    if timing and timing.get("median_ms") is None:
        return timing.get("status", "failed").split(":")[0]
    return None


def _fastest_peer(size: dict, query: str) -> tuple[str, float] | None:
    found = [(p, _median(size, p, "raw", query)) for p in PEERS]
    found = [(p, m) for p, m in found if m is not None]
    return min(found, key=lambda pm: pm[1]) if found else None


def _cell(timing: dict | None) -> str:
    if not timing:
        return "–"
    if timing.get("median_ms") is None:
        return timing.get("status", "–").split(":")[0]
    return f"{timing['median_ms']:.2f} / {timing['p95_ms']:.2f}"


def _mb(value) -> str:
    return f"{value / 2**20:,.0f} MB" if value else "–"


def _secs(value) -> str:
    return f"{value:.1f} s" if isinstance(value, (int, float)) else "–"


def _ratio(a, b) -> str:
    return f"{a / b:.2f}×" if a is not None and b else "–"


# -- targets -------------------------------------------------------------------------------


def target_size(results: dict) -> tuple[str | None, str]:
    sizes = results["sizes"]
    if TARGET_SIZE in sizes:
        return TARGET_SIZE, ""
    if not sizes:
        return None, ""
    largest = max(sizes, key=parse_size)
    return largest, f" (no {TARGET_SIZE} run: judged at {largest})"


def targets(results: dict) -> list[tuple[str, str, str]]:
    """[(target, PASS | FAIL | n/a, detail)]."""
    name, note = target_size(results)
    out: list[tuple[str, str, str]] = []
    size = results["sizes"].get(name) if name else None

    def add(target: str, checks: list[tuple[bool, str]], missing: str) -> None:
        if not checks:
            out.append((target + note, "n/a", missing))
            return
        verdict = "PASS" if all(ok for ok, _ in checks) else "FAIL"
        failing = [d for ok, d in checks if not ok]
        out.append((target + note, verdict, "; ".join(failing or [d for _, d in checks][:3])))

    if size is None:
        return [("all targets", "n/a", "no size was measured")]
    views, raw_ox, raw_inproc, tput, rss = [], [], [], [], []
    for query in _queries(size):
        view = _median(size, "modelgraph", "views", query)
        view_failed = _failed(size, "modelgraph", "views", query)
        peer = _fastest_peer(size, query)
        if view is not None and peer:
            views.append((view <= peer[1] * NOISE,
                          f"{query}: view {view:.2f} ms vs {peer[0]} {peer[1]:.2f} ms"))
        elif view_failed and peer:
            views.append((False, f"{query}: view {view_failed} vs {peer[0]} {peer[1]:.2f} ms"))
        mg = _median(size, "modelgraph", "raw", query)
        mg_failed = _failed(size, "modelgraph", "raw", query)
        ox = _median(size, "oxigraph", "raw", query)
        if mg is not None and ox is not None:
            raw_ox.append((mg <= ox * NOISE, f"{query}: {mg:.2f} vs {ox:.2f} ms"))
        elif mg_failed and ox is not None:
            raw_ox.append((False, f"{query}: {mg_failed} vs {ox:.2f} ms"))
        inproc = _median(size, "in-process", "raw", query)
        if query in _cheap(size) and mg is not None and inproc is not None:
            raw_inproc.append((mg - inproc <= 1.0,
                               f"{query}: {mg:.2f} ms vs in-process {inproc:.2f} ms"))
        elif query in _cheap(size) and mg_failed and inproc is not None:
            raw_inproc.append((False, f"{query}: {mg_failed} vs in-process {inproc:.2f} ms"))
    engines = size["engines"]
    mg_rps = (engines.get("modelgraph", {}).get("throughput") or {}).get("rps")
    for peer, factor in (("oxigraph", 0.8), ("rdflib-endpoint", 5.0)):
        peer_rps = (engines.get(peer, {}).get("throughput") or {}).get("rps")
        if mg_rps and peer_rps:
            tput.append((mg_rps >= factor * peer_rps,
                         f"{mg_rps:.0f} req/s vs {peer} {peer_rps:.0f} (need ≥ {factor}×)"))
    peak = engines.get("modelgraph", {}).get("peak_rss")
    if peak:
        rss.append((peak < 1.5 * GB, f"peak {_mb(peak)}"))
    add("every helper view ≥ as fast as the fastest peer's raw query", views,
        "modelgraph views not measured")
    add("raw /sparql no slower than oxigraph serve", raw_ox, "not measured")
    add("raw /sparql ≤ in-process + 1 ms on cheap queries", raw_inproc, "not measured")
    add("throughput ≥ 0.8× oxigraph and ≥ 5× rdflib-endpoint", tput, "not measured")
    validation = results.get("validation", {})
    total = _import_seconds(validation)
    if total is None:
        out.append(("models.dev import ingested + validated < 60 s", "n/a",
                    validation_line(validation)))
    else:
        out.append(("models.dev import ingested + validated < 60 s",
                    "PASS" if total < 60 else "FAIL", validation_line(validation)))
    add("modelgraph server peak RSS < 1.5 GB", rss, "not measured")
    return out


def _import_seconds(validation: dict) -> float | None:
    if validation.get("status") != "ok" or validation.get("validate_s") is None:
        return None
    return validation["extract_s"] + validation["validate_s"] + validation.get("store_s", 0)


def validation_line(validation: dict) -> str:
    if validation.get("status") != "ok":
        return validation.get("status", "not run")
    extract = f"extract {validation['extract_s']:.1f} s ({validation['quads']:,} quads)"
    if validation.get("validate_s") is None:
        return f"{extract}; SHACL validation {validation.get('validation', 'n/a')}"
    store = f" + store {validation['store_s']:.1f} s" if "store_s" in validation else ""
    return (f"{extract} + SHACL {validation['validate_s']:.1f} s{store} = "
            f"{_import_seconds(validation):.1f} s, {validation.get('validation')}")


# -- text ----------------------------------------------------------------------------------


def engine_line(outcome: dict) -> str:
    if outcome.get("status") != "ok":
        return outcome.get("status", "?")
    raw = outcome.get("raw", {})
    timeouts = [q for q, t in raw.items() if t["status"] != "ok"]
    tput = (outcome.get("throughput") or {}).get("rps")
    parts = [f"load {_secs(outcome.get('load_s'))}", f"start {_secs(outcome.get('startup_s'))}",
             f"peak RSS {_mb(outcome.get('peak_rss'))}"]
    if tput:
        parts.append(f"{tput:.0f} req/s")
    if timeouts:
        parts.append("not ok: " + ", ".join(f"{q} ({raw[q]['status'][:40]})" for q in timeouts))
    return ", ".join(parts)


def ratio_lines(results: dict) -> list[str]:
    lines = []
    for name, size in results["sizes"].items():
        for query in _queries(size):
            mg = _median(size, "modelgraph", "raw", query)
            view = _median(size, "modelgraph", "views", query)
            parts = [f"{name:>5} {query:<18}"]
            for peer in PEERS:
                parts.append(f"mg/{peer.split('-')[0]} {_ratio(mg, _median(size, peer, 'raw', query))}")
            inproc = _median(size, "in-process", "raw", query)
            if mg is not None and inproc is not None:
                parts.append(f"mg−inproc {mg - inproc:+.2f} ms")
            peer = _fastest_peer(size, query)
            if view is not None and peer:
                parts.append(f"view/{peer[0].split('-')[0]} {_ratio(view, peer[1])}")
            lines.append("  ".join(parts))
    return lines


def console_summary(results: dict) -> str:
    lines = ["ratios (median latency; < 1 means modelgraph is faster):", *ratio_lines(results),
             "", "targets:"]
    lines += [f"  {verdict:<4}  {target}: {detail}" for target, verdict, detail in
              targets(results)]
    return "\n".join(lines)


def markdown(results: dict, plot_name: str) -> str:
    meta = results["meta"]
    plan = meta["plan"]
    out = ["# modelgraph benchmark", ""]
    if meta.get("quick"):
        out += ["> **Quick run** (`--quick`: 10k only, few repetitions) — a harness check, "
                "not numbers to quote.", ""]
    out += [
        f"Run {meta['date']} on {meta['machine']}, checkout {meta.get('revision', '?')}; "
        + ", ".join(f"{k} {v}" for k, v in meta["versions"].items()) + ".",
        "",
        f"Each query: {plan['warmup']} warm-up request(s), then up to {plan['reps']} timed "
        f"requests within {plan['budget_s']:.0f} s; a request over {plan['cap_s']:.0f} s is "
        f"a timeout. Throughput: {plan['clients']} clients on the price ladder for "
        f"{plan['throughput_s']:.0f} s. One engine runs at a time, all on 127.0.0.1. "
        "Latency cells are `median / p95` in ms for the whole request (body read). "
        "modelgraph keeps a response cache: every request but the *cached* columns carries "
        "`Cache-Control: no-cache`, so the main numbers and the targets are the engine's own "
        "work; *cached* is what a repeated GET costs. "
        "*modelgraph view* is the service as it runs by default: per-model views read from "
        "the documents a background process materialises for each store generation (timed "
        "once /health reports them complete); *view, computed* is the same server with "
        "`MODELGRAPH_MATERIALIZE_VIEWS=false`, running each view's queries per request. "
        "See benchmarks/README.md for the method and results/findings.md for a reading. "
        "The machine is shared with other work: 'background load' (1-minute load average "
        "just before an engine started) shows how busy it was; scans vary by ±30 % between "
        "runs for that reason.",
        "",
        "## Data", "",
        "| size | quads | graphs | slices | lineage edges | longest chain | conflicting values |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, size in results["sizes"].items():
        d = size["data"]
        out.append(f"| {name} | {d['quads']:,} | {d['graphs']} | {d['slices']} | "
                   f"{d['lineage_edges']:,} | {d['longest_chain']} | {d['conflicting_values']:,} |")
    out += ["", f"## models.dev import", "", validation_line(results.get("validation", {})), ""]
    out += ["## Targets", "", "| target | result | detail |", "|---|---|---|"]
    out += [f"| {t} | **{v}** | {d} |" for t, v, d in targets(results)]
    out += ["", f"![median latency per query and engine]({plot_name})", ""]
    for name, size in results["sizes"].items():
        out += _size_section(name, size)
    return "\n".join(out) + "\n"


def _size_section(name: str, size: dict) -> list[str]:
    d = size["data"]
    t = d["targets"]
    out = [f"## {name} ({d['quads']:,} quads)", "",
           f"Targets: ladder/describe `{_short(t['ladder_model'])}`, lineage "
           f"`{_short(t['lineage_model'])}` (chain depth {t['lineage_depth']}), migration "
           f"`{_short(t['migration_from'])}` → `{_short(t['migration_to'])}`, search context ≥ "
           f"{t['min_context']} and input price ≤ {t['max_input_price']}.", ""]
    skipped = [f"{e}: {o['status']}" for e, o in size["engines"].items() if o.get("status") != "ok"]
    if skipped:
        out += ["Not measured: " + "; ".join(skipped), ""]
    out += ["### Latency (ms, median / p95)", "",
            "| query | cheap | " + " | ".join(c[0] for c in COLUMNS)
            + " | rows | answer bytes: /sparql, view |",
            "|---|---|" + "---:|" * len(COLUMNS) + "---|---:|"]
    cheap = _cheap(size)
    for query in _queries(size):
        cells = [_cell(_timing(size, e, k, query)) for _, e, k in COLUMNS]
        out.append(f"| {query} | {'yes' if query in cheap else 'no'} | " + " | ".join(cells)
                   + f" | {_rows(size, query)} | {_answer_bytes(size, query)} |")
    out += ["", "### Ratios (median; < 1 means modelgraph is faster)", "",
            "| query | /sparql ÷ oxigraph | /sparql ÷ rdflib | /sparql − in-process | "
            "view ÷ fastest peer raw |", "|---|---:|---:|---:|---:|"]
    for query in _queries(size):
        mg = _median(size, "modelgraph", "raw", query)
        inproc = _median(size, "in-process", "raw", query)
        view = _median(size, "modelgraph", "views", query)
        peer = _fastest_peer(size, query)
        out.append(
            f"| {query} | {_ratio(mg, _median(size, 'oxigraph', 'raw', query))} | "
            f"{_ratio(mg, _median(size, 'rdflib-endpoint', 'raw', query))} | "
            + (f"{mg - inproc:+.2f} ms" if mg is not None and inproc is not None else "–")
            + f" | {_ratio(view, peer[1]) + f' ({peer[0]})' if view is not None and peer else '–'} |")
    done = size["engines"].get("modelgraph", {}).get("materialized")
    if done:
        answered = sorted({v.get("answered") or "?" for v in
                           size["engines"]["modelgraph"].get("views", {}).values()})
        out += ["", f"Materialised views: {done.get('state')}, {done.get('done') or 0:,} of "
                f"{done.get('models') or 0:,} models in {_secs(done.get('seconds'))} "
                f"(server start to complete: {_secs(done.get('waited_s'))}); the timed "
                f"views were answered: {', '.join(answered)}."]
    out += ["", "### Load, memory, throughput", "",
            "| engine | status | load | start-up (until first answer) | loader peak RSS | "
            "server peak RSS | throughput (price ladder) | background load |",
            "|---|---|---:|---:|---:|---:|---:|---:|"]
    for engine, o in size["engines"].items():
        tp = o.get("throughput") or {}
        tput = f"{tp['rps']:.0f} req/s ({tp['errors']} errors)" if tp else "–"
        cached = o.get("throughput_cached") or {}
        if cached:
            tput += f"; cached {cached['rps']:.0f} req/s"
        out.append(f"| {engine} | {o.get('status', '?')[:80]} | {_secs(o.get('load_s'))} | "
                   f"{_secs(o.get('startup_s'))} | {_mb(o.get('load_rss'))} | "
                   f"{_mb(o.get('peak_rss'))} | {tput} | {o.get('background_load', '–')} |")
    out.append("")
    return out


def _rows(size: dict, query: str) -> str:
    counts = {}
    for engine in ("modelgraph", "oxigraph", "rdflib-endpoint", "in-process"):
        timing = _timing(size, engine, "raw", query)
        if timing and timing.get("rows") is not None:
            counts[engine] = timing["rows"]
    if not counts:
        return "–"
    if len(set(counts.values())) == 1:
        return str(next(iter(counts.values())))
    return "differ: " + ", ".join(f"{e} {n}" for e, n in counts.items())


def _answer_bytes(size: dict, query: str) -> str:
    """How much each modelgraph answer says: a view cites sources, flags conflicts and
    builds trees, so it is larger (and costs more) than the raw query it is compared with."""
    sizes = [(_timing(size, "modelgraph", kind, query) or {}).get("bytes") for kind in
             ("raw", "views")]
    return ", ".join(f"{n:,}" if n is not None else "–" for n in sizes)


def _short(iri: str) -> str:
    return iri.rsplit("/model/", 1)[-1]


# -- plot ----------------------------------------------------------------------------------


def plot(results: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = list(results["sizes"].items())
    if not sizes:
        return
    fig, axes = plt.subplots(len(sizes), 1, figsize=(12, 3.6 * len(sizes)), squeeze=False)
    width = 0.8 / len(COLUMNS)
    for ax, (name, size) in zip(axes[:, 0], sizes):
        queries = _queries(size)
        for i, (label, engine, kind) in enumerate(COLUMNS):
            xs, ys = [], []
            for j, query in enumerate(queries):
                median = _median(size, engine, kind, query)
                timing = _timing(size, engine, kind, query)
                x = j + (i - len(COLUMNS) / 2 + 0.5) * width
                if median is not None:
                    xs.append(x)
                    ys.append(median)
                elif timing and timing.get("status") == "timeout":
                    ax.annotate("T", (x, 1), ha="center", fontsize=8, color="red")
            ax.bar(xs, ys, width, label=label)
        ax.set_yscale("log")
        ax.set_xticks(range(len(queries)), queries)
        ax.set_ylabel("median ms (log)")
        ax.set_title(f"{name} ({size['data']['quads']:,} quads)")
        ax.grid(axis="y", alpha=0.3)
    axes[0, 0].legend(fontsize=7, ncol=4, loc="upper left")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
