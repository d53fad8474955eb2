"""Small text helpers for extractors of scraped pages whose HTML separators were lost.

Scraped table cells and chip lists often arrive run together (``FamilyGPT-4o``,
``ProprietaryRAGLong context``, ``imageInputbatchSupport``, ``textimage``). These helpers
split such runs by the *shape* of the text (case changes, known labels, a vocabulary of
words) and never by knowing facts about a model. They are generic: no site names here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from pydantic import ValidationError

from ..errors import ExtractionError
from ..records import Locator

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

    def last_nonblank(self) -> int | None:
        """Index of the page's last non-blank line (None for a blank page)."""
        for index in range(len(self.items) - 1, -1, -1):
            if self.items[index].strip():
                return index
        return None

    def stripped(self, index: int) -> str:
        return self.items[index].strip() if 0 <= index < len(self.items) else ""

    def find(
        self,
        test: str | re.Pattern | Callable[[str], bool],
        start: int = 0,
        stop: int | None = None,
    ) -> int | None:
        """First index in [start, stop) whose stripped line equals `test` (str), matches it
        from the start (compiled regex) or satisfies it (callable)."""
        if isinstance(test, str):
            matches = test.__eq__
        elif isinstance(test, re.Pattern):
            matches = lambda line: bool(test.match(line))
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

    ``split_label("Max output32,768", ["Max output", "Context"])`` -> ``("Max output",
    "32,768")``; None when no label fits.
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
        after_lower = prev.islower() and (starts_word or not strict)
        if after_lower or (starts_word and (prev.isdigit() or prev.isupper() or prev in ").")):
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
    """``Very low price, Good vision`` -> two items; commas inside numbers (32,768) stay."""
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


# --------------------------------------------------------------------------- prose


# Lower-case words that model names carry after a capitalised or numbered head
# ("GPT-4o mini", "o3 pro"); any other lower-case word ends a name.
MODEL_NAME_WORDS = frozenset(
    "mini nano micro tiny small medium large turbo pro flash lite instruct preview max plus "
    "ultra omni chat latest".split()
)
# Capitalised words that open a sentence or clause rather than a name ("Its Coding ...").
LEADING_NON_NAME_WORDS = frozenset(
    "A An The Its It Their This That These Those While When Whereas And But Or In On For "
    "With Overall Notably".split()
)
_NAME_TOKEN = re.compile(r"\S+")
_TRAILING_STOP = re.compile(r"(?:[,;:!?]|\.(?!\d))+$")
_POSSESSIVE = re.compile(r"['’]s$")


def _name_token(token: str, first: bool) -> bool:
    if token.startswith("(") and token.endswith(")") and len(token) > 2:
        return not first
    if first and token in LEADING_NON_NAME_WORDS:
        return False
    if any(char.isupper() or char.isdigit() for char in token):
        return True
    return not first and token.lower() in MODEL_NAME_WORDS


def model_name_at(text: str, start: int = 0) -> tuple[str, int] | None:
    """The model name that starts at `start` in prose, and the index where it ends; or None.

    Rule: a name is a run of tokens; the first has a capital or a digit (``GPT-4``, ``o3``),
    each later one has too, or is a name word (``mini``) or a parenthesised qualifier
    (``(2025-03-04)``). Punctuation after a token (``Turbo.``, ``Omni,``) or a possessive
    closes the name. ``model_name_at("than GPT-3.5 Turbo. It", 5)`` -> ``("GPT-3.5 Turbo", 18)``.
    """
    words: list[str] = []
    end = start
    for match in _NAME_TOKEN.finditer(text, start):
        token = match.group()
        stripped = _TRAILING_STOP.sub("", token)
        possessive = _POSSESSIVE.search(stripped)
        if possessive:
            stripped = stripped[: possessive.start()]
        if not stripped or not _name_token(stripped, first=not words):
            break
        words.append(stripped)
        end = match.start() + len(stripped)
        if stripped != token:  # punctuation or a possessive closes the name
            break
    if not words:
        return None
    return " ".join(words), end


