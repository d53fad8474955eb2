"""Extractor for "losclouds" model directory entries.

Shape of the scraped page: a header, then tables. Each table is a sentence-case caption
line, a header line whose column names run together, and rows whose cells run together::

    losclouds
    Model · <Vendor>
    <Model name>
    <one-sentence description.>
    Model pricing        Price fieldValue     "Input$0.15 / 1M tokens", "Batch discount50%",
                                              "VerifiedApr 5, 2026 (High)"
    Model capabilities   AttributeValues      "Modalities" / "textimage" / "to" / "text",
                                              "Capabilities" / "imageInputbatchSupport...",
                                              "StrengthsA, B", "TradeoffsC"
    Benchmark coverage   BenchmarkVersionScoreDateSourceNotes
    Release history      ReleaseAliasLifecycleRelease DateDeprecationShutdownSummary
    Host coverage        HostTypeContextPricing NoteDifferences
    Migration guidance   TopicDetails         "Summary...", "Replacement models<slugs>"
    Change events        DateTypeTitleDescriptionSource

Any table may be missing or come in another order. Every page ends with the vendor block
``From <Vendor>`` / ``Other models from <Vendor>`` (the list itself is not in the scrape):
a page that does not end with those two lines, naming one vendor, is refused as
truncated before anything is read from it (a cut anywhere removes or shortens them).

Rules for cells whose separators were lost (format knowledge, not model facts):

* Modalities are cut into the site's modality words (`MODALITY_WORDS`); "to" separates
  inputs from outputs. Capability flags are lowerCamel and cut by
  `_text.split_camel_flags` with the site's flag vocabulary (`FLAG_WORDS`).
* Benchmark rows: score is a percentage (0-100) followed by a date; between name and score
  an optional version that is a year (``2024``) or ``v``-number. Source and notes are cut at
  the last case boundary outside names the page itself spells (vendor, hosts).
* Release rows: the lifecycle is a capitalised word from `LIFECYCLE_WORDS` right after the
  alias slug; name and alias are cut where the alias is the name slugged (or starts with
  it); release, deprecation and shutdown dates follow in that order.
* The "Model pricing" table is one price list. It applies to the host whose pricing note
  says it is the reference pricing; if none says so, to the first first-party host; if the
  page lists no such host, to "<vendor> API" (first-party). The other hosts get offers
  with their context, note and differences but no prices.
* Replacement models are slugs (or display names); commas, semicolons and line breaks
  separate them, and slugs run together are cut before each recurrence of the first
  slug's leading word (``gpt-4-1gpt-4o`` -> ``gpt-4-1``, ``gpt-4o``).
* Change events: the type is a snake_case word (the site's known types tried first); the
  title ends where a capitalised word follows with no space; the description ends at a
  sentence stop run into the next cell, or where a URL starts; the rest is the source.
"""

from __future__ import annotations

import re

from .. import units
from ..identity import slugify
from ..pages import Page
from ..records import (
    BenchmarkResultClaim,
    Extraction,
    LifecycleEventClaim,
    ModelClaim,
    ModelRef,
    OfferClaim,
    RelationClaim,
    SourceInfo,
)
from ._text import (
    Lines,
    PageReader,
    case_boundaries,
    segment_words,
    split_camel_flags,
    split_label,
    split_list,
)

SITE = "losclouds"
PAGE_KIND = "model directory entry"

