"""Model profile pages (page kind "model profile"); the site does not name itself.

Page shape:

* a header: the model's name; ``Vendor · Family``; a one-line description; label lines each
  followed by a value line (``Type``, ``Context``, ``Max Output``, ``Status``, ``Input``,
  ``Output``, ``API Access``, ``License``); a line of space-separated tags;
  ``Released July 2024 · Updated May 16, 2026``;
* prose sections: ``Overview`` (with ``Freshness note: ... last verified on <date>``),
  ``Capabilities``, ``Technical Details``, ``Pricing & Access``, ``Best Use Cases``,
  ``Comparisons``.

Truncation: a complete profile has its prose sections after the header (any of them may be
missing or come in another order), and the page ends inside one with a finished sentence.
A page ending in the header, on a section heading, or mid-sentence is refused as
truncated before anything is read. The site has no fixed closing text and sections may be
missing, so a cut falling exactly at the end of a sentence or paragraph cannot be seen.

The prose restates header values ("a 200K context window with 32,768 max output tokens",
"$0.60 per 1M output tokens"); each such pair is reconciled (`_text.reconcile`): the more
precise statement wins when they agree by rounding, a contradiction is an error. The
Pricing & Access prose may be garbled by a math renderer (``0.15per1Minputtokens,``), so
its price patterns allow missing spaces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from ..errors import ExtractionError
from ..identity import resolve_host, resolve_vendor, slugify
from ..pages import Page
from ..records import (
    Claim,
    Extraction,
    Locator,
    ModelClaim,
    ModelRef,
    OfferClaim,
    RelationClaim,
    SourceInfo,
)
from ..units import parse_date, parse_price, parse_tokens
from ._text import (
    PageReader,
    Stated,
    ends_sentence,
    model_names_at,
    parse_field,
    prose_modalities,
    reconcile,
)

LABELS = ("Type", "Context", "Max Output", "Status", "Input", "Output", "API Access", "License")
SECTIONS = (
    "Overview", "Capabilities", "Technical Details", "Pricing & Access", "Best Use Cases",
    "Comparisons",
)
_RELEASED = re.compile(r"^Released\s+(?P<released>.+?)(?:\s*·\s*Updated\s+(?P<updated>.+))?$")
_UPDATED_ONLY = re.compile(r"^Updated\s+(?P<updated>.+)$")
_VERIFIED = re.compile(
    r"last verified (?:on )?(?P<date>[A-Z][a-z]+\.? \d{1,2},? \d{4}|\d{4}-\d{2}-\d{2})"
)

_COUNT = r"(?P<value>\d[\d,.]*\s?[KkMm]?)"
_PROSE_CONTEXT = (
    re.compile(_COUNT + r"(?:-token)?\s+(?:token\s+)?context window"),
    re.compile(r"context window of (?:up to )?" + _COUNT + r"\s+tokens"),
)
_PROSE_MAX_OUTPUT = (
    re.compile(_COUNT + r"\s+max(?:imum)?\s+output\s+tokens"),
    re.compile(r"max(?:imum)? output of (?:up to )?" + _COUNT + r"\s+tokens"),
)
_PRICE_NUMBER = r"\$?(?P<price>\d+(?:\.\d+)?)"
_PROSE_INPUT = (re.compile(_PRICE_NUMBER + r"\s*per\s*1\s*M\s*input\s*tokens", re.IGNORECASE),)
_PROSE_OUTPUT = (re.compile(_PRICE_NUMBER + r"\s*per\s*1\s*M\s*output\s*tokens", re.IGNORECASE),)
_PROSE_CACHED = (
    re.compile(_PRICE_NUMBER + r"\s*(?:per\s*1\s*M\s*)?cached\s*input", re.IGNORECASE),
)
_AVAILABLE_THROUGH = re.compile(r"\bavailable (?:through|via|on|from) (?:the )?")
_HOST_WORD = r"[A-Z][\w&-]*(?:\.[\w&-]+)*"  # dots only inside a word: "Bedrock." ends it
_HOST_NAME = re.compile(rf"{_HOST_WORD}(?: {_HOST_WORD})*")
_COMPARED = re.compile(r"\bCompared (?:with|to)\s+", re.IGNORECASE)

# sections whose prose may restate the header's specifications (not Comparisons, which
# speaks of other models)
_SPEC_SECTIONS = ("Overview", "Capabilities", "Technical Details")
_PRICING_SECTION = "Pricing & Access"
_NOT_STATED = {"—", "–", "-", "n/a", "unknown", "not disclosed", "tbd"}
_GENERIC_HOSTS = {"API", "APIs", "SDK", "The"}
_YES = {"yes", "true", "available"}
_NO = {"no", "false", "unavailable"}
# words that say whether a licence publishes the weights
_CLOSED_LICENSE = re.compile(r"\b(?:proprietary|closed|commercial)\b", re.IGNORECASE)
_OPEN_LICENSE = re.compile(
    r"\b(?:apache|mit|bsd|gpl|open|community license|cc-by|openrail)\b", re.IGNORECASE
)


@dataclass
class _Header:
    name: tuple[int, str]
    vendor: str | None = None
    family: str | None = None
    description: str | None = None
    values: dict[str, tuple[int, str]] = field(default_factory=dict)  # label -> (line, value)
    tags: list[str] = field(default_factory=list)
    released: tuple[int, str] | None = None
    updated: tuple[int, str] | None = None


def _price(text: str):
    """A header price; "Free" is zero."""
    return Decimal(0) if text.strip().lower() == "free" else parse_price(text)


class ModelProfileExtractor:
    name = "modelprofile"

    def detect(self, page: Page) -> float:
        lines = [line.strip() for line in page.lines]
        present = set(lines)
        score = 0.05 * sum(label in present for label in LABELS)
        score += 0.05 * sum(section in present for section in SECTIONS)
        if any(_RELEASED.match(line) and "·" in line for line in lines):
            score += 0.15
        if any(line.startswith("Freshness note:") for line in lines):
            score += 0.15
        head = [line for line in lines if line][:3]
        if len(head) > 1 and re.fullmatch(r"[^·]{1,60} · [^·]{1,60}", head[1]):
            score += 0.15
        return min(score, 1.0)

    def extract(self, page: Page) -> Extraction:
        source = page.path or page.source_id
        sections = self._sections(page)
        self._require_complete(page, sections)
        header_end = min((line for line, _ in sections.values()), default=len(page.lines) + 1)
        header = self._header(page, header_end - 1)
        vendor = header.vendor
        model = ModelRef(name=header.name[1], vendor=vendor)
        specs = [line for name in _SPEC_SECTIONS if name in sections for line in sections[name][1]]
        pricing = sections.get(_PRICING_SECTION, (None, []))[1]

        def parse(parser, label: str):
            if label not in header.values:
                return None
            line, text = header.values[label]
            return parse_field(parser, text, source=source, line=line, field=label)

        context = self._reconciled(
            page, "Context", parse(parse_tokens, "Context"), header, specs, _PROSE_CONTEXT,
            parse_tokens, binary=True)
        max_output = self._reconciled(
            page, "Max Output", parse(parse_tokens, "Max Output"), header, specs,
            _PROSE_MAX_OUTPUT, parse_tokens, binary=True)
        inputs: list[str] = []
        outputs: list[str] = []
        for _, text in specs:
            found_in, found_out = prose_modalities(text)
            inputs, outputs = inputs or found_in, outputs or found_out
        license_text = header.values.get("License", (None, None))[1]
        status = header.values.get("Status", (None, None))[1]
        model_type = header.values.get("Type", (None, None))[1]
        claims: list[Claim] = [ModelClaim(
            model=model, family=header.family, description=header.description,
            model_type=model_type, lifecycle_status=status,
            context_window=context.value if context else None,
            max_output_tokens=max_output.value if max_output else None,
            api_access=parse(self._yes_no, "API Access"),
            license=license_text, open_weights=self._open_weights(license_text),
            tags=header.tags,
            release_date=self._date(page, header.released, "Released"),
            updated=self._date(page, header.updated, "Updated"),
            input_modalities=inputs, output_modalities=outputs,
            locator=Locator(line=header.name[0], field="name", text=header.name[1]),
        )]
        offer = self._offer(page, model, header, pricing)
        if offer is not None:
            claims.append(offer)
        claims += self._comparisons(model, sections.get("Comparisons"))
        info = SourceInfo(
            site=None, page_kind="model profile", title=header.name[1],
            verified=self._verified(page, specs),
            updated=self._date(page, header.updated, "Updated"),
            locator=Locator(line=header.name[0], field="title"),
        )
        return Extraction(source_id=page.source_id, extractor=self.name, source=info,
                          claims=claims)

    # -- layout -------------------------------------------------------------------------

    @staticmethod
    def _sections(page: Page) -> dict[str, tuple[int, list[tuple[int, str]]]]:
        """heading -> (its 1-based line, [(line, text) of its non-blank body lines])."""
        sections: dict[str, tuple[int, list[tuple[int, str]]]] = {}
        current: list[tuple[int, str]] | None = None
        for number, raw in enumerate(page.lines, start=1):
            text = raw.strip()
            if text in SECTIONS and text not in sections:
                current = []
                sections[text] = (number, current)
            elif current is not None and text:
                current.append((number, text))
        return sections

    @staticmethod
    def _require_complete(page: Page, sections) -> None:
        """Refuse a page cut short (module docstring, "Truncation")."""
        reader = PageReader(page)

        def prose_sections(last: int) -> str | None:
            if not sections:
                return f"the profile's prose sections ({SECTIONS[0]!r} … {SECTIONS[-1]!r})"
            return None

        def last_sentence(last: int) -> str | None:
            text = reader.lines.stripped(last)
            if text in SECTIONS:
                return f"the text of its {text!r} section"
            if ends_sentence(text):
                return None
            number = last + 1
            heading = max((h for h, (line, _) in sections.items() if line <= number),
                          key=lambda h: sections[h][0])
            return f"the end of its last sentence in {heading!r}"

        reader.require_complete(prose_sections, last_sentence)

    def _header(self, page: Page, end: int) -> _Header:
        """Read the header lines [0, end): name, vendor · family, description, labels, tags."""
        lines = [(i + 1, page.lines[i].strip()) for i in range(end) if page.lines[i].strip()]
        if not lines:
            raise self._error(page, "the page has no header (model name first)", 1, "name")
        (name_line, name), rest = lines[0], lines[1:]
        if name in LABELS or name in SECTIONS:
            raise self._error(page, f"expected the model's name first, found {name!r}",
                              name_line, "name")
        header = _Header(name=(name_line, name))
        consumed = {name_line}
        label_lines = [number for number, text in rest if text in LABELS]
        first_label = label_lines[0] if label_lines else end + 1
        before = [(number, text) for number, text in rest if number < first_label]
        before = [(number, text) for number, text in before if not _RELEASED.match(text)]
        if before and self._vendor_line(before[0][1]):
            vendor, _, family = before[0][1].partition("·")
            header.vendor, header.family = vendor.strip() or None, family.strip() or None
            consumed.add(before[0][0])
            before = before[1:]
        if before:
            header.description = " ".join(text for _, text in before)
            consumed.update(number for number, _ in before)
        for index, (number, text) in enumerate(rest):
            if text not in LABELS or number in consumed:
                continue
            consumed.add(number)
            value = rest[index + 1] if index + 1 < len(rest) else None
            if value is None or value[1] in LABELS or _RELEASED.match(value[1]):
                raise self._error(page, f"{text!r} has no value (page truncated?)", number, text)
            if text in header.values:
                raise self._error(page, f"{text!r} is stated twice (lines "
                                  f"{header.values[text][0]} and {value[0]})", value[0], text)
            consumed.add(value[0])
            if value[1].lower() not in _NOT_STATED:
                header.values[text] = value
        for number, text in rest:
            if number in consumed:
                continue
            released, updated = _RELEASED.match(text), _UPDATED_ONLY.match(text)
            if released:
                header.released = (number, released.group("released"))
                if released.group("updated"):
                    header.updated = (number, released.group("updated"))
            elif updated:
                header.updated = (number, updated.group("updated"))
            elif number > first_label:
                header.tags += text.split()
        return header

    @staticmethod
    def _vendor_line(text: str) -> bool:
        """``OpenAI · GPT-4o``; without a family, a short line that is not a sentence."""
        return "·" in text or (len(text) <= 40 and not text.endswith("."))

    # -- values -------------------------------------------------------------------------

    @staticmethod
    def _error(page: Page, message: str, line: int | None, field_name: str | None):
        return ExtractionError(message, source=page.path or page.source_id, line=line,
                               field=field_name)

    def _date(self, page: Page, stated: tuple[int, str] | None, field_name: str):
        if stated is None:
            return None
        return parse_field(parse_date, stated[1], source=page.path or page.source_id,
                           line=stated[0], field=field_name)

    @staticmethod
    def _yes_no(text: str) -> bool:
        if text.lower() in _YES:
            return True
        if text.lower() in _NO:
            return False
        raise ValueError(f"expected Yes or No, got {text!r}")

    @staticmethod
    def _open_weights(license_text: str | None) -> bool | None:
        if not license_text:
            return None
        if _CLOSED_LICENSE.search(license_text):
            return False
        if _OPEN_LICENSE.search(license_text):
            return True
        return None

    def _reconciled(self, page: Page, label: str, value, header: _Header, prose, patterns,
                    parser, binary: bool = False) -> Stated | None:
        """The header's value and every prose restatement, reconciled to one."""
        source = page.path or page.source_id
        statements = []
        if value is not None:
            line, text = header.values[label]
            statements.append(Stated.number(value, text, line, binary_prefix=binary))
        for number, text in prose:
            for pattern in patterns:
                for match in pattern.finditer(text):
                    raw = match.group("value" if "value" in pattern.groupindex else "price")
                    parsed = parse_field(parser, raw, source=source, line=number, field=label)
                    statements.append(Stated.number(parsed, raw, number, binary_prefix=binary))
        return reconcile(statements, source=source, field=label)

    def _verified(self, page: Page, prose) -> object:
        for number, text in prose:
            match = _VERIFIED.search(text)
            if match:
                return parse_field(parse_date, match.group("date"),
                                   source=page.path or page.source_id, line=number,
                                   field="verified")
        return None

    # -- offer ----------------------------------------------------------------------------

    def _offer(self, page: Page, model: ModelRef, header: _Header, pricing):
        """One offer on the host "Pricing & Access" names (else "<vendor> API"), priced by
        the header's Input / Output and the prose's cached-input price."""
        prices = {}
        for label, key, patterns in (
            ("Input", "input_price", _PROSE_INPUT),
            ("Output", "output_price", _PROSE_OUTPUT),
            ("Cached Input", "cached_input_price", _PROSE_CACHED),
        ):
            value = None
            if label in header.values:
                line, text = header.values[label]
                value = parse_field(_price, text, source=page.path or page.source_id,
                                    line=line, field=label)
            stated = self._reconciled(page, label, value, header, pricing, patterns, parse_price)
            if stated is not None:
                prices[key] = stated.value
        if not prices:
            return None
        host, line = self._host(model, pricing)
        if host is None:
            if model.vendor is None:
                raise self._error(page, "prices but no host: neither \"available through "
                                  "<host>\" nor a vendor", None, "Pricing & Access")
            host = f"{model.vendor} API"
        price_line = header.values.get("Input", header.values.get("Output", (line, "")))[0]
        return OfferClaim(
            model=model, host=host,
            locator=Locator(line=price_line, field="Input / Output"), **prices,
        )

    @staticmethod
    def _host(model: ModelRef, pricing) -> tuple[str | None, int | None]:
        vendor_slug = resolve_vendor(model.vendor) if model.vendor else None
        named: list[tuple[str, int]] = []
        for number, text in pricing:
            for match in _AVAILABLE_THROUGH.finditer(text):
                position = match.end()
                while True:
                    host = _HOST_NAME.match(text, position)
                    if host is None:
                        break
                    if host.group() not in _GENERIC_HOSTS:
                        named.append((host.group(), number))
                    joiner = re.match(r",\s+|\s+(?:and|or)\s+", text[host.end():])
                    if not joiner:
                        break
                    position = host.end() + joiner.end()
        first_party = [item for item in named if resolve_host(item[0]) == vendor_slug]
        chosen = (first_party or named or [(None, None)])[0]
        return chosen

    # -- comparisons ----------------------------------------------------------------------

    @staticmethod
    def _comparisons(model: ModelRef, section) -> list[Claim]:
        if section is None:
            return []
        claims: list[Claim] = []
        seen = {slugify(model.name or "")}
        for number, text in section[1]:
            for match in _COMPARED.finditer(text):
                for name, _, end in model_names_at(text, match.end()):
                    if slugify(name) in seen:
                        continue
                    seen.add(slugify(name))
                    snippet = text[match.start():end]
                    claims.append(RelationClaim(
                        subject=model, relation="compared_with", object=ModelRef(name=name),
                        note=snippet,
                        locator=Locator(line=number, field="Comparisons", text=snippet),
                    ))
        return claims


EXTRACTOR = ModelProfileExtractor()
