"""Where sources disagree: a functional property with different values in different graphs.

Which properties are single-valued is data: the ontology marks them ``owl:FunctionalProperty``
and the ontology is loaded into the store, so the conflict query reads the set from there.

Values are compared at the precision they are stated, so that a difference of rounding is
not a conflict (rules, in order):

* dates: ``2025-03`` agrees with ``2025-03-04`` (a coarser date is a prefix of a finer one);
* token counts written as round numbers agree with what they abbreviate: ``128000`` (128K)
  agrees with ``131072`` (128 Ki) and ``1000000`` (1M) with ``1048576``; a round number
  stands for the range of its last non-zero digit;
* benchmark scores are measurements that pages round: ``71`` (from "71%") agrees with ``70.6``
  (within half a unit of the coarser value's last decimal place) but not with ``71.6``. The
  store keeps decimals in canonical form, so a score written ``71.0`` counts as ``71``;
* everything else (prices, versions) must be equal as values: ``0.4`` = ``0.40`` but
  ``0.125`` ≠ ``0.13``: a price list states a tariff, and two tariffs that differ in the
  third decimal are two claims, one of which is wrong; strings compare case-insensitively.

Different hosts with different prices are different offers (different subjects), so they
never meet here.

Where one value has to stand for all of them (a migration's delta, the model listing's
release date and context window), every value stays listed with its sources and the
*representative* is chosen by `REPRESENTATIVE_RULE` (`representative_key`), the same way
everywhere:

1. the value the most sources state (distinct source pages);
2. then the most precise: a full date over a month over a year; an exact number over a round
   one (``1048576`` over ``1000000``, ``70.6`` over ``71``), i.e. the most significant
   decimal places;
3. then the smallest (the earliest date, the lowest number; text in code-point order), so
   that equal standing never depends on the order rows come in.

So ``128000`` stated by five pages stands over ``131072`` stated by one, although ``131072``
is more precise and agrees with it; and a model released ``2025-03-04`` by four pages is not
listed as released ``2025-03`` because one page says only that.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from pyoxigraph import Literal, NamedNode

from .vocab import SOURCE, XSD, sparql_prefixes

ROUNDED_INTEGER_PROPERTIES = {"contextWindow", "maxOutputTokens", "parameterCount"}
ROUNDED_MEASUREMENT_PROPERTIES = {"score"}

_CONFLICT_QUERY = sparql_prefixes() + """
SELECT ?s ?p ?o ?g WHERE {
  {
    SELECT ?s ?p WHERE {
      #SUBJECT
      ?p a owl:FunctionalProperty .
      GRAPH ?g1 { ?s ?p ?o1 }
    }
    GROUP BY ?s ?p
    HAVING (COUNT(DISTINCT ?o1) > 1)
  }
  GRAPH ?g { ?s ?p ?o }
}
"""


@dataclass
class ConflictValue:
    value: str
    datatype: str | None
    sources: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"value": self.value, "datatype": self.datatype, "sources": self.sources}


@dataclass
class Conflict:
    subject: str
    property: str
    values: list[ConflictValue]

    @property
    def sources(self) -> list[str]:
        return sorted({s for value in self.values for s in value.sources})

    def to_dict(self) -> dict:
        return {
            "subject": self.subject,
            "property": self.property,
            "values": [value.to_dict() for value in self.values],
        }

    def describe(self) -> str:
        parts = " vs ".join(f"{v.value} ({', '.join(v.sources)})" for v in self.values)
        return f"sources disagree on {_local(self.property)}: {parts}"


def find_conflicts(store, subject: NamedNode | None = None,
                   subjects: list[NamedNode] | None = None) -> list[Conflict]:
    """All conflicts in `store` (anything with the EmbeddedStore `query` API), or those of
    `subject` / of `subjects` only."""
    chosen = [subject] if subject is not None else list(subjects or [])
    # the subjects are bound in the query text (VALUES, each term serialised by pyoxigraph)
    # so that any store answers it the same way, remote ones and the query workers included
    values = f"VALUES ?s {{ {' '.join(str(s) for s in chosen)} }}" if chosen else ""
    if subjects is not None and not chosen:
        return []
    query = _CONFLICT_QUERY.replace("#SUBJECT", values)
    return conflicts_among(
        (row["s"].value, row["p"].value, row["o"], row["g"]) for row in store.query(query))


def conflicts_among(statements) -> list[Conflict]:
    """The conflicts among (subject IRI, property IRI, object term, graph term) statements of
    functional properties; statements outside a source graph are ignored."""
    grouped: dict[tuple[str, str], dict[tuple[str, str | None], ConflictValue]] = {}
    for subject_iri, prop, term, graph in statements:
        if not isinstance(graph, NamedNode) or not graph.value.startswith(SOURCE):
            continue
        datatype = term.datatype.value if isinstance(term, Literal) else None
        values = grouped.setdefault((subject_iri, prop), {})
        entry = values.setdefault((term.value, datatype), ConflictValue(term.value, datatype))
        source_id = graph.value[len(SOURCE):]
        if source_id not in entry.sources:
            entry.sources.append(source_id)
    conflicts = []
    for (subject_iri, prop), values in sorted(grouped.items()):
        if len(values) < 2:
            continue
        distinct = sorted(values.values(), key=lambda v: (v.value, v.datatype or ""))
        for value in distinct:
            value.sources.sort()
        if _disagree(prop, distinct):
            conflicts.append(Conflict(subject_iri, prop, distinct))
    return conflicts


def _disagree(prop: str, values: list[ConflictValue]) -> bool:
    """True when some pair of values cannot both be right, even allowing for rounding."""
    for i, a in enumerate(values):
        for b in values[i + 1:]:
            if not values_agree(prop, a.value, a.datatype, b.value, b.datatype):
                return True
    return False


_DATE_TYPES = {XSD.date.value, XSD.gYearMonth.value, XSD.gYear.value}
_NUMERIC_TYPES = {XSD.decimal.value, XSD.integer.value, XSD.double.value, XSD.float.value}

REPRESENTATIVE_RULE = ("the value most sources state; then the most precise (a full date over "
                       "a month, an exact number over a round one); then the smallest or "
                       "earliest")


def precision(value: str, datatype: str | None) -> int:
    """How finely a value is stated, higher is finer: a date's number of parts (2025 < 2025-03
    < 2025-03-04); a number's significant decimal places, negative for trailing zeros
    (1000000: -6, 1048576: 0, 0.13: 2, 0.125: 3); 0 for anything else."""
    if datatype in _DATE_TYPES:
        return value.lstrip("-").count("-")
    if datatype in _NUMERIC_TYPES:
        try:
            number = Decimal(value)
        except InvalidOperation:
            return 0
        if not number.is_finite():
            return 0
        return 0 if number == 0 else -number.normalize().as_tuple().exponent
    return 0


def representative_key(value: str, datatype: str | None, sources: int) -> tuple:
    """Sort key of a value stated by `sources` distinct sources: the smallest key is the
    representative (`REPRESENTATIVE_RULE`: most sources, then most precise, then smallest)."""
    return (-sources, -precision(value, datatype), _value_order(value, datatype))


def _value_order(value: str, datatype: str | None) -> tuple:
    if datatype in _NUMERIC_TYPES:
        try:
            number = Decimal(value)
            if number.is_finite():
                return (0, number, value)
        except InvalidOperation:
            pass
    return (1, Decimal(0), value)  # dates as written (ISO: earliest first), text by code point


def values_agree(prop: str, a: str, a_type: str | None, b: str, b_type: str | None) -> bool:
    if a_type in _DATE_TYPES and b_type in _DATE_TYPES:
        return a.startswith(b) or b.startswith(a)
    if a_type in _NUMERIC_TYPES and b_type in _NUMERIC_TYPES:
        try:
            x, y = Decimal(a), Decimal(b)
        except InvalidOperation:
            return a == b
        if x == y:
            return True
        if _local(prop) in ROUNDED_INTEGER_PROPERTIES:
            return _abbreviates(x, y) or _abbreviates(y, x)
        if _local(prop) in ROUNDED_MEASUREMENT_PROPERTIES:
            return _rounds_to(x, y) or _rounds_to(y, x)
        return False
    return a.casefold() == b.casefold()


def _abbreviates(rounded: Decimal, exact: Decimal) -> bool:
    """Could `rounded` be how a page wrote `exact`? A round number is read as a page writes
    it, in thousands, millions or billions, every digit of that figure significant:
    100000 as "100K" (so 100,400 but not 128,000), 1500000 as "1.5M", 7000000000 as "7B"
    (7.24B rounds to it). `exact` agrees when it rounds to that figure (a half is a
    different figure), or when the page meant binary units (128K as 128 x 1024, 1.5M as
    1.5 x 1024 x 1024)."""
    if rounded <= 0 or rounded != rounded.to_integral_value() or rounded % 1000:
        return False
    value = int(rounded)
    power = max(p for p in (1, 2, 3) if value >= 1000**p)  # K, M, B
    figure = Decimal(value).scaleb(-3 * power).normalize()  # 100, 1.5, 7
    digits_after_point = max(-figure.as_tuple().exponent, 0)
    precision = Decimal(1000**power).scaleb(-digits_after_point)
    if abs(exact - value) < precision / 2:
        return True
    return any(exact * 1000**p == value * 1024**p for p in range(1, power + 1))


def _rounds_to(exact: Decimal, rounded: Decimal) -> bool:
    """Is `rounded` `exact` written with fewer decimal places (70.6 as 71)?"""
    places = -rounded.normalize().as_tuple().exponent
    if places >= -exact.normalize().as_tuple().exponent:
        return False  # not coarser: equal values were caught before
    return abs(exact - rounded) <= Decimal(1).scaleb(-max(places, 0)) / 2


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
