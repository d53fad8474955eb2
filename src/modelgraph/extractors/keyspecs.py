"""Catalogue mirrors of OpenRouter model pages (page kind "router catalogue mirror").

The site does not name itself (a manifest supplies it). Section headings, one per line:

* ``Author's Description``: OpenRouter's author text, with markdown links to other models
  (``[GPT-4 Omni](/models/openai/gpt-4o)``) that give identifiers;
* ``Key Specifications``: ``Supported Parameters`` / ``Features`` lists (often empty);
* ``Performance Summary``: the site's prose verdict, opening with the model's name (a dated
  snapshot such as ``Acme-Swift (2025-03-04)``), speed / pricing / reliability percentiles,
  and scores on the site's own benchmarks written ``<Name> (Baseline)``;
* ``Model Pricing`` > ``Current Pricing``: ``Prompt | $0.15 |`` rows (per 1M tokens);
* ``Available Endpoints``: ``Provider | Endpoint Name | Context Length | Pricing (Input) |
  Pricing (Output) |`` rows;
* ``Benchmark Results``: the site's benchmark table (header only when the site has no runs);
* ``Other Models by <vendor>``: the vendor's catalogue, one model per multi-line row.

Sections may come in any order or be missing; each is read where it is.

Truncation (`_require_complete`): the vendor's catalogue lists the page's own model too,
so every page has the ``Other Models by <vendor>`` table, and a complete table ends with
a whole ratings row (``★★ | ★★★★★ | $$$$$ |``: as many cells as the rating columns, each
stars, $ signs or a dash, closed by ``|``). The template puts the table last. The page's
last non-blank line must be whole too: not a heading or sub-heading without its text, a
table row closed by ``|``, a sentence (or the ``#tags``) that ends the description or the
summary. A page failing either is refused as truncated before anything is read. The site
states no row count, so a cut falling exactly between two whole catalogue rows cannot be
seen; any cut inside a row, or before the catalogue, is.

Rules this module applies (each documented where it is implemented):

* the Author's Description speaks of the alias (``GPT-4o-mini``); the Performance Summary's
  percentiles and benchmarks are about the snapshot it names (``Acme-Swift (2025-03-04)``);
* the Current Pricing's cache prices go to the endpoints priced like it (`_offers`);
* a name the vendor catalogue lists twice is kept once (`_one_row_per_model`);
* one vendor spelling for the whole page (`_vendor`);
* a benchmark stated in the summary and in the table is reconciled (`_merge_results`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from ..identity import resolve_host, resolve_model, rules, slugify
from ..pages import Page
from ..records import (
    AssessmentClaim,
    BenchmarkResultClaim,
    Claim,
    Extraction,
    Locator,
    ModelClaim,
    ModelRef,
    OfferClaim,
    SourceInfo,
)
from ..units import parse_date, parse_parameter_count, parse_percent, parse_price, parse_tokens
from ._text import (
    LEADING_NON_NAME_WORDS,
    Lines,
    PageReader,
    Stated,
    ends_sentence,
    model_name_at,
    parse_field,
    reconcile,
)
from .openrouter import SITE as ROUTER_SITE
from .openrouter import (
    AuthorDescription,
    author_prose_claims,
    extraction_error,
    read_author_description,
)

DESCRIPTION = "Author's Description"
SPECS = "Key Specifications"
SUMMARY = "Performance Summary"
PRICING = "Model Pricing"
ENDPOINTS = "Available Endpoints"
BENCHMARKS = "Benchmark Results"
OTHER_MODELS = "Other Models by "
HEADINGS = (DESCRIPTION, SPECS, SUMMARY, PRICING, ENDPOINTS, BENCHMARKS)

_DETECTION_WEIGHTS = {
    DESCRIPTION: 0.3, SPECS: 0.2, SUMMARY: 0.15, PRICING: 0.1, ENDPOINTS: 0.1,
    BENCHMARKS: 0.05, OTHER_MODELS: 0.1,
}
_ENDPOINT_HEADER = re.compile(r"^Provider\s*\|\s*Endpoint Name\s*\|")

_NONE = {"—", "-", "–", "", "N/A", "n/a"}

# Current Pricing row names -> OfferClaim fields (prices per 1M tokens)
_PRICE_ROWS = {
    "prompt": "input_price",
    "completion": "output_price",
    "input cache read": "cached_input_price",
    "input cache write": "cache_write_price",
}

# Performance Summary percentiles: metric -> words naming it near the percentile
_PERCENTILE_METRICS = {
    "speed percentile": ("speed", "fast", "throughput", "latency"),
    "pricing percentile": ("pric", "cost", "cheap", "afford"),
    "reliability percentile": ("reliab", "uptime", "failure"),
}
_PERCENTILE = re.compile(r"\b(?P<rank>\d{1,3})(?:st|nd|rd|th) percentile\b")

# The site's own benchmarks are named "<Name> (<variant>)"; the variants it uses:
BENCHMARK_VARIANTS = ("Baseline",)
_BENCHMARK_MENTION = re.compile(
    r"(?P<name>[A-Z][\w/&+-]*(?:\s+[A-Z][\w/&+-]*)*)\s+\((?P<variant>"
    + "|".join(BENCHMARK_VARIANTS) + r")\)"
)
_PERCENT_IN_PROSE = re.compile(r"(?P<score>\d+(?:\.\d+)?)\s*%")
_PERFECT = re.compile(r"\bperfect (?:accuracy|score)\b", re.IGNORECASE)

_MODALITY_LINE = re.compile(r"^(?P<modality>[A-Za-z]+) (?P<direction>input|output)$", re.IGNORECASE)
# "★★★☆☆" counts its filled stars; "+$$$$$" (beyond the scale) its dollar signs
_RATING = re.compile(r"^\+?(?:(?P<stars>★+)☆*|(?P<dollars>\$+))$")
_UNAVAILABLE = re.compile(r"\s+Unavailable$")

# sub-headings always followed by text of their own (a truncation must not end on them)
_SUBHEADINGS = ("Supported Parameters", "Features", "Current Pricing")
_LISTING_INTRO = "This model supports the following"
_TAGS_END = re.compile(r"#[A-Za-z][\w-]*$")


def _cells(line: str) -> list[str]:
    """``A | B | C |`` -> ["A", "B", "C"]; a lone ``|`` -> []."""
    stripped = line.strip()
    if "|" not in stripped:
        return [stripped] if stripped else []
    cells = [cell.strip() for cell in stripped.strip("|").split("|")]
    return [] if cells == [""] else cells


def _separator(cells: list[str]) -> bool:
    return bool(cells) and all(re.fullmatch(r":?-{3,}:?", cell) for cell in cells)


@dataclass
class Section:
    heading: str
    line: int  # 1-based line of the heading
    body: list[tuple[int, str]] = field(default_factory=list)  # (line, raw text)


def _sections(page: Page) -> dict[str, Section]:
    sections: dict[str, Section] = {}
    current: Section | None = None
    for number, raw in enumerate(page.lines, start=1):
        text = raw.strip()
        heading = text if text in HEADINGS else OTHER_MODELS if text.startswith(OTHER_MODELS) else None
        if heading is not None and heading not in sections:
            current = sections[heading] = Section(text, number)
        elif current is not None:
            current.body.append((number, raw))
    return sections


def _require_complete(page: Page, sections: dict[str, Section]) -> None:
    """Refuse a page cut short (module docstring, "Truncation")."""
    reader = PageReader(page)

    def closing_table(last: int) -> str | None:
        if OTHER_MODELS not in sections:
            return f"the closing '{OTHER_MODELS}<vendor>' table"
        return _unfinished_catalogue(sections[OTHER_MODELS])

    def last_line_whole(last: int) -> str | None:
        text = reader.lines.stripped(last)
        if text in HEADINGS or text.startswith(OTHER_MODELS) or text in _SUBHEADINGS:
            return f"the text of its {text!r} section"
        if "|" in text and not text.endswith("|"):
            return "the rest of its table row (every row ends with '|')"
        if text.startswith(_LISTING_INTRO) and not text.endswith(":"):
            return "the end of its 'This model supports the following …:' line"
        number = Lines.number(last)
        section = max((s for s in sections.values() if s.line <= number),
                      key=lambda s: s.line, default=None)
        if (section is not None and section.heading in (DESCRIPTION, SUMMARY)
                and not (ends_sentence(text) or _TAGS_END.search(text))):
            return f"the end of its last sentence in {section.heading!r}"
        return None

    reader.require_complete(closing_table, last_line_whole)


def _unfinished_catalogue(section: Section) -> str | None:
    """What the vendor's catalogue lacks to end with a whole row (None: nothing)."""
    lines = [raw.strip() for _, raw in section.body if raw.strip()]
    separator = next((i for i, text in enumerate(lines) if _separator(_cells(text))), None)
    if separator is None or separator == len(lines) - 1:
        return f"the rows of its {section.heading!r} table"
    headers = [cells for cells in map(_cells, lines[:separator]) if len(cells) > 1]
    rating_columns = headers[1] if len(headers) > 1 else ["Speed", "Ability", "Cost"]
    last = lines[-1]
    cells = _cells(last)
    whole = (
        last.endswith("|") and len(cells) == len(rating_columns)
        and all(cell in _NONE or _RATING.match(cell) for cell in cells)
    )
    if whole:
        return None
    return (f"the ratings row ({' | '.join(rating_columns)} |) that completes the last row "
            f"of its {section.heading!r} table")