# Vocabularies of the format (words its cells are built from), used to cut run-together
# cells; none of them says anything about a particular model.
MODALITY_WORDS = tuple(
    (
        "text image images audio video file files pdf speech embedding embeddings code "
        "document documents"
    ).split()
)
# words lowerCamel capability flags are made of (imageInput, promptCaching, ...)
FLAG_WORDS = tuple(
    (
        "image audio video file pdf text speech vision input inputs output outputs batch "
        "support supported prompt caching cache function functions calling call calls tool "
        "tools use choice structured json mode schema streaming stream reasoning thinking "
        "effort web search code execution interpreter fine tuning finetuning computer system "
        "message messages realtime parallel distillation predicted logprobs citations "
        "grounding long context extended document documents transcription translation "
        "generation editing moderation embeddings responses assistants chat api native "
        "multimodal files mcp remote server servers memory priority processing flex tier seed "
        "temperature max tokens stop"
    ).split()
)
LIFECYCLE_WORDS = tuple(
    (
        "Active Current Preview Beta Alpha Experimental Deprecated Legacy Retired Shutdown "
        "Sunset Unavailable Discontinued Stable Available"
    ).split()
)
HOST_TYPES = tuple(
    (
        "first-party third-party cloud router aggregator reseller marketplace serverless "
        "dedicated partner hosted self-hosted proxy gateway"
    ).split()
)

_DATE = r"[A-Z][a-z]{2,8}\.? \d{1,2}, \d{4}|\d{4}-\d{2}-\d{2}"
_DASH = r"—|–|-"
_VENDOR_LINE = re.compile(r"^Model\s*[·•|]\s*(?P<vendor>.+)$")

_BENCH_PERCENT = re.compile(
    r"^(?P<bench>.+?)(?P<version>(?:19|20)\d{2}|v\d+(?:\.\d+)*)?"
    rf"(?P<score>(?:100|[1-9]?\d)(?:\.\d+)?)\s?%(?P<date>{_DATE})?(?P<rest>.*)$"
)
_BENCH_POINTS = re.compile(
    r"^(?P<bench>.+?)(?P<version>(?:19|20)\d{2}|v\d+(?:\.\d+)*)?"
    rf"(?P<score>\d+(?:\.\d+)?)(?P<date>{_DATE})(?P<rest>.*)$"
)
_RELEASE = re.compile(
    rf"^(?P<head>.+?[a-z0-9])(?P<life>{'|'.join(LIFECYCLE_WORDS)})"
    rf"(?P<released>{_DATE}|{_DASH})?(?P<deprecated>{_DATE}|{_DASH})?"
    rf"(?P<shutdown>{_DATE}|{_DASH})?(?P<summary>.*)$"
)
_SLUG_TAIL = re.compile(r"^[a-z0-9][a-z0-9._:/-]*$")
_HOST_ROW = re.compile(
    rf"^(?P<host>.+?)(?P<type>{'|'.join(map(re.escape, HOST_TYPES))})"
    r"(?P<context>\d+(?:\.\d+)?[KMB]|—|–|-)?(?P<rest>.*)$"
)
_HOST_ROW_LOOSE = re.compile(  # a type outside HOST_TYPES, after a host not ending lower-case
    r"^(?P<host>.*[^a-z\s])(?P<type>[a-z][a-z-]+)"
    r"(?P<context>\d+(?:\.\d+)?[KMB]|—|–|-)?(?P<rest>.*)$"
)
_SENTENCE_END = re.compile(r"\.(?=[A-Z(\"'])")
# event types the site uses come first, so a title starting lower-case ("o3 ...") is not
# eaten by the type; any other snake_case word is a type too
EVENT_TYPES = tuple(
    (
        "family_added model_added snapshot_added alias_updated published released launched "
        "deprecated deprecation_announced shutdown retired price_change pricing_change "
        "context_change renamed updated"
    ).split()
)
_EVENT = re.compile(
    rf"^(?P<date>{_DATE})"
    rf"(?P<type>{'|'.join(sorted(EVENT_TYPES, key=len, reverse=True))}|[a-z]+(?:_[a-z]+)*)"
    r"(?P<rest>.*)$"
)
_URL = re.compile(r"https?://\S+")
_REFERENCE_PRICING = re.compile(r"\breference pric", re.IGNORECASE)
_EMPTY = {"", "—", "–", "-"}
# a row ending in the start of a date ("Jul 1, 20") was cut short: the page is truncated
_BROKEN_DATE = re.compile(
    r"^[A-Z][a-z]{2,8}\.? \d{1,2}(?:,(?: \d{0,3})?)?$|^\d{4}-\d{0,2}(?:-\d?)?$"
)

