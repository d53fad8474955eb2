"""OpenRouter model pages (page kind "router model page").

The page has no title line. Its shape, as scraped:

1. the model author's description, starting ``<Name> is <Vendor>'s ...`` and running to a
   line of ``#tags``;
2. label lines each followed by a value line: ``Modalities`` (icons only, no text),
   ``In / Out Price`` (``$0.15 / $0.60per 1M``), ``Context``, ``Released``,
   ``Knowledge Cutoff``;
3. OpenRouter's boilerplate paragraphs explaining the page's charts (routing modes, prompt
   caching, throughput, uptime…). These name the site, so detection leans on them.
   Every model page closes with the paragraph on calling the model from code
   (``Drop-in code to call this model. ...``).

Truncation: a page without that closing paragraph, or whose last non-blank line does not
end a sentence (a label without its value, prose cut mid-word), is refused as truncated
before anything is read from it; labels may come in any order or be missing.

The author's description is shared with catalogue mirrors of OpenRouter (see `keyspecs`),
so the prose reader lives here as `read_author_description` / `author_prose_claims`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from ..errors import ExtractionError
from ..identity import slugify
from ..pages import Page
from ..records import (
    BenchmarkResultClaim,
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
    ends_sentence,
    model_name_at,
    model_names_at,
    parse_field,
    prose_modalities,
)

SITE = "OpenRouter"

# Lines OpenRouter prints on every model page (chart explanations). Each names the site.
_BOILERPLATE = (
    re.compile(r"OpenRouter routes your request to one of them"),
    re.compile(r"OpenRouter monitors every provider"),
    re.compile(r"among all models on OpenRouter"),
    re.compile(r"OpenRouter's API is OpenAI-compatible"),
    re.compile(r"average price customers are actually paying after prompt caching"),
)

# the paragraph that closes every model page (how a complete page ends)
CLOSING_PARAGRAPH = re.compile(r"Drop-in code to call this model\b")

PRICE_LABEL = "In / Out Price"
LABELS = ("Modalities", PRICE_LABEL, "Context", "Released", "Knowledge Cutoff")
_NO_VALUE = {"—", "-", "–", "n/a", "N/A", "unknown", "Unknown"}

# "$0.15 / $0.60per 1M" (the scrape glues "per" to the price)
_IN_OUT_PRICE = re.compile(
    r"^\$?\s*(?P<input>\d+(?:\.\d+)?)\s*/\s*\$?\s*(?P<output>\d+(?:\.\d+)?)"
    r"\s*(?:per\s*1\s*M(?:\s*tokens?)?)?$",
    re.IGNORECASE,
)


# --- the author's description ---------------------------------------------------------

_MARKDOWN_LINK = re.compile(r"\[(?P<text>[^\]]+)\]\((?P<href>[^)\s]+)\)")
_MODEL_HREF = re.compile(r"^(?:https?://[^/]+)?/models/(?P<id>[^/?#\s]+/[^/?#\s]+)")
_LINK_ARTIFACT = re.compile(r"\(opens in new tab\)")
_TAG = re.compile(r"(?<!\S)#(?P<tag>[A-Za-z][\w-]*)")
_VENDOR = r"(?P<vendor>[A-Z][\w.&-]*(?: [A-Z][\w.&-]*){0,3})"
# "<Name> is <Vendor>'s ...", "<Name> is a ... model from <Vendor>"
_NAME_IS = re.compile(r"^(?P<name>\S.*?) (?:is|are) ")
_IS_VENDORS = re.compile(r"^(?:(?:the|an?) )?" + _VENDOR + r"['’]s? ")
_FROM_VENDOR = re.compile(r"^[^.]*?\b(?:from|by) (?:the )?" + _VENDOR)
# an aside in the name: 'GPT-4o ("o" for "omni")'
_QUOTED_ASIDE = re.compile(r"\s*\([^)]*[\"“”‘’'][^)]*\)")
_MAX_NAME_WORDS = 8


@dataclass
class ProseLine:
    number: int  # 1-based page line
    text: str  # markdown links flattened to their text


@dataclass
class AuthorDescription:
    """What the first paragraph says: who made the model and how the author describes it."""

    name: str
    vendor: str | None
    first_line: int
    lines: list[ProseLine]
    tags: list[str] = field(default_factory=list)
    links: dict[str, str] = field(default_factory=dict)  # link text -> model identifier
    input_modalities: list[str] = field(default_factory=list)
    output_modalities: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(line.text for line in self.lines).strip()

    def ref(self, name: str, vendor: str | None = None) -> ModelRef:
        """A reference to a model the prose names, with the identifier its link gives."""
        return ModelRef(name=name, identifier=self.links.get(name), vendor=vendor)


def flatten_links(text: str) -> tuple[str, dict[str, str]]:
    """``[GPT-4 Omni](/models/openai/gpt-4o)`` -> ``GPT-4 Omni`` and {name: identifier}."""
    links: dict[str, str] = {}

    def replace(match: re.Match) -> str:
        model = _MODEL_HREF.match(match.group("href"))
        if model:
            links[match.group("text").strip()] = model.group("id")
        return match.group("text")

    return _MARKDOWN_LINK.sub(replace, text), links


def read_author_description(
    page: Page, numbered: list[tuple[int, str]], field_name: str = "description"
) -> AuthorDescription:
    """Read the author's paragraph(s): `numbered` are (line number, raw text) pairs."""
    lines: list[ProseLine] = []
    tags: list[str] = []
    links: dict[str, str] = {}
    for number, raw in numbered:
        text, found = flatten_links(_LINK_ARTIFACT.sub("", raw))
        links.update(found)
        tags += [match.group("tag") for match in _TAG.finditer(text)]
        text = _TAG.sub("", text).strip()
        if text:
            lines.append(ProseLine(number, re.sub(r"\s{2,}", " ", text)))
    if not lines:
        line = numbered[0][0] if numbered else 1
        raise extraction_error(page, "the author's description is empty", line, field_name)
    first = lines[0]
    name, vendor = _identity_from_first_sentence(page, first, field_name)
    description = AuthorDescription(
        name=name, vendor=vendor, first_line=first.number, lines=lines,
        tags=list(dict.fromkeys(tags)), links=links,
    )
    for line in lines:
        inputs, outputs = prose_modalities(line.text)
        description.input_modalities = description.input_modalities or inputs
        description.output_modalities = description.output_modalities or outputs
    return description


