"""Extractor for "LLM Reference" model profile pages.

Shape of the scraped page (HTML lost, table cells run together)::

    LLM ReferenceLLM Reference          site name, scraped twice
    <Model name>                        heading, then the model's slug
    <model-slug>
    Last refreshed 2026-05-11. ...
    ProprietaryRAGLong context...       tag chips, run together
    ...
    Quality / dollar / Grade A          the site's own rating
    Freshness / <date>                  when the site researched the model
    Top use-case fit                    tag entries, each followed by an explanation
    Provider price ladder               ProviderInput / 1MOutput / 1MCacheRoute, then per row
                                        "HOST$in$outread $cache" (or "-") and a route line
                                        "Serverless" / "ServerlessPartial"
    About                               "Vendor: Model available via HOST. Pricing: ..."
    Capabilities                        "Structured OutputsPrompt Caching..."
    Benchmark Scores(N)                 "NAMESCOREVERSIONURL" rows
    Specifications                      "FamilyGPT-4o", "Context128K", ... label+value cells
    Created by                          vendor description, headquarters, founding year

Sections may come in any order or be missing; the heading block must be there.

Truncation (a cut page is refused, never read as a page that states less):

* every page of the site carries the "Created by" vendor block, and the block ends with
  its "Website" line (``Website`` alone, or followed by a whole URL); the template puts
  the block last, so on a page in template order a cut anywhere leaves it missing or
  unfinished;
* the last non-blank line must be whole: not a heading whose text is missing (the site
  prints "Rankings" and "Benchmark peer bars" without text, so those may end a page), a
  finished sentence in About / Migration checks, a route line after a provider price
  ladder row, a Specifications row with its value. (On a reordered page whose vendor
  block is not last, a cut at the end of a whole line after it cannot be seen.)

Decisions:

* ``open_weights`` is set False only when the license reads "Proprietary" (a proprietary
  license means the weights are not published); any other license leaves it unknown.
* The About prose names one host and its prices. Those must agree with that host's ladder
  row (numerically: ``$0.15`` = ``$0.150``); a contradiction is an ExtractionError. Prose
  prices fill cells the ladder leaves as ``-``, and a host missing from the ladder gets an
  offer from the prose, so no value is stated twice.
* Benchmark rows: the score is the number between the name and the version/URL. A name
  ending in digits (``AIME 2024``) runs into the score, so the split taken is the shortest
  name whose score fits the scale: at most 100 points, or an Elo-like rating (> 100) for
  names containing "Arena". Those ratings get unit "elo", everything else "points".
  The site writes scores with decimals (``1180.0``); a whole number is taken as the score
  only right before the URL. Text between score and URL is the version column.
* Route lines give ``host_kind`` in lower case ("serverless") and, after it, availability.
* The vendor is the ``Vendor:`` prefix of the About prose, else the host of a route marked
  first-party without its trailing "API"/"Platform"; a page stating neither has none.
"""

from __future__ import annotations

import re
from decimal import Decimal

from .. import units
from ..pages import Page
from ..records import (
    AssessmentClaim,
    BenchmarkResultClaim,
    Extraction,
    ModelClaim,
    ModelRef,
    OfferClaim,
    SourceInfo,
    VendorClaim,
)
from ._text import (
    Lines,
    PageReader,
    dedupe,
    ends_sentence,
    split_case_runs,
    split_label,
    undouble,
)

SITE = "LLM Reference"
PAGE_KIND = "model profile"

_HEADINGS = {
    "Use it for",
    "Do not use it for",
    "Cheapest output",
    "Provider routes",
    "Quality / dollar",
    "Freshness",
    "Top use-case fit",
    "Provider price ladder",
    "Migration checks",
    "About",
    "Capabilities",
    "Rankings",
    "Specifications",
    "Created by",
}
_HEADING_PREFIXES = ("Benchmark Scores", "Benchmark peer bars")