# table caption -> how its column header line starts
_TABLES = {
    "Model pricing": "Price field",
    "Model capabilities": "Attribute",
    "Benchmark coverage": "BenchmarkVersion",
    "Release history": "ReleaseAlias",
    "Host coverage": "HostType",
    "Migration guidance": "TopicDetails",
    "Change events": "DateType",
}
_PRICE_ROW = re.compile(
    r"^(?P<label>Input|Output|Cached read|Cache write|Batch discount|Source|Verified)(?P<value>.+)$"
)
# how a value of each pricing label starts (prices: "$" or a dash for none)
_PRICE_VALUE_START = {
    "Batch discount": re.compile(r"[\d—–-]"),
    "Source": re.compile(r"\S"),
    "Verified": re.compile(r"\S"),
}
_PRICE_START = re.compile(r"[$—–-]")
# the closing vendor block (how a complete page ends)
_FROM_VENDOR = re.compile(r"^From (?P<vendor>\S.*)$")
_OTHER_MODELS_FROM = re.compile(r"^Other models from (?P<vendor>\S.*)$")
_CAPABILITY_LABELS = ("Modalities", "Capabilities", "Strengths", "Tradeoffs")
_MIGRATION_LABELS = ("Summary", "Replacement models", "Successor models", "Breaking changes")


class LosCloudsExtractor:
    name = "losclouds"

    def detect(self, page: Page) -> float:
        lines = Lines(page.text)
        first = lines.find(bool)
        score = 0.0
        if first is not None and lines.stripped(first) == SITE:
            score += 0.5
        if lines.find(_VENDOR_LINE, 0, 10) is not None:
            score += 0.2
        for caption, header in _TABLES.items():
            at = lines.find(caption)
            if at is not None and lines.stripped(at + 1).startswith(header):
                score += 0.1
        return min(score, 1.0)

    def extract(self, page: Page) -> Extraction:
        return _Reader(page).read()


EXTRACTOR = LosCloudsExtractor()


