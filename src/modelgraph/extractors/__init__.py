"""Extractors: one module per site format, page text -> `Extraction` (typed claims).

An extractor is any object with

* ``name``: a short stable id for the format (``"llmreference"``),
* ``detect(page) -> float``: confidence in [0, 1] that the page is in this format,
* ``extract(page) -> Extraction``: the claims, or `ExtractionError` naming line and field.

Built-in extractors register the same way a plugin does: through the
``modelgraph.extractors`` entry-point group (see pyproject.toml), so a new site format is
one new module plus one line.
"""

from __future__ import annotations

from functools import cache
from importlib.metadata import entry_points
from typing import Protocol, runtime_checkable

from ..errors import UnknownFormatError
from ..pages import Page
from ..records import Extraction

MIN_CONFIDENCE = 0.5


@runtime_checkable
class Extractor(Protocol):
    name: str

    def detect(self, page: Page) -> float: ...

    def extract(self, page: Page) -> Extraction: ...


@cache
def registry() -> dict[str, Extractor]:
    """All extractors by name: built-ins and plugins, loaded from entry points."""
    found: dict[str, Extractor] = {}
    for entry in entry_points(group="modelgraph.extractors"):
        extractor = entry.load()
        found[extractor.name] = extractor
    return found


def detect(page: Page) -> Extractor:
    """The extractor that recognises `page` best; `UnknownFormatError` if none does."""
    scored = sorted(
        ((extractor.detect(page), name, extractor) for name, extractor in registry().items()),
        key=lambda item: (-item[0], item[1]),
    )
    if not scored or scored[0][0] < MIN_CONFIDENCE:
        known = ", ".join(sorted(registry())) or "none registered"
        first = next((line.strip() for line in page.lines if line.strip()), "")[:60]
        raise UnknownFormatError(
            f"no extractor recognises this page (known formats: {known}); "
            f"it starts with {first!r}",
            source=page.path or page.source_id,
            line=1,
        )
    return scored[0][2]


def extract(page: Page, format_name: str | None = None) -> Extraction:
    """Extract `page` with the named format, or the detected one."""
    if format_name is not None:
        try:
            extractor = registry()[format_name]
        except KeyError:
            raise UnknownFormatError(
                f"unknown page format {format_name!r} (known: {', '.join(sorted(registry()))})",
                source=page.path or page.source_id,
            ) from None
    else:
        extractor = detect(page)
    return extractor.extract(page)