def model_names_at(text: str, start: int = 0) -> list[tuple[str, int, int]]:
    """Model names listed at `start`, joined by "and"/"or", with their spans:
    ``GPT-5 mini or newer routes`` -> ``[("GPT-5 mini", …)]`` (``newer`` starts no name)."""
    found: list[tuple[str, int, int]] = []
    position = start
    while True:
        position += len(text[position:]) - len(text[position:].lstrip())
        named = model_name_at(text, position)
        if named is None:
            break
        found.append((named[0], position, named[1]))
        joiner = re.match(r"\s+(?:and|or)\s+", text[named[1]:])
        if not joiner:
            break
        position = named[1] + joiner.end()
    return found


MODALITY_WORDS = frozenset("text image images audio video file files pdf speech".split())
_MODALITY_RUN = r"(?P<run>[a-z]+(?:(?:,\s*and\s+|,\s*|\s+and\s+|\s+or\s+)[a-z]+)*)"
_INPUTS = re.compile(rf"(?<![\w-]){_MODALITY_RUN}\s+inputs?\b")
_OUTPUTS = re.compile(rf"(?<![\w-]){_MODALITY_RUN}\s+outputs?\b")


def _modality_run(match: re.Match | None) -> list[str]:
    if match is None:
        return []
    kept: list[str] = []
    # the run may begin with ordinary words ("supporting both text and image"): keep the
    # modality words at its end
    for word in reversed(re.split(r",\s*and\s+|,\s*|\s+and\s+|\s+or\s+|\s+", match.group("run"))):
        if word not in MODALITY_WORDS:
            break
        kept.append(word[:-1] if word in ("images", "files") else word)
    return kept[::-1]


def prose_modalities(text: str) -> tuple[list[str], list[str]]:
    """Modalities prose names: ``accepts text and image inputs, produces text outputs`` ->
    ``(["text", "image"], ["text"])``; empty lists when the prose names none."""
    return _modality_run(_INPUTS.search(text)), _modality_run(_OUTPUTS.search(text))


# --------------------------------------------------------------------------- one value, stated twice


_STATED_NUMBER = re.compile(r"(?P<number>\d[\d,]*(?:\.(?P<decimals>\d+))?)\s*(?P<suffix>[kKmMbBtT])?\b")
_SUFFIX_POWER = {"k": 1, "m": 2, "b": 3, "t": 4}


@dataclass(frozen=True)
class Stated:
    """A value as one line of the page states it, with the precision its digits carry.

    ``Stated.number(Decimal(16000), "16K tokens", line=12)`` has precision 1000 and may also
    mean 16 × 1024 (binary prefixes are common for token counts).
    """

    value: object
    line: int
    text: str
    precision: Decimal = Decimal(0)  # size of the last stated digit; 0 = exact / not numeric
    readings: tuple = ()  # other values the same text can mean (32K -> 32768)

    @classmethod
    def number(cls, value, text: str, line: int, binary_prefix: bool = False) -> Stated:
        match = _STATED_NUMBER.search(text)
        if match is None:
            return cls(value, line, text)
        decimals = len(match.group("decimals") or "")
        power = _SUFFIX_POWER.get((match.group("suffix") or "").lower(), 0)
        precision = Decimal(1000) ** power * Decimal(10) ** -decimals
        readings: tuple = ()
        if binary_prefix and power:
            readings = (Decimal(match.group("number").replace(",", "")) * 1024**power,)
        return cls(value, line, text, precision, readings)


def agree_by_rounding(a: Stated, b: Stated) -> bool:
    """Do two statements agree once the finer one is rounded to the coarser's precision?"""
    if not isinstance(a.value, (int, Decimal)) or not isinstance(b.value, (int, Decimal)):
        return a.value == b.value
    coarse, fine = (a, b) if a.precision >= b.precision else (b, a)
    for reading in (coarse.value, *coarse.readings):
        if abs(Decimal(reading) - Decimal(fine.value)) * 2 <= coarse.precision:
            return True
    return False