class _Reader(PageReader):
    def table(self, caption: str) -> list[int]:
        """Row indexes of a table: the non-blank lines after its caption and header."""
        at = self.lines.find(caption)
        if at is None or not self.lines.stripped(at + 1).startswith(_TABLES[caption]):
            return []
        return self.lines.block(at + 2)

    def labelled(self, rows: list[int], labels) -> dict[str, tuple[str, int]]:
        """LabelValue rows; a label alone on its line takes the following unlabelled lines."""
        found: dict[str, tuple[list[str], int]] = {}
        current = None
        for index in rows:
            line = self.lines.stripped(index)
            split = split_label(line, labels)
            if split:
                current = split[0]
                found.setdefault(current, ([], index))
                if split[1]:
                    found[current][0].append(split[1])
            elif current is not None:
                found[current][0].append(line)
        return {label: ("\n".join(parts), index) for label, (parts, index) in found.items()}

    def pricing(self) -> dict[str, tuple[str, int]]:
        """Model pricing rows by label. A row whose value does not start like a value of its
        label ("Input (long context)$6") is a row this reader does not know, and is skipped."""
        found = {}
        for index in self.table("Model pricing"):
            match = _PRICE_ROW.match(self.lines.stripped(index))
            if match and _PRICE_VALUE_START.get(match["label"], _PRICE_START).match(match["value"]):
                found.setdefault(match["label"], (match["value"].strip(), index))
        return found

    # ------------------------------------------------------------------ page

    def closing_block(self, last: int) -> str | None:
        """The last two non-blank lines must be "From X" and "Other models from X"."""
        before = next((i for i in range(last - 1, -1, -1) if self.lines.stripped(i)), None)
        other = _OTHER_MODELS_FROM.match(self.lines.stripped(last))
        vendor = _FROM_VENDOR.match(self.lines.stripped(before)) if before is not None else None
        if other and vendor and other["vendor"] == vendor["vendor"]:
            return None
        header = self.lines.find(_VENDOR_LINE, 0, 10)
        named = "<vendor>"
        if header is not None:
            named = _VENDOR_LINE.match(self.lines.stripped(header))["vendor"].strip()
        return f"the closing 'From {named}' / 'Other models from {named}' block"

    def read(self) -> Extraction:
        self.require_complete(self.closing_block)
        site_at = self.lines.find(bool)
        vendor_at = self.lines.find(_VENDOR_LINE, site_at or 0, (site_at or 0) + 5)
        if vendor_at is None:
            raise self.fail("no 'Model · <vendor>' line under the site name", site_at, "vendor")
        name_at = self.lines.next_nonblank(vendor_at)
        if name_at is None:
            raise self.fail("page ends before the model name heading", vendor_at, "name")
        self.vendor = _VENDOR_LINE.match(self.lines.stripped(vendor_at)).group("vendor").strip()
        self.name = self.lines.stripped(name_at)
        self.name_at = name_at
        self.model = ModelRef(name=self.name, vendor=self.vendor)

        pricing = self.pricing()
        hosts = self.hosts()
        self.known_names = [self.vendor, self.name] + [host["host"] for host in hosts]
        releases = self.releases()

        claims: list = [self.model_claim(releases)]
        claims += self.offers(hosts, pricing)
        claims += self.benchmarks()
        events = self.events()
        claims += self.release_claims(releases, events)
        claims += self.replacements()
        claims += events
        return Extraction(
            source_id=self.page.source_id,
            extractor=LosCloudsExtractor.name,
            source=self.source_info(pricing),
            claims=claims,
        )

    def source_info(self, pricing: dict) -> SourceInfo:
        verified = None
        if "Verified" in pricing:
            text, index = pricing["Verified"]
            verified = self.parse(
                units.parse_date, re.sub(r"\s*\(.*\)\s*$", "", text), index, "Verified"
            )
        return SourceInfo(
            site=self.lines.stripped(self.lines.find(bool)),
            page_kind=PAGE_KIND,
            title=self.name,
            verified=verified,
            locator=self.locator(self.name_at, "title"),
        )

    # ------------------------------------------------------------------ model

    def model_claim(self, releases: list[dict]) -> ModelClaim:
        values: dict = {}
        after = self.lines.next_nonblank(self.name_at)
        if after is not None and self.lines.stripped(after).endswith("."):
            values["description"] = self.lines.stripped(after)
        attributes = self.labelled(self.table("Model capabilities"), _CAPABILITY_LABELS)
        if "Modalities" in attributes:
            values["input_modalities"], values["output_modalities"] = _modalities(
                attributes["Modalities"][0]
            )
        if "Capabilities" in attributes:
            values["capabilities"] = split_camel_flags(
                attributes["Capabilities"][0].replace("\n", " "), FLAG_WORDS
            )
        for label, field in (("Strengths", "strengths"), ("Tradeoffs", "tradeoffs")):
            if label in attributes:
                values[field] = split_list(attributes[label][0].replace("\n", ", "))
        primary = self.primary_release(releases)
        if primary is not None:
            values["aliases"] = [primary["alias"]] if primary["alias"] else []
            values["lifecycle_status"] = primary["lifecycle"]
            values["release_date"] = primary["released"]
        return self.make(
            ModelClaim,
            self.name_at,
            "name",
            model=self.model,
            label=self.name,
            locator=self.locator(self.name_at, "name"),
            **values,
        )

    # ------------------------------------------------------------------ releases

    def releases(self) -> list[dict]:
        out = []
        for index in self.table("Release history"):
            line = self.lines.stripped(index)
            match = _RELEASE.match(line)
            if not match:
                raise self.fail(
                    f"unreadable release history row {line!r} (expected NAME alias-slug "
                    "LIFECYCLE DATES SUMMARY; is the page truncated?)",
                    index,
                    "Release",
                )
            if _BROKEN_DATE.match(match["summary"]):
                raise self.fail(
                    f"unreadable date in release history row {line!r}", index, "Release Date"
                )
            name, alias = _split_name_alias(match["head"])
            row = {
                "index": index,
                "name": name,
                "alias": alias,
                "lifecycle": match["life"],
                "summary": match["summary"].strip() or None,
            }
            for field, column in (
                ("released", "Release Date"),
                ("deprecated", "Deprecation"),
                ("shutdown", "Shutdown"),
            ):
                text = match[field]
                row[field] = (
                    None
                    if text in (None, *_EMPTY)
                    else self.parse(units.parse_date, text, index, column)
                )
            out.append(row)
        return out

    def primary_release(self, releases: list[dict]) -> dict | None:
        """The row about this page's model: same name or alias slug; else the first row."""
        wanted = slugify(self.name)
        for row in releases:
            if slugify(row["name"]) == wanted or (row["alias"] and slugify(row["alias"]) == wanted):
                return row
        return releases[0] if releases else None

    def release_claims(self, releases: list[dict], events: list[LifecycleEventClaim]) -> list:
        """Other releases of the family as their own models; every row's deprecation and
        shutdown dates as lifecycle events, unless "Change events" already lists that event."""
        primary = self.primary_release(releases)
        listed = {(event.model, event.event_type, event.date) for event in events}
        claims: list = []
        for row in releases:
            ref = self.model
            if row is not primary:
                ref = ModelRef(name=row["name"], identifier=row["alias"], vendor=self.vendor)
                claims.append(
                    self.make(
                        ModelClaim,
                        row["index"],
                        "Release",
                        model=ref,
                        label=row["name"],
                        lifecycle_status=row["lifecycle"],
                        release_date=row["released"],
                        description=row["summary"],
                        locator=self.locator(row["index"], "Release"),
                    )
                )
            for field, event in (("deprecated", "deprecated"), ("shutdown", "shutdown")):
                if row[field] is not None and (ref, event, row[field]) not in listed:
                    claims.append(
                        self.make(
                            LifecycleEventClaim,
                            row["index"],
                            field.capitalize(),
                            model=ref,
                            event_type=event,
                            date=row[field],
                            locator=self.locator(row["index"], event.capitalize()),
                        )
                    )
        return claims

    # ------------------------------------------------------------------ offers

    def hosts(self) -> list[dict]:
        out = []
        for index in self.table("Host coverage"):
            line = self.lines.stripped(index)
            match = _HOST_ROW.match(line) or _HOST_ROW_LOOSE.match(line)
            if not match:
                raise self.fail(
                    f"unreadable host coverage row {line!r} (expected HOST type CONTEXT NOTE "
                    "DIFFERENCES; is the page truncated?)",
                    index,
                    "Host",
                )
            context = match["context"]
            note, differences = _note_and_differences(match["rest"].strip())
            out.append(
                {
                    "index": index,
                    "host": match["host"].strip(),
                    "type": match["type"],
                    "context": None
                    if context in (None, *_EMPTY)
                    else self.parse(units.parse_tokens, context, index, "Context"),
                    "note": note,
                    "features": split_list(differences) if differences else [],
                }
            )
        return out

    def reference_host(self, hosts: list[dict]) -> dict | None:
        for host in hosts:
            if host["note"] and _REFERENCE_PRICING.search(host["note"]):
                return host
        return next((host for host in hosts if host["type"] == "first-party"), None)

    def prices(self, pricing: dict) -> dict:
        values = {}
        for label, field, parser in (
            ("Input", "input_price", units.parse_price),
            ("Output", "output_price", units.parse_price),
            ("Cached read", "cached_input_price", units.parse_price),
            ("Cache write", "cache_write_price", units.parse_price),
            ("Batch discount", "batch_discount", units.parse_percent),
        ):
            if label in pricing and pricing[label][0] not in _EMPTY:
                text, index = pricing[label]
                values[field] = self.parse(parser, text, index, label)
        return values

    def offers(self, hosts: list[dict], pricing: dict) -> list[OfferClaim]:
        prices = self.prices(pricing)
        reference = self.reference_host(hosts)
        offers = []
        for host in hosts:
            offers.append(
                self.make(
                    OfferClaim,
                    host["index"],
                    "Host",
                    model=self.model,
                    host=host["host"],
                    host_kind=host["type"],
                    context_window=host["context"],
                    note=host["note"],
                    features=host["features"],
                    locator=self.locator(host["index"], "Host"),
                    **(prices if host is reference else {}),
                )
            )
        if prices and reference is None:
            index = min(index for _, index in pricing.values())
            offers.append(
                self.make(
                    OfferClaim,
                    index,
                    "Model pricing",
                    model=self.model,
                    host=f"{self.vendor} API",
                    host_kind="first-party",
                    locator=self.locator(index, "Model pricing"),
                    **prices,
                )
            )
        return offers

    # ------------------------------------------------------------------ benchmarks

    def benchmarks(self) -> list[BenchmarkResultClaim]:
        out = []
        for index in self.table("Benchmark coverage"):
            line = self.lines.stripped(index)
            match = _BENCH_PERCENT.match(line)
            unit = "percent"
            if not match:
                match, unit = _BENCH_POINTS.match(line), "points"
            if not match:
                raise self.fail(
                    f"unreadable benchmark row {line!r} (expected NAME VERSION SCORE % DATE "
                    "SOURCE NOTES; is the page truncated?)",
                    index,
                    "Score",
                )
            if not match["date"] and _BROKEN_DATE.match(match["rest"]):
                raise self.fail(f"unreadable date in benchmark row {line!r}", index, "Date")
            date = match["date"] and self.parse(units.parse_date, match["date"], index, "Date")
            reported_by, note = self.source_and_notes(match["rest"].strip())
            out.append(
                self.make(
                    BenchmarkResultClaim,
                    index,
                    "Benchmark",
                    model=self.model,
                    benchmark=match["bench"].strip(),
                    version=match["version"],
                    score=match["score"],
                    unit=unit,
                    date=date or None,
                    reported_by=reported_by,
                    note=note,
                    locator=self.locator(index, "Benchmark"),
                )
            )
        return out

    def source_and_notes(self, text: str) -> tuple[str | None, str | None]:
        if not text:
            return None, None
        cuts = case_boundaries(text, keep=self.known_names)
        if not cuts:
            return text, None
        return text[: cuts[-1]].strip(), text[cuts[-1] :].strip()

    # ------------------------------------------------------------------ migration, events

    def replacements(self) -> list[RelationClaim]:
        rows = self.labelled(self.table("Migration guidance"), _MIGRATION_LABELS)
        if "Replacement models" not in rows:
            return []
        text, index = rows["Replacement models"]
        summary = rows.get("Summary", (None,))[0]
        return [
            self.make(
                RelationClaim,
                index,
                "Replacement models",
                subject=self.model,
                relation="recommended_replacement",
                object=ref,
                note=summary,
                locator=self.locator(index, "Replacement models"),
            )
            for ref in _replacement_refs(text, self.vendor)
        ]

    def events(self) -> list[LifecycleEventClaim]:
        out = []
        for index in self.table("Change events"):
            line = self.lines.stripped(index)
            match = _EVENT.match(line)
            if not match:
                raise self.fail(
                    f"unreadable change event row {line!r} (expected DATE type_name TITLE "
                    "DESCRIPTION SOURCE; is the page truncated?)",
                    index,
                    "Date",
                )
            date = self.parse(units.parse_date, match["date"], index, "Date")
            title, description, reference = self.title_description_source(match["rest"])
            out.append(
                self.make(
                    LifecycleEventClaim,
                    index,
                    "Type",
                    model=self.model,
                    event_type=match["type"],
                    date=date,
                    title=title,
                    description=description,
                    reference=reference,
                    locator=self.locator(index, "Change event"),
                )
            )
        return out

    def title_description_source(self, text: str) -> tuple[str | None, str | None, str | None]:
        """Title ends at the first word that starts a new capitalised phrase with no space
        before it; the description ends at its last sentence stop run into the next cell
        (or where a URL starts); what follows is the source."""
        text = text.strip()
        cuts = case_boundaries(text, keep=self.known_names, strict=True)
        if not cuts:
            return text or None, None, None
        title, rest = text[: cuts[0]].strip(), text[cuts[0] :]
        url = _URL.search(rest)
        if url:
            return title, rest[: url.start()].strip() or None, url.group(0)
        stop = _SENTENCE_END.search(rest)
        if stop:
            return title, rest[: stop.start() + 1].strip(), rest[stop.end() :].strip() or None
        return title, rest.strip() or None, None