@dataclass
class _Context:
    """What the sections share: the page, its main model and its vendor's spelling."""

    page: Page
    alias: ModelRef
    snapshot: ModelRef | None
    vendor: str | None

    @property
    def source(self) -> str:
        return self.page.path or self.page.source_id

    def error(self, message: str, line: int | None, field_name: str | None):
        return extraction_error(self.page, message, line, field_name)

    def parse(self, parser, text: str, line: int, field_name: str):
        return parse_field(parser, text, source=self.source, line=line, field=field_name)


_StatedResult = tuple[BenchmarkResultClaim, Stated]


def _drop_leading_words(text: str) -> str:
    """``Its General Knowledge`` -> ``General Knowledge``; ``The GPT-4o ...`` -> ``GPT-4o ...``."""
    tokens = text.split()
    while tokens and tokens[0] in LEADING_NON_NAME_WORDS:
        tokens.pop(0)
    return " ".join(tokens)


def split_snapshot(name: str) -> tuple[str, str] | None:
    """``Acme-Swift (2025-03-04)`` -> ("Acme-Swift", "2025-03-04") by identity's rules."""
    for pattern in rules()["model"]["snapshot_suffix_patterns"]:
        match = re.match(pattern, name)
        if match:
            return match.group("alias").strip(), match.group("date")
    return None