def _identity_from_first_sentence(
    page: Page, first: ProseLine, field_name: str
) -> tuple[str, str | None]:
    """Name and vendor from ``<Name> is <Vendor>'s ...`` (or ``... from <Vendor>``); when the
    sentence has no short subject before "is", the model name that opens it."""
    name, vendor = None, None
    match = _NAME_IS.match(first.text)
    if match:
        candidate = _QUOTED_ASIDE.sub("", match.group("name")).strip()
        if len(candidate.split()) <= _MAX_NAME_WORDS and not re.search(r"[.,;:](?:\s|$)", candidate):
            name = candidate
            rest = first.text[match.end():]
            owner = _IS_VENDORS.match(rest) or _FROM_VENDOR.match(rest)
            vendor = owner.group("vendor").strip() if owner else None
    if name is None and re.search(r"[.!?:](?:\s|$)", first.text):  # a whole sentence, not a cut
        opening = model_name_at(first.text)
        name = opening[0] if opening else None
    if name:
        return name, vendor
    raise extraction_error(
        page,
        "the description's first sentence does not name the model "
        f"(expected \"<Name> is <Vendor>'s ...\"), got {first.text[:60]!r}",
        first.number,
        "name",
    )


# Prose phrases that relate the described model to another one: (pattern, relation).
_RELATION_PHRASES = (
    (re.compile(r"\b(?:more than |about |up to |over )?(?:\d+(?:\.\d+)?%|\d+x) cheaper than\s+"),
     "cheaper_than"),
    (re.compile(r"\b(?:cheaper|less expensive|more affordable) than\s+"), "cheaper_than"),
    (re.compile(r"\b(?:newest|latest|next|new)\s+(?:[\w-]+\s+)?(?:model|release|version) "
                r"after\s+"), "predecessor"),
    (re.compile(r"\bsuccessor (?:to|of)\s+"), "predecessor"),
    (re.compile(r"\b(?:replaces|supersedes|succeeds)\s+"), "predecessor"),
    (re.compile(r"\b(?:ranks|ranked|scores|performs|rates) (?:higher|better|lower|worse) than\s+"),
     "compared_with"),
    (re.compile(r"\boutperform(?:s|ing)?\s+"), "compared_with"),
    (re.compile(r"\bcompared (?:with|to)\s+"), "compared_with"),
)
_SCORE_ON = re.compile(
    r"(?P<score>\d+(?:\.\d+)?)\s*%\s+(?:score\s+|accuracy\s+)?on\s+(?:the\s+)?"
    r"(?P<bench>[A-Z][\w.+-]*(?:\s+[A-Z0-9][\w.+-]*)*)"
)


def author_prose_claims(
    description: AuthorDescription, subject: ModelRef, reported_by: str | None
) -> list[Claim]:
    """Relations and benchmark scores the author's prose states about `subject`.

    The description is the model author's (the vendor's) text, so a score in it is
    vendor-reported: `reported_by` names the vendor and the note says so.
    """
    claims: list[Claim] = []
    seen: set[tuple[str, str]] = set()
    for line in description.lines:
        for pattern, relation in _RELATION_PHRASES:
            for match in pattern.finditer(line.text):
                for name, start, end in model_names_at(line.text, match.end()):
                    if (relation, name) in seen or slugify(name) == slugify(subject.spelling):
                        continue
                    seen.add((relation, name))
                    snippet = line.text[match.start() : end]
                    claims.append(RelationClaim(
                        subject=subject, relation=relation, object=description.ref(name),
                        note=snippet,
                        locator=Locator(line=line.number, field=relation, text=snippet),
                    ))
        for match in _SCORE_ON.finditer(line.text):
            claims.append(BenchmarkResultClaim(
                model=subject, benchmark=match.group("bench").rstrip(".,;:"),
                score=Decimal(match.group("score")), unit="percent", reported_by=reported_by,
                note="stated in the model author's (vendor's) description, not measured by "
                     "the page's site",
                locator=Locator(line=line.number, field="benchmark", text=match.group()),
            ))
    return claims