def _modalities(text: str) -> tuple[list[str], list[str]]:
    """``textimage\\nto\\ntext`` -> (["text", "image"], ["text"])."""
    words = []
    for part in text.split():
        words += segment_words(part, (*MODALITY_WORDS, "to"))
    if "to" in words:
        cut = words.index("to")
        return _singular(words[:cut]), _singular(words[cut + 1 :])
    return _singular(words), []


def _singular(words: list[str]) -> list[str]:
    out = []
    for word in words:
        word = word.lower()
        word = word[:-1] if word.endswith("s") and word[:-1] in MODALITY_WORDS else word
        if word not in out:
            out.append(word)
    return out


def _split_name_alias(head: str) -> tuple[str, str | None]:
    """Cut ``GPT-4o minigpt-4o-mini`` into the release name and its alias slug.

    Tried in order over cut points (longest alias first): the alias is the name slugged;
    the alias starts with the name slugged (a dated snapshot); the name ends with a
    character no slug has and the alias has a hyphen, dot or digit. No cut: no alias.
    """
    cuts = [i for i in range(1, len(head)) if _SLUG_TAIL.match(head[i:])]
    rules = (
        lambda name, alias: slugify(name) == slugify(alias),
        lambda name, alias: bool(slugify(name)) and slugify(alias).startswith(slugify(name) + "-"),
        lambda name, alias: (
            not re.match(r"[a-z0-9._:/-]", name[-1]) and bool(re.search(r"[-.\d]", alias))
        ),
    )
    for rule in rules:
        for cut in cuts:
            name, alias = head[:cut], head[cut:]
            if name.strip() and rule(name, alias):
                return name.strip(), alias
    return head.strip(), None


