"""Typed claims an extractor reads off one page. No RDF here, no store.

Every claim carries a `Locator` (line, field, the raw text it was read from) so that a
curator can find the value on the page. Values are normalised at extraction:

* token counts are integers (``200K`` -> 200000, ``2M`` -> 2000000, ``32,768`` -> 32768);
* prices are `Decimal` USD per 1M tokens (``$0.150`` -> Decimal("0.150"));
* percentages are `Decimal` percent points (``91.7 %`` -> Decimal("91.7"));
* dates are `PartialDate`, keeping the precision the page states (``July 2024`` is a month).

Models, vendors and hosts are referred to by the spelling the page uses (`ModelRef`);
`identity.py` turns spellings into IRIs.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Locator(Record):
    """Where on the page a claim was read: 1-based line, the field/column name, raw text."""

    line: int | None = None
    field: str | None = None
    text: str | None = None

    def __str__(self) -> str:
        parts = []
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.field:
            parts.append(f"field {self.field!r}")
        return ", ".join(parts) or "page"


_DATE_FORMS = (
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"), "day"),
    (re.compile(r"^(\d{4})-(\d{2})$"), "month"),
    (re.compile(r"^(\d{4})$"), "year"),
)


class NotACalendarDate(ValueError):
    """A date written in the right shape that names no day: ``2025-02-31``, ``2025-25-11``."""


def calendar_problem(year: int, month: int | None, day: int | None) -> str | None:
    """Why year/month/day name no date of the calendar (None when they do)."""
    if day is not None and month is None:
        return "a day needs a month"
    if month is not None and not 1 <= month <= 12:
        return f"there is no month {month}"
    if day is not None:
        days = calendar.mdays[month] + (month == 2 and calendar.isleap(year))
        if not 1 <= day <= days:
            return f"{calendar.month_name[month]} {year} has {days} days, not {day}"
    return None


class PartialDate(Record):
    """A calendar date known to a precision: year, month or day.

    ``PartialDate.parse("2024-07")`` is July 2024; its `iso` is ``2024-07`` and it maps to
    xsd:gYearMonth. Two partial dates *agree* when one is a prefix of the other.
    """

    year: int
    month: int | None = None
    day: int | None = None

    @model_validator(mode="after")
    def _valid(self) -> PartialDate:
        problem = calendar_problem(self.year, self.month, self.day)
        if problem:
            raise ValueError(problem)
        return self

    @property
    def precision(self) -> Literal["year", "month", "day"]:
        return "day" if self.day else "month" if self.month else "year"

    @property
    def iso(self) -> str:
        if self.day:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    @classmethod
    def parse(cls, iso: str) -> PartialDate:
        """``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``; ValueError otherwise, NotACalendarDate
        when the shape is right but the date does not exist."""
        for pattern, _ in _DATE_FORMS:
            match = pattern.match(iso.strip())
            if match:
                parts = dict(zip(("year", "month", "day"), map(int, match.groups())))
                problem = calendar_problem(parts["year"], parts.get("month"), parts.get("day"))
                if problem:
                    raise NotACalendarDate(f"{iso.strip()} is not a calendar date: {problem}")
                return cls(**parts)
        raise ValueError(f"not an ISO date, year-month or year: {iso!r}")

    @classmethod
    def of(cls, date: dt.date) -> PartialDate:
        return cls(year=date.year, month=date.month, day=date.day)

    def __str__(self) -> str:
        return self.iso


class ModelRef(Record):
    """A model as the page names it: display name and/or identifier, maybe its vendor.

    ``ModelRef(name="OpenAI: GPT-4o-mini")`` and ``ModelRef(identifier="openai/gpt-4o-mini")``
    both resolve to the same model IRI.
    """

    name: str | None = None
    identifier: str | None = None
    vendor: str | None = None
    # whether a path identifier's namespace names the vendor when `vendor` is None
    # (``openai/gpt-4o-mini``); False where the path is a host's addressing
    vendor_in_path: bool = True

    @model_validator(mode="after")
    def _named(self) -> ModelRef:
        if not (self.name or self.identifier):
            raise ValueError("a model reference needs a name or an identifier")
        return self

    @property
    def spelling(self) -> str:
        return self.identifier or self.name or ""


class Claim(Record):
    locator: Locator = Field(default_factory=Locator)


Price = Decimal  # USD per 1M tokens unless `currency` says otherwise


class SourceInfo(Claim):
    """What a page says about itself: site, title, and the dates it states."""

    site: str | None = None
    page_kind: str | None = None  # e.g. "model profile", "router model page"
    title: str | None = None
    url: str | None = None
    researched: PartialDate | None = None
    verified: PartialDate | None = None
    refreshed: PartialDate | None = None
    updated: PartialDate | None = None
    version: str | None = None  # release of a versioned source, e.g. a catalogue package


class ModelClaim(Claim):
    """Facts about one model. Unknown stays None; lists are what the page enumerates."""

    model: ModelRef
    label: str | None = None
    description: str | None = None
    family: str | None = None
    snapshot_of: ModelRef | None = None  # a dated snapshot names the alias it pins
    aliases: list[str] = Field(default_factory=list)
    release_date: PartialDate | None = None
    knowledge_cutoff: PartialDate | None = None
    updated: PartialDate | None = None
    context_window: int | None = Field(default=None, ge=0)
    max_output_tokens: int | None = Field(default=None, ge=0)
    parameter_count: int | None = Field(default=None, ge=0)
    parameter_count_approximate: bool | None = None
    input_modalities: list[str] = Field(default_factory=list)  # text, image, file, audio, pdf…
    output_modalities: list[str] = Field(default_factory=list)
    capabilities: list[str] = Field(default_factory=list)  # as written; identity normalises
    tags: list[str] = Field(default_factory=list)  # use-case/category tags
    license: str | None = None
    open_weights: bool | None = None
    lifecycle_status: str | None = None  # active, current, deprecated, unavailable, preview…
    available: bool | None = None
    api_access: bool | None = None
    architecture: str | None = None
    specialization: str | None = None
    model_type: str | None = None  # e.g. "multimodal"
    strengths: list[str] = Field(default_factory=list)
    tradeoffs: list[str] = Field(default_factory=list)


class VendorClaim(Claim):
    name: str
    description: str | None = None
    headquarters: str | None = None
    founded: int | None = None
    website: str | None = None


class OfferClaim(Claim):
    """A model on a host (API provider or router route) and its price there."""

    model: ModelRef
    host: str
    host_kind: str | None = None  # first-party, serverless, router, cloud…
    endpoint_id: str | None = None  # the host's id for the model, e.g. a dated snapshot
    # set only when one host sells one model through several endpoints at different terms
    # (e.g. a "TEE" or "Pro" endpoint): each variant is then an offer of its own
    variant: str | None = None
    currency: str = "USD"
    input_price: Price | None = Field(default=None, ge=0)
    output_price: Price | None = Field(default=None, ge=0)
    cached_input_price: Price | None = Field(default=None, ge=0)
    cache_write_price: Price | None = Field(default=None, ge=0)
    batch_discount: Decimal | None = Field(default=None, ge=0, le=100)  # percent off
    context_window: int | None = Field(default=None, ge=0)
    max_output_tokens: int | None = Field(default=None, ge=0)
    features: list[str] = Field(default_factory=list)
    note: str | None = None
    availability: str | None = None  # e.g. "Partial"

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Z]{3}", value):
            raise ValueError(f"currency must be an ISO 4217 code, got {value!r}")
        return value


class BenchmarkResultClaim(Claim):
    model: ModelRef
    benchmark: str  # name as written ("MMLU", "Chatbot Arena")
    benchmark_url: str | None = None
    score: Decimal
    unit: Literal["percent", "elo", "points", "percentile"] = "points"
    version: str | None = None
    date: PartialDate | None = None
    reported_by: str | None = None  # "OpenAI", "Vendor-reported"…
    note: str | None = None


RelationKind = Literal[
    "successor",  # object is the successor of subject
    "predecessor",  # object came before subject
    "recommended_replacement",  # the page recommends migrating subject -> object
    "compared_with",
    "cheaper_than",  # subject is cheaper than object
    "variant_of",
]


class RelationClaim(Claim):
    subject: ModelRef
    relation: RelationKind
    object: ModelRef
    note: str | None = None


class LifecycleEventClaim(Claim):
    model: ModelRef
    event_type: str  # published, deprecated, shutdown, family_added, price_change…
    date: PartialDate | None = None
    title: str | None = None
    description: str | None = None
    reference: str | None = None  # the page's cited source for the event


class AssessmentClaim(Claim):
    """A site's own rating or ranking of a model (grade, percentile, stars)."""

    model: ModelRef
    metric: str  # "quality per dollar", "speed percentile"…
    value: str  # as shown: "A", "78", "★★★★"
    numeric: Decimal | None = None


AnyClaim = (
    SourceInfo
    | ModelClaim
    | VendorClaim
    | OfferClaim
    | BenchmarkResultClaim
    | RelationClaim
    | LifecycleEventClaim
    | AssessmentClaim
)


class Extraction(Record):
    """Everything one extractor read from one page."""

    source_id: str
    extractor: str
    source: SourceInfo
    claims: list[AnyClaim] = Field(default_factory=list)

    def of_type(self, kind: type) -> list:
        return [claim for claim in self.claims if isinstance(claim, kind)]
