"""Small text helpers for extractors of scraped pages whose HTML separators were lost.

Scraped table cells and chip lists often arrive run together (``FamilyGPT-4o``,
``ProprietaryRAGLong context``, ``imageInputbatchSupport``, ``textimage``). These helpers
split such runs by the *shape* of the text (case changes, known labels, a vocabulary of
words) and never by knowing facts about a model. They are generic: no site names here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TypeVar

from ..errors import ExtractionError

T = TypeVar("T")


# --------------------------------------------------------------------------- lines


class Lines:
    """A page's lines with 1-based numbering for locators and a few search helpers.

    Indexes given to and returned by the methods are 0-based; `number(i)` is the 1-based
    line number a `Locator` or an error names.
    """

    def __init__(self, text: str) -> None:
        self.items = text.splitlines()

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int) -> str:
        return self.items[index]

    @staticmethod
    def number(index: int) -> int:
        return index + 1

    def stripped(self, index: int) -> str:
        return self.items[index].strip() if 0 <= index < len(self.items) else ""

    def find(
        self, test: str | re.Pattern | Callable[[str], bool], start: int = 0, stop: int | None = None
    ) -> int | None:
        """First index in [start, stop) whose stripped line equals `test` (str), matches it
        from the start (compiled regex) or satisfies it (callable)."""
        if isinstance(test, str):
            matches = test.__eq__
        elif isinstance(test, re.Pattern):
            matches = lambda line: bool(test.match(line))  # noqa: E731
        else:
            matches = test
        end = len(self.items) if stop is None else min(stop, len(self.items))
        for index in range(max(start, 0), end):
            if matches(self.items[index].strip()):
                return index
        return None

    def next_nonblank(self, index: int, stop: int | None = None) -> int | None:
        """First index after `index` (exclusive) holding a non-blank line."""
        return self.find(bool, index + 1, stop)

    def block(self, start: int, stop: int | None = None) -> list[int]:
        """Indexes of the consecutive non-blank lines from `start` (a table's rows)."""
        end = len(self.items) if stop is None else min(stop, len(self.items))
        out = []
        for index in range(max(start, 0), end):
            if not self.items[index].strip():
                break
            out.append(index)
        return out


# --------------------------------------------------------------------------- run-together text


def undouble(text: str) -> str:
    """A string scraped twice in a row collapses to one copy: ``ABCABC`` -> ``ABC``."""
    text = text.strip()
    half, odd = divmod(len(text), 2)
    if not odd and half and text[:half] == text[half:]:
        return text[:half]
    return text


def split_label(text: str, labels: Iterable[str]) -> tuple[str, str] | None:
    """Split a ``LabelValue`` cell by the longest known label it starts with.

    ``split_label("Max output16,384", ["Max output", "Context"])`` -> ``("Max output",
    "16,384")``; None when no label fits.
    """
    text = text.strip()
    for label in sorted(labels, key=len, reverse=True):
        if text.startswith(label):
            return label, text[len(label) :].strip()
    return None


def _protected(text: str, keep: Iterable[str]) -> set[int]:
    """Positions strictly inside an occurrence of a kept word (no split may fall there)."""
    inside: set[int] = set()
    for word in keep:
        if not word:
            continue
        for match in re.finditer(re.escape(word), text):
            inside.update(range(match.start() + 1, match.end()))
    return inside


def case_boundaries(text: str, keep: Iterable[str] = (), strict: bool = False) -> list[int]:
    """Positions where one run-together phrase ends and the next begins, by letter case.

    A boundary falls before an upper-case letter that directly follows (no space)

    * a lower-case letter: ``ProprietaryRAG`` -> ``Proprietary|RAG`` (not when `strict`);
    * a lower-case letter, digit or ``)``/``.`` *and* starts a capitalised word:
      ``publishedInitial`` -> ``published|Initial`` (the only kind when `strict`);
    * the end of an upper-case run, when it starts a capitalised word:
      ``APIFine-tuning`` -> ``API|Fine-tuning``.

    Positions inside any word of `keep` (names the page itself spells, e.g. ``OpenAI``) are
    never boundaries, so ``OpenAIVendor-reported`` -> ``OpenAI|Vendor-reported``.
    """
    blocked = _protected(text, keep)
    out = []
    for i in range(1, len(text)):
        prev, here = text[i - 1], text[i]
        if i in blocked or not here.isupper():
            continue
        starts_word = i + 1 < len(text) and text[i + 1].islower()
        if prev.islower() and (starts_word or not strict):
            out.append(i)
        elif (prev.isdigit() or prev in ").") and starts_word:
            out.append(i)
        elif prev.isupper() and starts_word:
            out.append(i)
    return out


def split_at(text: str, positions: Iterable[int]) -> list[str]:
    pieces, last = [], 0
    for position in positions:
        pieces.append(text[last:position])
        last = position
    pieces.append(text[last:])
    return [piece.strip() for piece in pieces if piece.strip()]


def split_case_runs(text: str, keep: Iterable[str] = (), strict: bool = False) -> list[str]:
    """Split a run of Title-case phrases: ``Structured OutputsPrompt CachingBatch API`` ->
    ``["Structured Outputs", "Prompt Caching", "Batch API"]`` (rules: `case_boundaries`)."""
    return split_at(text, case_boundaries(text, keep, strict))


def segment_words(text: str, vocabulary: Iterable[str]) -> list[str]:
    """Split a space-less run into words, preferring words of `vocabulary` (case-insensitive).

    Rule: of all ways to cut `text`, take the one leaving the fewest characters outside
    known words, then the one with fewest pieces, so unknown stretches stay whole:
    ``textimage`` -> ``["text", "image"]``; ``textzorgimage`` -> ``["text", "zorg",
    "image"]``; with an empty vocabulary the text comes back whole.
    """
    words = {word.lower() for word in vocabulary}
    lowered = text.lower()
    size = len(text)
    # best[i]: (unknown characters, pieces, cut before i) for the prefix text[:i]
    best: list[tuple[int, int, int] | None] = [None] * (size + 1)
    best[0] = (0, 0, 0)
    for end in range(1, size + 1):
        for start in range(end):
            if best[start] is None:
                continue
            unknown = 0 if lowered[start:end] in words else end - start
            score = (best[start][0] + unknown, best[start][1] + 1, start)
            if best[end] is None or score[:2] < best[end][:2]:
                best[end] = score
    pieces, end = [], size
    while end > 0:
        start = best[end][2]
        pieces.append(text[start:end])
        end = start
    return pieces[::-1]


_CAMEL_CHUNK = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z0-9]+|[^A-Za-z0-9]+")