class KeySpecsExtractor:
    name = "keyspecs"

    def detect(self, page: Page) -> float:
        lines = {line.strip() for line in page.lines}
        score = 0.0 + sum(
            weight for heading, weight in _DETECTION_WEIGHTS.items()
            if heading in lines or (heading == OTHER_MODELS
                                    and any(line.startswith(OTHER_MODELS) for line in lines))
        )
        if any(_ENDPOINT_HEADER.match(line) for line in lines):
            score += 0.2
        return min(score, 1.0)

    def extract(self, page: Page) -> Extraction:
        sections = _sections(page)
        _require_complete(page, sections)
        if not sections:
            raise extraction_error(page, "no section headings of this format", 1, "heading")
        description = self._description(page, sections.get(DESCRIPTION))
        context = self._context(page, sections, description)
        claims: list[Claim] = []
        claims += self._main_models(context, description, sections.get(SPECS))
        if description is not None:
            claims += author_prose_claims(description, context.alias,
                                          reported_by=description.vendor)
        summary = sections.get(SUMMARY)
        prose_results: list[_StatedResult] = []
        if summary is not None:
            claims += self._percentiles(context, summary)
            prose_results = self._summary_benchmarks(context, summary)
        table_results = self._benchmark_table(context, sections.get(BENCHMARKS))
        claims += self._merge_results(context, prose_results + table_results)
        claims += self._offers(context, sections.get(PRICING), sections.get(ENDPOINTS))
        if OTHER_MODELS in sections:
            claims += self._other_models(context, sections[OTHER_MODELS])
        title = context.snapshot.name if context.snapshot else context.alias.name
        source = SourceInfo(site=None, page_kind="router catalogue mirror", title=title)
        return Extraction(source_id=page.source_id, extractor=self.name, source=source,
                          claims=claims)

    # -- identity -----------------------------------------------------------------------

    @staticmethod
    def _description(page: Page, section: Section | None) -> AuthorDescription | None:
        if section is None:
            return None
        body = [(number, raw) for number, raw in section.body if raw.strip()]
        if not body:
            raise extraction_error(page, "the Author's Description section is empty "
                                   "(page truncated?)", section.line, "description")
        return read_author_description(page, body)

    def _context(self, page: Page, sections: dict[str, Section],
                 description: AuthorDescription | None) -> _Context:
        name = None
        summary = sections.get(SUMMARY)
        if summary is not None:
            for _, raw in summary.body:
                named = model_name_at(_drop_leading_words(raw.strip()))
                if named:
                    name = named[0]
                    break
        if name is None and description is not None:
            name = description.name
        if name is None:
            raise extraction_error(page, "no model name: neither a Performance Summary nor an "
                                   "Author's Description names the model", 1, "name")
        vendor = self._vendor(sections, description)
        split = split_snapshot(name)
        if split is None:
            return _Context(page, ModelRef(name=name, vendor=vendor), None, vendor)
        alias = ModelRef(name=split[0], vendor=vendor)
        return _Context(page, alias, ModelRef(name=name, vendor=vendor), vendor)

    @staticmethod
    def _vendor(sections: dict[str, Section], description: AuthorDescription | None) -> str | None:
        """One spelling of the page's vendor, so that the catalogue's display prefix
        ("Mistral: ..."), its id ("Other Models by mistralai") and the author's possessive
        ("Mistral AI's") do not become three vendors. Preference: the prefix most catalogue
        rows use, the description's possessive, the "Other Models by" id, an endpoint path."""
        prefixes: Counter[str] = Counter()
        for _, raw in sections[OTHER_MODELS].body if OTHER_MODELS in sections else []:
            cells = _cells(raw)
            if len(cells) > 1 and ": " in cells[0]:
                prefixes[cells[0].split(": ", 1)[0].strip()] += 1
        if prefixes:
            return prefixes.most_common(1)[0][0]
        if description is not None and description.vendor:
            return description.vendor
        if OTHER_MODELS in sections:
            heading_id = sections[OTHER_MODELS].heading[len(OTHER_MODELS):].strip()
            if heading_id:
                return heading_id
        for _, raw in sections[ENDPOINTS].body if ENDPOINTS in sections else []:
            for cell in _cells(raw):
                if re.fullmatch(r"[\w.-]+/[\w.:-]+", cell):
                    return cell.split("/")[0]
        return None

    def _main_models(self, ctx: _Context, description: AuthorDescription | None,
                     specs: Section | None) -> list[Claim]:
        features = self._features(specs)
        alias = ModelClaim(
            model=ctx.alias,
            description=description.text if description else None,
            tags=description.tags if description else [],
            input_modalities=description.input_modalities if description else [],
            output_modalities=description.output_modalities if description else [],
            capabilities=features,
            locator=Locator(line=description.first_line, field="description")
            if description else Locator(line=ctx.page.line_of(ctx.alias.name), field="name"),
        )
        claims: list[Claim] = [alias]
        if ctx.snapshot is not None:
            line = ctx.page.line_of(ctx.snapshot.name)
            claims.append(ModelClaim(
                model=ctx.snapshot, snapshot_of=ctx.alias,
                locator=Locator(line=line, field="name", text=ctx.snapshot.name),
            ))
        return claims

    @staticmethod
    def _features(specs: Section | None) -> list[str]:
        """Items listed after "This model supports the following features:"."""
        if specs is None:
            return []
        items: list[str] = []
        listing = False
        for _, raw in specs.body:
            text = raw.strip()
            if not text:
                continue
            if text.startswith("This model supports the following"):
                listing = text.endswith("features:")
                continue
            if text in ("Supported Parameters", "Features"):
                listing = False
                continue
            if listing:
                items += [item.strip() for item in re.split(r",\s*", text) if item.strip()]
        return items

    # -- Performance Summary ------------------------------------------------------------

    @staticmethod
    def _sentences(section: Section):
        for number, raw in section.body:
            for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z])", raw.strip()):
                if sentence:
                    yield number, sentence

    def _percentiles(self, ctx: _Context, section: Section) -> list[Claim]:
        """Each "<n>th percentile" is named by the metric word nearest to it."""
        claims: list[Claim] = []
        seen: dict[str, tuple[str, int]] = {}
        subject = ctx.snapshot or ctx.alias
        for number, sentence in self._sentences(section):
            lowered = sentence.lower()
            for match in _PERCENTILE.finditer(sentence):
                metric = self._nearest_metric(lowered, match.start(), match.end())
                rank = match.group("rank")
                if metric is None:
                    continue
                if metric in seen:
                    if seen[metric][0] != rank:
                        raise ctx.error(
                            f"the summary states the {metric} twice: {seen[metric][0]} "
                            f"(line {seen[metric][1]}) and {rank} (line {number})",
                            number, metric)
                    continue
                seen[metric] = (rank, number)
                claims.append(AssessmentClaim(
                    model=subject, metric=metric, value=rank, numeric=Decimal(rank),
                    locator=Locator(line=number, field=metric, text=sentence),
                ))
        return claims

    @staticmethod
    def _nearest_metric(sentence: str, start: int, end: int) -> str | None:
        best: tuple[int, str] | None = None
        for metric, words in _PERCENTILE_METRICS.items():
            for word in words:
                for found in re.finditer(re.escape(word), sentence):
                    distance = start - found.end() if found.end() <= start else found.start() - end
                    if distance >= 0 and (best is None or distance < best[0]):
                        best = (distance, metric)
        return best[1] if best else None

    def _summary_benchmarks(self, ctx: _Context, section: Section) -> list[_StatedResult]:
        """Each "<Name> (Baseline)" mention takes the percentage stated in its clause."""
        results: list[_StatedResult] = []
        subject = ctx.snapshot or ctx.alias
        for number, sentence in self._sentences(section):
            for clause in re.split(r",\s+|;\s+", sentence):
                mentions = list(_BENCHMARK_MENTION.finditer(clause))
                for index, mention in enumerate(mentions):
                    stop = mentions[index + 1].start() if index + 1 < len(mentions) else len(clause)
                    begin = mentions[index - 1].end() if index else 0
                    after = _PERCENT_IN_PROSE.search(clause, mention.end(), stop)
                    before = list(_PERCENT_IN_PROSE.finditer(clause[begin:mention.start()]))
                    if after:
                        score, text = after.group("score"), after.group()
                    elif before:
                        score, text = before[-1].group("score"), before[-1].group()
                    elif _PERFECT.search(clause):
                        score, text = "100", _PERFECT.search(clause).group()
                    else:
                        continue
                    name = _drop_leading_words(mention.group("name"))
                    if not name:
                        continue
                    benchmark = f"{name} ({mention.group('variant')})"
                    results.append((BenchmarkResultClaim(
                        model=subject, benchmark=benchmark, score=Decimal(score), unit="percent",
                        version=mention.group("variant"),
                        note="measured by the catalogue site (Performance Summary)",
                        locator=Locator(line=number, field=benchmark, text=clause.strip()),
                    ), Stated.number(Decimal(score), text, number)))
        return results

    def _benchmark_table(self, ctx: _Context, section: Section | None) -> list[_StatedResult]:
        """Rows of ``Benchmark | Category | … | Accuracy | …``: one result per row."""
        if section is None:
            return []
        header: list[str] | None = None
        results: list[_StatedResult] = []
        subject = ctx.snapshot or ctx.alias
        for number, raw in section.body:
            cells = _cells(raw)
            if not cells or _separator(cells) or (len(cells) == 1 and cells[0].strip("-|") == ""):
                continue
            if header is None:
                header = [cell.lower() for cell in cells]
                continue
            if len(cells) != len(header):
                raise ctx.error(f"benchmark row has {len(cells)} cells, the header {len(header)}",
                                number, "Benchmark Results")
            row = dict(zip(header, cells))
            name, accuracy = row.get("benchmark"), row.get("accuracy")
            if not name or accuracy in _NONE or accuracy is None:
                continue
            score = ctx.parse(parse_percent, accuracy, number, "Accuracy")
            results.append((BenchmarkResultClaim(
                model=subject, benchmark=name, score=score, unit="percent",
                note="measured by the catalogue site (Benchmark Results)"
                     + (f"; category {row['category']}" if row.get("category") else ""),
                locator=Locator(line=number, field="Accuracy", text=raw.strip()),
            ), Stated.number(score, accuracy, number)))
        return results

    @staticmethod
    def _merge_results(ctx: _Context, results: list[_StatedResult]) -> list[Claim]:
        """One result per benchmark: the summary and the table may both state it; values
        that agree by rounding keep the more precise, others raise (`reconcile`)."""
        by_benchmark: dict[str, list[_StatedResult]] = {}
        for result, stated in results:
            by_benchmark.setdefault(slugify(result.benchmark), []).append((result, stated))
        merged: list[Claim] = []
        for group in by_benchmark.values():
            kept = reconcile([stated for _, stated in group], source=ctx.source,
                             field=f"score of {group[0][0].benchmark}")
            merged.append(next(result for result, stated in group if stated is kept))
        return merged

    # -- prices and endpoints -----------------------------------------------------------

    def _offers(self, ctx: _Context, pricing: Section | None,
                endpoints: Section | None) -> list[Claim]:
        """An offer per endpoint row. Rule for the Current Pricing: its cache prices belong
        to the endpoints whose input and output prices equal its Prompt and Completion;
        when no endpoint matches, the Current Pricing is the router's own offer."""
        current, current_line = self._current_pricing(ctx, pricing)
        offers = self._endpoint_offers(ctx, endpoints)
        cache = {key: value for key, value in current.items()
                 if key in ("cached_input_price", "cache_write_price")}
        matched = False
        for index, offer in enumerate(offers):
            if (current.get("input_price") is not None
                    and offer.input_price == current.get("input_price")
                    and offer.output_price == current.get("output_price")):
                matched = True
                offers[index] = offer.model_copy(update=cache)
        if current and not matched:
            offers.append(OfferClaim(
                model=ctx.alias, host=ROUTER_SITE, host_kind="router", **current,
                note="the catalogue's Current Pricing; no endpoint row has these prices",
                locator=Locator(line=current_line, field="Current Pricing"),
            ))
        return offers

    @staticmethod
    def _price(ctx: _Context, text: str, line: int, field_name: str) -> Decimal:
        if text.strip().lower() == "free":
            return Decimal(0)
        return ctx.parse(parse_price, text, line, field_name)

    def _current_pricing(self, ctx: _Context,
                         pricing: Section | None) -> tuple[dict[str, Decimal], int | None]:
        prices: dict[str, Decimal] = {}
        first_line = None
        if pricing is None:
            return prices, None
        inside = False
        for number, raw in pricing.body:
            text = raw.strip()
            if text == "Current Pricing":
                inside = True
                continue
            if text == "Price History":
                inside = False
            cells = _cells(raw)
            if not inside or len(cells) != 2 or _separator(cells):
                continue
            feature, price = cells
            key = _PRICE_ROWS.get(feature.lower())
            if key is None:  # the header, or a price not per token (images, requests)
                continue
            if key in prices:
                raise ctx.error(f"Current Pricing states {feature!r} twice", number, feature)
            prices[key] = self._price(ctx, price, number, f"Current Pricing: {feature}")
            first_line = first_line or number
        return prices, first_line

    def _endpoint_offers(self, ctx: _Context, section: Section | None) -> list[OfferClaim]:
        if section is None:
            return []
        header: list[str] | None = None
        rows: list[tuple[int, str, dict[str, str]]] = []
        for number, raw in section.body:
            cells = _cells(raw)
            if header is None:
                if _ENDPOINT_HEADER.match(raw.strip()):
                    header = [cell.lower() for cell in cells]
                continue
            if len(cells) <= 1 or _separator(cells):
                continue  # the provider's name repeated on its own line, or a lone "|"
            if len(cells) != len(header):
                raise ctx.error(f"endpoint row has {len(cells)} cells, the header has "
                                f"{len(header)} (page truncated?)", number, ENDPOINTS)
            rows.append((number, raw.strip(), dict(zip(header, cells))))
        providers = [resolve_host(row["provider"]) for _, _, row in rows]
        offers = []
        for number, raw, row in rows:
            provider, endpoint = row["provider"], row.get("endpoint name") or None
            values: dict = {}
            for column, key, parser in (
                ("context length", "context_window", parse_tokens),
                ("max output", "max_output_tokens", parse_tokens),
                ("pricing (input)", "input_price", None),
                ("pricing (output)", "output_price", None),
            ):
                text = row.get(column)
                if text is None or text in _NONE:
                    continue
                label = next(h for h in row if h == column)
                values[key] = (self._price(ctx, text, number, label) if parser is None
                               else ctx.parse(parser, text, number, label))
            host_slug = resolve_host(provider)
            offers.append(OfferClaim(
                model=ctx.alias, host=provider, endpoint_id=endpoint,
                # one host with several endpoints: each endpoint is an offer of its own
                variant=endpoint if providers.count(host_slug) > 1 else None,
                locator=Locator(line=number, field=ENDPOINTS, text=raw),
                **values,
            ))
        return offers

    # -- the vendor's other models -------------------------------------------------------

    def _other_models(self, ctx: _Context, section: Section) -> list[Claim]:
        """Rows: ``Vendor: Name [Unavailable] | Released | Params | Context |``, then
        modality lines (``Image input``), ``|``, then ``Speed | Ability | Cost |`` ratings."""
        headers: list[list[str]] = []
        body_started = False
        rows: list[_CatalogueRow] = []
        for number, raw in section.body:
            cells = _cells(raw)
            if not cells:
                continue
            if not body_started:
                if _separator(cells):
                    body_started = True
                elif len(cells) > 1:
                    headers.append(cells)
                continue
            info_columns = headers[0] if headers else ["Released", "Params", "Context"]
            rating_columns = headers[1] if len(headers) > 1 else ["Speed", "Ability", "Cost"]
            modality = _MODALITY_LINE.match(raw.strip())
            if len(cells) == len(info_columns) + 1:
                rows.append(_CatalogueRow(number, raw.strip(), cells[0],
                                          dict(zip(info_columns, cells[1:]))))
            elif modality and rows:
                direction = modality.group("direction").lower()
                rows[-1].modalities[direction].append(modality.group("modality").lower())
            elif len(cells) == len(rating_columns) and rows and not rows[-1].ratings:
                rows[-1].ratings = (number, dict(zip(rating_columns, cells)))
            else:
                raise ctx.error(f"unexpected line in the {section.heading!r} table: "
                                f"{raw.strip()[:60]!r}", number, section.heading)
        claims: list[Claim] = []
        for row in self._one_row_per_model(ctx, rows):
            claims += self._catalogue_row(ctx, row)
        return claims

    @staticmethod
    def _one_row_per_model(ctx: _Context, rows: list[_CatalogueRow]) -> list[_CatalogueRow]:
        """Rule: the catalogue may list one name twice (a retired entry marked Unavailable
        beside the current one, with other dates). Both rows would describe one model, so
        one row is kept: the first not marked Unavailable, else the first."""
        chosen: dict[str, _CatalogueRow] = {}
        for row in rows:
            name, vendor = row.display_name(ctx.vendor)
            slug = resolve_model(ModelRef(name=name, vendor=vendor)).slug
            if slug not in chosen or (chosen[slug].unavailable and not row.unavailable):
                chosen[slug] = row
        kept = {id(row) for row in chosen.values()}
        return [row for row in rows if id(row) in kept]

    def _catalogue_row(self, ctx: _Context, row: _CatalogueRow) -> list[Claim]:
        name, vendor = row.display_name(ctx.vendor)
        available = False if row.unavailable else None
        ref = ModelRef(name=name, vendor=vendor)
        snapshot = split_snapshot(name)
        values: dict = {}
        for column, text in row.columns.items():
            if text in _NONE:
                continue
            key = column.lower()
            if key == "released":
                values["release_date"] = ctx.parse(parse_date, text, row.line, column)
            elif key == "params":
                count, approximate = ctx.parse(parse_parameter_count, text, row.line, column)
                values.update(parameter_count=count, parameter_count_approximate=approximate)
            elif key == "context":
                values["context_window"] = ctx.parse(parse_tokens, text, row.line, column)
        claims: list[Claim] = [ModelClaim(
            model=ref, available=available,
            snapshot_of=ModelRef(name=snapshot[0], vendor=vendor) if snapshot else None,
            input_modalities=row.modalities["input"], output_modalities=row.modalities["output"],
            locator=Locator(line=row.line, field=OTHER_MODELS.strip(), text=row.text),
            **values,
        )]
        if row.ratings is not None:
            line, ratings = row.ratings
            for column, shown in ratings.items():
                if shown in _NONE:
                    continue
                rating = _RATING.match(shown)
                if rating is None:
                    raise ctx.error(f"{column} rating {shown!r} is neither stars nor $ signs",
                                    line, column)
                count = len(rating.group("stars") or rating.group("dollars"))
                claims.append(AssessmentClaim(
                    model=ref, metric=f"{column.lower()} rating", value=shown,
                    numeric=Decimal(count), locator=Locator(line=line, field=column, text=shown),
                ))
        return claims


@dataclass
class _CatalogueRow:
    line: int
    text: str
    name: str
    columns: dict[str, str]
    modalities: dict[str, list[str]] = field(default_factory=lambda: {"input": [], "output": []})
    ratings: tuple[int, dict[str, str]] | None = None

    @property
    def unavailable(self) -> bool:
        return bool(_UNAVAILABLE.search(self.name))

    def display_name(self, page_vendor: str | None) -> tuple[str, str | None]:
        """``OpenAI: o3 Pro Unavailable`` -> ("o3 Pro", "OpenAI")."""
        name = _UNAVAILABLE.sub("", self.name)
        if ": " in name:
            vendor, name = (part.strip() for part in name.split(": ", 1))
            return name, vendor
        return name, page_vendor


EXTRACTOR = KeySpecsExtractor()