# --- errors and label/value lines -----------------------------------------------------

def extraction_error(page: Page, message: str, line: int | None, field: str | None):
    return ExtractionError(message, source=page.path or page.source_id, line=line, field=field)


def _label_values(page: Page, start: int) -> dict[str, tuple[int, str | None]]:
    """label -> (line of its value, value) for the label lines from `start` on."""
    lines = page.lines
    found: dict[str, tuple[int, str | None]] = {}
    for index in range(start, len(lines)):
        label = lines[index].strip()
        if label not in LABELS or label in found:
            continue
        after = next((i for i in range(index + 1, len(lines)) if lines[i].strip()), None)
        if after is None or lines[after].strip() in LABELS:
            found[label] = (index + 1, None)
        else:
            found[label] = (after + 1, lines[after].strip())
    return found


def require_complete(page: Page) -> None:
    """Refuse a page cut short (module docstring, "Truncation")."""
    reader = PageReader(page)

    def closing_paragraph(last: int) -> str | None:
        if reader.lines.find(CLOSING_PARAGRAPH) is None:
            return "OpenRouter's closing paragraph ('Drop-in code to call this model. …')"
        return None

    def last_sentence(last: int) -> str | None:
        return None if ends_sentence(reader.lines[last]) else "the end of its last sentence"

    reader.require_complete(closing_paragraph, last_sentence)


# --- the extractor --------------------------------------------------------------------

class OpenRouterExtractor:
    name = "openrouter"

    def detect(self, page: Page) -> float:
        lines = [line.strip() for line in page.lines]
        score = 0.0
        if PRICE_LABEL in lines:
            score += 0.4
        if any(_IN_OUT_PRICE.match(line) for line in lines):
            score += 0.1
        score += 0.05 * sum(label in lines for label in ("Context", "Released", "Knowledge Cutoff"))
        score += 0.15 * sum(bool(pattern.search(page.text)) for pattern in _BOILERPLATE)
        return min(score, 1.0)

    def extract(self, page: Page) -> Extraction:
        require_complete(page)
        lines = page.lines
        body_end = next(
            (i for i, line in enumerate(lines)
             if line.strip() in LABELS or any(p.search(line) for p in _BOILERPLATE)),
            len(lines),
        )
        paragraph = [(i + 1, lines[i]) for i in range(body_end) if lines[i].strip()]
        if not paragraph:
            raise extraction_error(page, "no author's description before the labels", 1, "name")
        description = read_author_description(page, paragraph)
        model = ModelRef(name=description.name, vendor=description.vendor)
        values = _label_values(page, body_end)

        def value(label: str, parser):
            line, text = values.get(label, (None, None))
            if line is None:
                return None, None
            if text is None:
                raise extraction_error(page, f"{label!r} has no value (page truncated?)", line,
                                       label)
            if text in _NO_VALUE:
                return None, line
            return parse_field(parser, text, source=page.path or page.source_id, line=line,
                               field=label), line

        context, _ = value("Context", parse_tokens)
        released, _ = value("Released", parse_date)
        cutoff, _ = value("Knowledge Cutoff", parse_date)
        prices, price_line = value(PRICE_LABEL, self._in_out_price)

        claims: list[Claim] = [ModelClaim(
            model=model, description=description.text, tags=description.tags,
            context_window=context, release_date=released, knowledge_cutoff=cutoff,
            input_modalities=description.input_modalities,
            output_modalities=description.output_modalities,
            locator=Locator(line=description.first_line, field="description",
                            text=description.lines[0].text[:120]),
        )]
        if prices is not None:
            claims.append(OfferClaim(
                model=model, host=SITE, host_kind="router",
                input_price=prices[0], output_price=prices[1],
                locator=Locator(line=price_line, field=PRICE_LABEL,
                                text=lines[price_line - 1].strip()),
            ))
        claims += author_prose_claims(description, model, reported_by=description.vendor)
        source = SourceInfo(site=SITE, page_kind="router model page", title=description.name,
                            locator=Locator(line=description.first_line, field="name"))
        return Extraction(source_id=page.source_id, extractor=self.name, source=source,
                          claims=claims)

    @staticmethod
    def _in_out_price(text: str) -> tuple[Decimal, Decimal]:
        match = _IN_OUT_PRICE.match(text)
        if not match:
            raise ValueError(f"not an input / output price pair: {text!r}")
        return parse_price(match.group("input")), parse_price(match.group("output"))


EXTRACTOR = OpenRouterExtractor()