def _note_and_differences(text: str) -> tuple[str | None, str | None]:
    """``Reference pricing.Prompt caching; Batch API`` -> note, differences: the note is a
    sentence; it ends at its last stop run into the next cell."""
    if text in _EMPTY:
        return None, None
    stops = list(_SENTENCE_END.finditer(text))
    if stops:
        cut = stops[-1].start() + 1
        differences = text[cut:].strip()
        return text[:cut].strip(), (None if differences in _EMPTY else differences)
    if text.endswith("."):
        return text, None
    return None, text


def _replacement_refs(text: str, vendor: str) -> list[ModelRef]:
    """Replacement models as the page lists them: slugs become identifiers, anything else
    (a display name such as "GPT-4.1 nano") a name; dashes and "None" name nothing."""
    refs = []
    for item in re.split(r",\s*|;\s*|\n", text):
        item = item.strip()
        if item in _EMPTY or item.lower() in ("none", "n/a"):
            continue
        if re.fullmatch(r"[a-z0-9][a-z0-9._:/\s-]*", item):
            refs += [
                ModelRef(identifier=slug, vendor=vendor)
                for piece in item.split()
                for slug in _split_run_together_slugs(piece)
            ]
        else:
            refs.append(ModelRef(name=item, vendor=vendor))
    return refs


def _split_run_together_slugs(piece: str) -> list[str]:
    """Cut before the first slug's leading word where it recurs not after a hyphen:
    ``claude-sonnet-4claude-opus-4-1`` -> two slugs."""
    lead = re.match(r"[a-z]+", piece)
    if not lead:
        return [piece]
    pattern = rf"(?<=[^-]){re.escape(lead.group(0))}(?=[-\d])"
    starts = [0] + [m.start() for m in re.finditer(pattern, piece) if m.start() > 0]
    return [piece[a:b] for a, b in zip(starts, [*starts[1:], len(piece)])]