_SPEC_LABELS = (
    "Family",
    "Released",
    "Context",
    "Max output",
    "Architecture",
    "Specialization",
    "License",
    "Parameters",
    "Knowledge cutoff",
)
_EMPTY = {"", "-", "—", "–", "n/a", "N/A", "Unknown", "unknown"}

_SLUG = re.compile(r"^[a-z0-9][a-z0-9._:/-]*$")
_REFRESHED = re.compile(r"^Last refreshed (\S+?)\.?(?:\s|$)")
_RESEARCH_FROM = re.compile(r"research from (\d{4}-\d{2}-\d{2}|\d{4}-\d{2})")
_GRADE = re.compile(r"^Grade\s+(\S+)$")

# A ladder row: host, input cell, output cell, cache cell; a cell is "-" or a $ value.
_LADDER_ROW = re.compile(
    r"^(?P<host>.*?[^\s$-])\s*(?P<input>-|\$[^$]*?)(?P<output>-|\$[^$]*?)"
    r"(?P<cache>-|(?:read|write)\b[^$]*\$.*)$"
)
_CACHE_PART = re.compile(r"(read|write)\s*(\$\S+)")

_ABOUT_ROUTE = re.compile(
    r"^(?P<vendor>[^:]+?):\s+(?P<model>.+?) available via (?P<host>.+?)\.(?:\s|$)"
)
_ABOUT_PRICE = re.compile(
    r"\$(?P<a>[^\s/,]+)/1M(?: tokens)? (?P<side_a>input|output)"
    r"|(?P<side_b>input|output)(?: tokens)? at \$(?P<b>[^\s/,]+)/1M"
)
_ABOUT_CONTEXT = re.compile(r"has an? (\S+?)-token context window")

_BENCH_ROW = re.compile(r"^(?P<head>.+?\d+\.\d+)(?P<rest>.*)$")
# a whole-number score is only taken when the URL (or the line's end) follows it directly
_BENCH_ROW_WHOLE = re.compile(r"^(?P<head>.+?\d+)(?P<rest>https?://.*|)$")
_URL = re.compile(r"https?://\S+$")
_FOUNDED = re.compile(r"^Founded\s+(\S+)$")

# how a complete page ends (module docstring, "Truncation")
CLOSING_SECTION = "Created by"
_WEBSITE = re.compile(r"^Website(?P<url>.*)$")
_WHOLE_URL = re.compile(r"^(?:https?://)?[\w-]+(?:\.[\w-]+)+(?:[/?#]\S*)?$")
_SECTIONS_WITHOUT_TEXT = ("Rankings", "Benchmark peer bars")
_PROSE_SECTIONS = ("About", "Migration checks")


class LLMReferenceExtractor:
    name = "llmreference"

    def detect(self, page: Page) -> float:
        lines = Lines(page.text)
        first = lines.find(bool)
        score = 0.0
        if first is not None and undouble(lines[first]) == SITE:
            score += 0.5
        text = page.text
        for marker, weight in (
            ("Provider price ladder", 0.2),
            ("Quality / dollar", 0.1),
            ("Last refreshed", 0.1),
            ("Top use-case fit", 0.1),
        ):
            if marker in text:
                score += weight
        if "\nSpecifications\n" in text and "\nCreated by\n" in text:
            score += 0.1
        return min(score, 1.0)

    def extract(self, page: Page) -> Extraction:
        return _Reader(page).read()


EXTRACTOR = LLMReferenceExtractor()


def _is_heading(line: str) -> bool:
    return line in _HEADINGS or line.startswith(_HEADING_PREFIXES)


