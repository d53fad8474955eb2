"""One finding of validation, as every part of modelgraph reports it."""

from __future__ import annotations

from dataclasses import asdict, dataclass

SEVERITIES = ("Violation", "Warning", "Info")  # most severe first


@dataclass(frozen=True)
class ValidationIssue:
    """A SHACL validation result, with the pages it came from.

    `value` is the offending value in N-Triples form (``"-1.0"^^<…#decimal>``, ``<iri>``) or,
    for checks outside SHACL, as the check words it; `path` and `constraint` are IRIs.
    """

    severity: str  # "Violation" | "Warning" | "Info"
    focus_node: str  # IRI (or _:label for a blank node)
    path: str | None  # property IRI
    value: str | None
    message: str
    source_ids: tuple[str, ...]  # source ids of the named graphs the bad value came from
    shape: str | None
    constraint: str | None  # constraint component IRI
    # where the focus node was read in its one source, as the extractor says
    # ("line 72, field 'Provider'", a models.dev record): its mg:locator there
    locator: str | None = None

    def to_dict(self) -> dict:
        data = asdict(self)
        data["source_ids"] = list(self.source_ids)
        return data

    @property
    def rank(self) -> int:
        return SEVERITIES.index(self.severity) if self.severity in SEVERITIES else len(SEVERITIES)