def split_camel_flags(text: str, vocabulary: Iterable[str]) -> list[str]:
    """Split run-together lowerCamel flags: ``imageInputbatchSupport`` ->
    ``["imageInput", "batchSupport"]``.

    Rule: a flag is a lower-case head word followed by capitalised words. An upper-case
    letter always starts a word; where a lower-case stretch follows a word with no case
    change (``Inputbatch``, ``visionbatch``) it is cut by `segment_words` with the site's
    flag vocabulary, and every word that starts lower-case starts a new flag. A stretch the
    vocabulary cannot cut stays one word, so an unknown flag is kept whole, never dropped.
    """
    words: list[str] = []
    for chunk in _CAMEL_CHUNK.findall(text.strip()):
        if not chunk.strip(" ,;|/"):
            continue
        words.extend(segment_words(chunk, vocabulary))
    flags: list[str] = []
    for word in words:
        if flags and not word[0].islower():
            flags[-1] += word
        else:
            flags.append(word)
    return flags


def split_list(text: str, separators: str = r",\s+|;\s*") -> list[str]:
    """``Very low price, Good vision`` -> two items; commas inside numbers (16,384) stay."""
    return [item.strip() for item in re.split(separators, text) if item.strip()]


def dedupe(items: Iterable[T], key: Callable[[T], object] = lambda item: item) -> list[T]:
    """Items in first-seen order without repeats (by `key`)."""
    seen, out = set(), []
    for item in items:
        marker = key(item)
        if marker not in seen:
            seen.add(marker)
            out.append(item)
    return out


# --------------------------------------------------------------------------- field parsing


def parse_field(
    parser: Callable[[str], T], text: str, *, source: str, line: int | None, field: str
) -> T:
    """Run a units.py parser; its ValueError becomes an ExtractionError naming where."""
    try:
        return parser(text)
    except ValueError as exc:
        raise ExtractionError(str(exc), source=source, line=line, field=field) from None
