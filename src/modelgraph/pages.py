"""A source page: the raw text as scraped, its id, and where it came from."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError
from .source_ids import id_from_stem

PAGE_SUFFIXES = (".txt", ".md", ".html", ".htm")


@dataclass(frozen=True)
class Page:
    """Raw page text plus identity. `source_id` names the page's named graph."""

    source_id: str
    text: str
    path: str | None = None
    meta: dict = field(default_factory=dict)

    @property
    def lines(self) -> list[str]:
        return self.text.splitlines()

    def line_of(self, needle: str, start: int = 0) -> int | None:
        """1-based line number of the first line at or after `start` containing `needle`."""
        for number, line in enumerate(self.lines[start:], start=start + 1):
            if needle in line:
                return number
        return None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()


def source_id_for(path: Path) -> str:
    """A page's source id: its file stem, made an id (source_ids.py)."""
    return id_from_stem(path.stem)


def read_page(path: Path | str, meta: dict | None = None) -> Page:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read page: {exc.strerror}", source=str(path)) from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"page is not UTF-8 text (byte {exc.start})", source=str(path)
        ) from exc
    if not text.strip():
        raise InputError("page is empty", source=str(path))
    return Page(source_id=source_id_for(path), text=text, path=str(path), meta=dict(meta or {}))