class _Reader(PageReader):
    """Reads one page; knows its sections (heading -> line range)."""

    def __init__(self, page: Page) -> None:
        super().__init__(page)
        self.sections: dict[str, tuple[int, int]] = {}
        starts = [i for i in range(len(self.lines)) if _is_heading(self.lines.stripped(i))]
        for start, stop in zip(starts, starts[1:] + [len(self.lines)]):
            key = self.lines.stripped(start)
            key = next((p for p in _HEADING_PREFIXES if key.startswith(p)), key)
            self.sections.setdefault(key, (start, stop))
        self.first_heading = starts[0] if starts else len(self.lines)

    def section_lines(self, key: str) -> list[int]:
        """Indexes of the non-blank lines of a section, heading excluded."""
        if key not in self.sections:
            return []
        start, stop = self.sections[key]
        return [i for i in range(start + 1, stop) if self.lines.stripped(i)]

    def section_of(self, index: int) -> str | None:
        """The section a line belongs to (None in the header)."""
        for key, (start, stop) in self.sections.items():
            if start <= index < stop:
                return key
        return None

    # ------------------------------------------------------------------ truncation

    def closing_block(self, last: int) -> str | None:
        if CLOSING_SECTION not in self.sections:
            return f"the closing {CLOSING_SECTION!r} vendor block"
        body = self.section_lines(CLOSING_SECTION)
        website = _WEBSITE.match(self.lines.stripped(body[-1])) if body else None
        url = website["url"].strip() if website else None
        if website is None or (url and not _WHOLE_URL.match(url)):
            return f"the 'Website' line that closes the {CLOSING_SECTION!r} vendor block"
        return None

    def last_line_whole(self, last: int) -> str | None:
        line = self.lines.stripped(last)
        if _is_heading(line):
            if line.startswith(_SECTIONS_WITHOUT_TEXT):
                return None
            return f"the text of its {line!r} section"
        section = self.section_of(last)
        if section in _PROSE_SECTIONS and not ends_sentence(line):
            return f"the end of its sentence in {section!r}"
        if section == "Provider price ladder":
            before = self.lines.stripped(last - 1)
            if _LADDER_ROW.match(line) or not _LADDER_ROW.match(before):
                return "the route line that completes its provider price ladder row"
        if section == "Specifications":
            split = split_label(line, _SPEC_LABELS)
            if split is None or not split[1]:
                return "the value of its 'Specifications' row"
        return None

    # ------------------------------------------------------------------ page

    def read(self) -> Extraction:
        self.require_complete(self.closing_block, self.last_line_whole)
        site_at = self.lines.find(bool)
        name_at = self.lines.next_nonblank(site_at) if site_at is not None else None
        if name_at is None or name_at >= self.first_heading:
            raise self.fail("page ends before the model name heading", site_at, "name")
        self.site = undouble(self.lines[site_at])
        self.name = self.lines.stripped(name_at)
        self.name_at = name_at
        slug_at = self.lines.next_nonblank(name_at, self.first_heading)
        self.identifier = None
        if slug_at is not None and _SLUG.match(self.lines.stripped(slug_at)):
            self.identifier = self.lines.stripped(slug_at)
        header_end = slug_at if self.identifier else name_at

        about = self.about()
        ladder = self.ladder()
        self.vendor = about["vendor"] or next(
            (_first_party_vendor(row) for row in ladder if _first_party_vendor(row)), None
        )
        self.model = ModelRef(name=self.name, identifier=self.identifier, vendor=self.vendor)

        source = self.source_info(header_end)
        claims = [self.model_claim(header_end, about)]
        claims += self.offers(ladder, about)
        claims += self.benchmarks()
        claims += self.assessment()
        claims += self.vendor_claim()
        return Extraction(
            source_id=self.page.source_id,
            extractor=LLMReferenceExtractor.name,
            source=source,
            claims=claims,
        )

    def source_info(self, header_end: int) -> SourceInfo:
        refreshed = researched = None
        refreshed_at = self.lines.find(_REFRESHED, header_end + 1, self.first_heading)
        if refreshed_at is not None:
            text = _REFRESHED.match(self.lines.stripped(refreshed_at)).group(1)
            refreshed = self.parse(units.parse_date, text, refreshed_at, "Last refreshed")
        fresh = self.section_lines("Freshness")
        if fresh:
            researched = self.parse(
                units.parse_date, self.lines.stripped(fresh[0]), fresh[0], "Freshness"
            )
        else:
            at = self.lines.find(
                lambda line: bool(_RESEARCH_FROM.search(line)), 0, self.first_heading
            )
            if at is not None:
                text = _RESEARCH_FROM.search(self.lines[at]).group(1)
                researched = self.parse(units.parse_date, text, at, "research from")
        return SourceInfo(
            site=self.site,
            page_kind=PAGE_KIND,
            title=self.name,
            refreshed=refreshed,
            researched=researched,
            locator=self.locator(self.name_at, "title"),
        )

    # ------------------------------------------------------------------ model

    def tag_line(self, header_end: int) -> list[str]:
        """The run-together chips between the header and the first section heading: the one
        line there that is not a sentence and not a "Researched ..." / "Last refreshed" note."""
        for index in range(header_end + 1, self.first_heading):
            line = self.lines.stripped(index)
            if not line or line.endswith(".") or ". " in line:
                continue
            if line.startswith(("Researched ", "Last refreshed")):
                continue
            return split_case_runs(line)
        return []

    def use_case_tags(self) -> list[str]:
        """ "Top use-case fit" entries: short lines; explanations are sentences or "Q/$ X"."""
        return [
            self.lines.stripped(i)
            for i in self.section_lines("Top use-case fit")
            if not self.lines.stripped(i).endswith(".")
            and not self.lines.stripped(i).startswith("Q/$")
        ]

    def specifications(self) -> dict[str, tuple[str, int]]:
        found: dict[str, tuple[str, int]] = {}
        for index in self.section_lines("Specifications"):
            split = split_label(self.lines.stripped(index), _SPEC_LABELS)
            if split and split[1] not in _EMPTY:
                found.setdefault(split[0], (split[1], index))
        return found

    def model_claim(self, header_end: int, about: dict) -> ModelClaim:
        spec = self.specifications()
        values: dict = {}
        for label, field, parser in (
            ("Released", "release_date", units.parse_date),
            ("Context", "context_window", units.parse_tokens),
            ("Max output", "max_output_tokens", units.parse_tokens),
            ("Knowledge cutoff", "knowledge_cutoff", units.parse_date),
        ):
            if label in spec:
                text, index = spec[label]
                values[field] = self.parse(parser, text, index, label)
        if "Parameters" in spec:
            text, index = spec["Parameters"]
            count, approximate = self.parse(units.parse_parameter_count, text, index, "Parameters")
            values.update(parameter_count=count, parameter_count_approximate=approximate)
        for label, field in (
            ("Family", "family"),
            ("Architecture", "architecture"),
            ("Specialization", "specialization"),
            ("License", "license"),
        ):
            if label in spec:
                values[field] = spec[label][0]
        if about["context"] is not None:
            context, index = about["context"]
            if values.get("context_window") not in (None, context):
                raise self.fail(
                    f"About gives a {context}-token context window but Specifications gives "
                    f"{values['context_window']}",
                    index,
                    "context window",
                )
            values["context_window"] = context
        if values.get("license", "").lower() == "proprietary":
            values["open_weights"] = False
        capabilities = self.section_lines("Capabilities")
        tags = dedupe(self.tag_line(header_end) + self.use_case_tags(), key=str.lower)
        return self.make(
            ModelClaim,
            self.name_at,
            "name",
            model=self.model,
            label=self.name,
            tags=tags,
            capabilities=dedupe(
                piece for i in capabilities for piece in split_case_runs(self.lines.stripped(i))
            ),
            locator=self.locator(self.name_at, "name"),
            **values,
        )

    # ------------------------------------------------------------------ offers

    def ladder(self) -> list[dict]:
        """Rows of the provider price ladder, each with its route line."""
        body = self.section_lines("Provider price ladder")
        if not body:
            return []
        stop = self.sections["Provider price ladder"][1]
        first = body[0]
        if self.lines.stripped(first).startswith("Provider") and "Input" in self.lines[first]:
            first += 1  # the column header
        rows: list[dict] = []
        for index in self.lines.block(first, stop):
            line = self.lines.stripped(index)
            match = _LADDER_ROW.match(line)
            if match:
                rows.append(self.ladder_row(match, index))
            elif rows and rows[-1]["route"] is None:
                kind, *availability = split_case_runs(line)
                rows[-1]["route"] = kind
                rows[-1]["availability"] = " ".join(availability) or None
            else:
                raise self.fail(
                    f"unreadable provider price ladder row {line!r} (expected HOST$in$out and "
                    "a cache cell, or a route line after a row; is the page truncated?)",
                    index,
                    "Provider",
                )
        return rows

    def ladder_row(self, match: re.Match, index: int) -> dict:
        row = {"host": match["host"].strip(), "index": index, "route": None, "availability": None}
        for cell, field in (("input", "Input / 1M"), ("output", "Output / 1M")):
            text = match[cell]
            row[cell] = None if text == "-" else self.parse(units.parse_price, text, index, field)
        row["cached_input"] = row["cache_write"] = None
        cache = match["cache"]
        if cache != "-":
            parts = _CACHE_PART.findall(cache)
            if not parts or _CACHE_PART.sub("", cache).strip(" ,;/"):
                raise self.fail(f"unreadable cache cell {cache!r}", index, "Cache")
            for kind, text in parts:
                key = "cached_input" if kind == "read" else "cache_write"
                row[key] = self.parse(units.parse_price, text, index, f"Cache {kind}")
        return row

    def about(self) -> dict:
        """The About prose: vendor, the host it names and that host's prices, context."""
        found = {"vendor": None, "host": None, "input": None, "output": None, "context": None}
        for index in self.section_lines("About"):
            line = self.lines.stripped(index)
            route = _ABOUT_ROUTE.match(line)
            if route and found["host"] is None:
                found["vendor"] = route["vendor"].strip()
                found["host"] = (route["host"].strip(), index)
            for price in _ABOUT_PRICE.finditer(line):
                side = price["side_a"] or price["side_b"]
                value = self.parse(
                    units.parse_price, price["a"] or price["b"], index, f"About {side} price"
                )
                if found[side] is not None and found[side][0] != value:
                    raise self.fail(
                        f"About states two {side} prices: ${found[side][0]} and ${value}",
                        index,
                        f"About {side} price",
                    )
                if found[side] is None:
                    found[side] = (value, index)
            context = _ABOUT_CONTEXT.search(line)
            if context:
                found["context"] = (
                    self.parse(units.parse_tokens, context.group(1), index, "About context"),
                    index,
                )
        return found

    def offers(self, ladder: list[dict], about: dict) -> list[OfferClaim]:
        offers = []
        about_host = about["host"][0] if about["host"] else None
        matched = False
        for row in ladder:
            values = {key: row[key] for key in ("input", "output", "cached_input", "cache_write")}
            if about_host is not None and row["host"].lower() == about_host.lower():
                matched = True
                for side in ("input", "output"):
                    if about[side] is None:
                        continue
                    stated, index = about[side]
                    if values[side] is None:
                        values[side] = stated
                    elif values[side] != stated:
                        raise self.fail(
                            f"About prices {about_host} {side} at ${stated} but the provider "
                            f"price ladder says ${values[side]}",
                            index,
                            f"About {side} price",
                        )
            offers.append(
                self.make(
                    OfferClaim,
                    row["index"],
                    "Provider",
                    model=self.model,
                    host=row["host"],
                    host_kind=row["route"].lower() if row["route"] else None,
                    input_price=values["input"],
                    output_price=values["output"],
                    cached_input_price=values["cached_input"],
                    cache_write_price=values["cache_write"],
                    availability=row["availability"],
                    locator=self.locator(row["index"], "Provider"),
                )
            )
        if about_host is not None and not matched and (about["input"] or about["output"]):
            index = about["host"][1]
            offers.append(
                self.make(
                    OfferClaim,
                    index,
                    "About",
                    model=self.model,
                    host=about_host,
                    input_price=about["input"][0] if about["input"] else None,
                    output_price=about["output"][0] if about["output"] else None,
                    locator=self.locator(index, "About"),
                )
            )
        return offers

    # ------------------------------------------------------------------ benchmarks etc.

    def benchmarks(self) -> list[BenchmarkResultClaim]:
        body = self.section_lines("Benchmark Scores")
        header = next(
            (i for i in body if self.lines.stripped(i).startswith("BenchmarkScore")), None
        )
        if header is None:
            return []
        out = []
        for index in self.lines.block(header + 1, self.sections["Benchmark Scores"][1]):
            line = self.lines.stripped(index)
            name, score, rest = self.split_benchmark(line, index)
            url = _URL.search(rest)
            version = (rest[: url.start()] if url else rest).strip() or None
            out.append(
                self.make(
                    BenchmarkResultClaim,
                    index,
                    "Score",
                    model=self.model,
                    benchmark=name,
                    score=score,
                    unit="elo" if _is_rating(name, score) else "points",
                    version=version,
                    benchmark_url=url.group(0) if url else None,
                    locator=self.locator(index, "Benchmark"),
                )
            )
        return out

    def split_benchmark(self, line: str, index: int) -> tuple[str, Decimal, str]:
        """NAME + SCORE + REST; see the module docstring for the rule."""
        match = _BENCH_ROW.match(line) or _BENCH_ROW_WHOLE.match(line)
        if not match:
            raise self.fail(
                f"unreadable benchmark row {line!r} (expected NAME SCORE URL)", index, "Score"
            )
        head, rest = match["head"], match["rest"]
        number_start = re.search(r"[\d.]+$", head).start()
        candidates = []
        for cut in range(number_start, len(head)):
            text = head[cut:]
            if re.fullmatch(r"(?:0|[1-9]\d*)(?:\.\d+)?", text) and head[:cut].strip():
                candidates.append((head[:cut].strip(), Decimal(text)))
        fitting = [(n, s) for n, s in candidates if s <= 100 or _is_rating(n, s)]
        if not (fitting or candidates):
            raise self.fail(f"no score in benchmark row {line!r}", index, "Score")
        name, score = (fitting or candidates)[0]
        return name, score, rest

    def assessment(self) -> list[AssessmentClaim]:
        for index in self.section_lines("Quality / dollar"):
            match = _GRADE.match(self.lines.stripped(index))
            if match and match.group(1) not in _EMPTY:
                return [
                    self.make(
                        AssessmentClaim,
                        index,
                        "Quality / dollar",
                        model=self.model,
                        metric="quality per dollar",
                        value=match.group(1),
                        locator=self.locator(index, "Quality / dollar"),
                    )
                ]
        return []

    def vendor_claim(self) -> list[VendorClaim]:
        body = self.section_lines("Created by")
        if not body or not self.vendor:
            return []
        values: dict = {}
        for index in body:
            line = self.lines.stripped(index)
            founded = _FOUNDED.match(line)
            if founded:
                year = founded.group(1)
                if not re.fullmatch(r"1[89]\d\d|20\d\d", year):
                    raise self.fail(f"not a founding year: {year!r}", index, "Founded")
                values["founded"] = int(year)
            elif line.startswith("Website"):
                url = line[len("Website") :].strip()
                if url:
                    values["website"] = url
            elif line.lower() == self.vendor.lower():
                continue  # the vendor's name as a caption, not a place
            elif line.endswith((".", "!", "?")):
                values.setdefault("description", line)
            else:
                values.setdefault("headquarters", line)
        return [
            self.make(
                VendorClaim,
                body[0],
                "Created by",
                name=self.vendor,
                locator=self.locator(body[0], "Created by"),
                **values,
            )
        ]


def _is_rating(name: str, score: Decimal) -> bool:
    return score > 100 and "arena" in name.lower()


def _first_party_vendor(row: dict) -> str | None:
    """A route marked first-party names the vendor's own API: "Mistral API" -> "Mistral"."""
    if (row.get("route") or "").lower().replace(" ", "-") != "first-party":
        return None
    return re.sub(r"\s+(API|Platform)$", "", row["host"]) or None
