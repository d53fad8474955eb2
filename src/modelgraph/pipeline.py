"""The whole build: pages -> extract -> resolve -> RDF -> validate -> commit.

`build_dataset` does everything but writing; `build` also commits the result to a data
directory, atomically (store/embedded.py), or to a given store (a triplestore server:
one update request, see docs/remote-stores.md), and only when validation finds no
violation.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import extractors
from .conflicts import Conflict, find_conflicts
from .derive import derive
from .errors import InputError, ModelgraphError, ValidationFailed
from .pages import PAGE_SUFFIXES, Page, read_page
from .rdf import extraction_quads, source_graph
from .records import Extraction, PartialDate
from .resources import ontology_graph_iri, ontology_quads
from .store.base import Store
from .store.embedded import EmbeddedStore, write_generation
from .validation import ValidationIssue, ValidationReport, validate_quads

MANIFEST = "manifest.toml"


@dataclass
class SourceResult:
    """One page's contribution: what read it and how much it said."""

    source_id: str
    path: str
    extractor: str
    claims: int
    quads: list[ox.Quad] = field(repr=False)
    site: str | None = None
    title: str | None = None

    @property
    def triples(self) -> int:
        return len(self.quads)


@dataclass
class Dataset:
    """A built (not yet committed) dataset with its validation report and conflicts."""

    sources: list[SourceResult]
    quads: list[ox.Quad] = field(repr=False)
    report: ValidationReport
    conflicts: list[Conflict]

    @property
    def conforms(self) -> bool:
        return self.report.conforms


@dataclass
class BuildResult:
    dataset: Dataset
    data_dir: Path | None
    generation: str | None


def read_manifest(seeds_dir: Path) -> dict[str, dict]:
    """Per-file metadata from `seeds_dir/manifest.toml`, keyed by file name (optional)."""
    path = seeds_dir / MANIFEST
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"manifest is not valid TOML: {exc}", source=str(path)) from exc
    return {entry["file"]: entry for entry in data.get("source", []) if "file" in entry}


def discover_pages(seeds_dir: Path) -> list[Page]:
    """Every page file in `seeds_dir` (sorted), with manifest metadata attached."""
    if not seeds_dir.is_dir():
        raise InputError("not a directory of pages", source=str(seeds_dir))
    manifest = read_manifest(seeds_dir)
    paths = sorted(p for p in seeds_dir.iterdir() if p.suffix in PAGE_SUFFIXES and p.is_file())
    if not paths:
        raise InputError(
            f"no page files ({', '.join(PAGE_SUFFIXES)}) in this directory", source=str(seeds_dir)
        )
    return [read_page(path, manifest.get(path.name)) for path in paths]


def apply_manifest(extraction: Extraction, meta: dict) -> Extraction:
    """Fill what the page does not state about itself from its manifest entry.

    The page wins: a manifest value never overrides a value the extractor read.
    """
    if not meta:
        return extraction
    source = extraction.source
    updates = {}
    for key in ("site", "page_kind", "title", "url"):
        if getattr(source, key) is None and meta.get(key):
            updates[key] = str(meta[key])
    for key in ("researched", "verified", "refreshed", "updated"):
        if getattr(source, key) is None and meta.get(key):
            updates[key] = PartialDate.parse(str(meta[key]))
    if not updates:
        return extraction
    return extraction.model_copy(update={"source": source.model_copy(update=updates)})


def extract_page(page: Page) -> Extraction:
    extraction = extractors.extract(page, page.meta.get("format"))
    return apply_manifest(extraction, page.meta)


def extract_pages(pages: list[Page]) -> list[SourceResult]:
    """Extract every page; the first page that cannot be read stops the build."""
    results = []
    seen: dict[str, str] = {}
    for page in pages:
        if page.source_id in seen:
            raise InputError(
                f"two pages map to source id {page.source_id!r} ({seen[page.source_id]})",
                source=page.path,
            )
        seen[page.source_id] = page.path or page.source_id
        extraction = extract_page(page)
        seed_file = Path(page.path).name if page.path else None
        results.append(
            SourceResult(
                source_id=extraction.source_id,
                path=page.path or "",
                extractor=extraction.extractor,
                claims=len(extraction.claims),
                quads=extraction_quads(extraction, seed_file),
                site=extraction.source.site,
                title=extraction.source.title,
            )
        )
    return results


def conflict_issues(conflicts: list[Conflict]) -> list[ValidationIssue]:
    """Source conflicts as report warnings, each naming every source involved."""
    return [
        ValidationIssue(
            severity="Warning",
            focus_node=conflict.subject,
            path=conflict.property,
            value=" | ".join(value.value for value in conflict.values),
            message=conflict.describe(),
            source_ids=tuple(conflict.sources),
            shape=None,
            constraint=None,
        )
        for conflict in conflicts
    ]


def assemble(sources: list[SourceResult]) -> Dataset:
    """Validate the sources together, find their conflicts, and add the derived graph
    (relations the views read precomputed; derive.py)."""
    quads = ontology_quads() + [quad for source in sources for quad in source.quads]
    conflicts = find_conflicts(EmbeddedStore.memory(quads))
    report = validate_quads(quads, extra_issues=conflict_issues(conflicts))
    return Dataset(sources=sources, quads=quads + derive(quads), report=report,
                   conflicts=conflicts)


def build_dataset(seeds_dir: Path) -> Dataset:
    return assemble(extract_pages(discover_pages(seeds_dir)))


def require_conforming(dataset: Dataset) -> None:
    if not dataset.conforms:
        count = len(dataset.report.violations())
        raise ValidationFailed(
            f"{count} SHACL violation(s); the stored graph was not changed",
            report=dataset.report,
        )


def commit(dataset: Dataset, data_dir: Path) -> str:
    """Write a conforming dataset as the new live generation; refuse a nonconforming one."""
    require_conforming(dataset)
    return write_generation(data_dir, dataset.quads)


def build(seeds_dir: Path, data_dir: Path | None, *, store: Store | None = None) -> BuildResult:
    """Build from pages and, with a data directory, commit. Errors leave the store as it was.

    With `store` instead (a RemoteStore), the dataset replaces modelgraph's graphs there.
    Without either the dataset is built and checked but not stored.
    """
    dataset = build_dataset(seeds_dir)
    if store is not None:
        require_conforming(dataset)
        store.replace_dataset(dataset.quads)
        return BuildResult(dataset, None, None)
    if data_dir is None:
        require_conforming(dataset)
        return BuildResult(dataset, None, None)
    return BuildResult(dataset, data_dir, commit(dataset, data_dir))


__all__ = [
    "BuildResult",
    "Dataset",
    "ModelgraphError",
    "SourceResult",
    "build",
    "build_dataset",
    "commit",
    "discover_pages",
    "extract_page",
    "ontology_graph_iri",
    "source_graph",
]