def reconcile(statements: Iterable[Stated | None], *, source: str, field: str) -> Stated | None:
    """One value for a single-valued field a page states more than once.

    Statements that agree by rounding collapse to the most precise one (on a tie, the first);
    any two that truly differ raise an ExtractionError naming both lines.
    """
    given = [statement for statement in statements if statement is not None]
    if not given:
        return None
    for i, a in enumerate(given):
        for b in given[i + 1:]:
            if not agree_by_rounding(a, b):
                raise ExtractionError(
                    f"the page states {field} twice and the values contradict: "
                    f"{a.text!r} (line {a.line}) vs {b.text!r} (line {b.line})",
                    source=source, line=b.line, field=field,
                )
    return min(
        enumerate(given),
        key=lambda item: (item[1].precision if item[1].precision else Decimal(0), item[0]),
    )[1]


# --------------------------------------------------------------------------- truncation


# a sentence ends with a stop, optionally closed by quotes or brackets
_SENTENCE_STOP = re.compile(r"[.!?…][\"'”’)\]]*$")


def ends_sentence(text: str) -> bool:
    """Does `text` end where a sentence may end? ``"... to learn more."`` -> True;
    ``"... the model sl"`` -> False. (A cut right after a stop cannot be told apart.)"""
    return bool(_SENTENCE_STOP.search(text.strip()))


def tail(text: str, width: int = 48) -> str:
    """The end of a line for messages: whole if short, else its last words within `width`
    characters after an ellipsis (a word cut here would look like the page's own cut)."""
    text = text.strip()
    if len(text) <= width:
        return text
    end = text[-width:]
    space = end.find(" ")
    return "…" + (end[space + 1 :] if 0 <= space < len(end) - 1 else end)


# A truncation check gets the index of the page's last non-blank line and returns what a
# complete page of its format would still have (the `<what>` in "page ends ... before
# <what>"), or None when that part of the page is complete.
TruncationCheck = Callable[[int], str | None]


# --------------------------------------------------------------------------- page reading


class PageReader:
    """Base for an extractor's per-page reader: lines, and errors/locators that say where.

    Subclasses read `self.lines` (0-based indexes); `fail`, `parse`, `locator` and `make`
    turn an index into the 1-based line a curator sees; `require_complete` refuses a page
    cut short. Extractors that read pages otherwise can still use a plain
    ``PageReader(page)`` for that check.
    """

    def __init__(self, page) -> None:
        self.page = page
        self.source = page.path or page.source_id
        self.lines = Lines(page.text)

    def fail(self, message: str, index: int | None, field: str | None = None) -> ExtractionError:
        line = Lines.number(index) if index is not None else None
        return ExtractionError(message, source=self.source, line=line, field=field)

    def require_complete(self, *checks: TruncationCheck) -> None:
        """Refuse a page that was cut short, before reading anything from it.

        Scraped pages can be cut anywhere. A cut page must never pass for a page whose
        site states less, so every format names how its complete pages end (a closing
        block of the site's template; a last line that is whole: a full table row, a
        finished sentence) as `checks`; the first check that fails raises an
        ExtractionError naming the last non-blank line, with field "page".
        """
        last = self.lines.last_nonblank()
        if last is None:
            raise ExtractionError(
                "the page has no text: it looks truncated", source=self.source, line=1,
                field="page",
            )
        for check in checks:
            expected = check(last)
            if expected:
                raise self.truncated(last, expected)

    def truncated(self, index: int, expected: str) -> ExtractionError:
        line = Lines.number(index)
        return self.fail(
            f"page ends at line {line} ({tail(self.lines[index])!r}) before {expected}: "
            "it looks truncated",
            index,
            "page",
        )

    def parse(self, parser: Callable[[str], T], text: str, index: int, field: str) -> T:
        return parse_field(parser, text, source=self.source, line=Lines.number(index), field=field)

    def locator(self, index: int, field: str, text: str | None = None) -> Locator:
        text = text or self.lines.stripped(index)
        return Locator(line=Lines.number(index), field=field, text=text)

    def make(self, kind: type[T], index: int, field: str, **values) -> T:
        """Build a record; a value the record refuses (negative price…) names line and field."""
        try:
            return kind(**values)
        except ValidationError as exc:
            problem = exc.errors()[0]
            where = ".".join(str(part) for part in problem["loc"])
            raise self.fail(f"{where}: {problem['msg']}", index, field) from None
