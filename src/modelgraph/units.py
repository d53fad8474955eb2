"""Parse the ways pages write numbers, prices and dates into normalised values.

Each parser raises `ValueError` with the offending text; extractors turn that into an
`ExtractionError` naming the source, line and field.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from .records import PartialDate

_SCALE = {"": 1, "k": 1_000, "m": 1_000_000, "b": 1_000_000_000, "t": 1_000_000_000_000}

_TOKENS = re.compile(r"^~?\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*([kKmMbBtT]?)\b\s*(?:tokens?|tok)?\.?$")


def parse_tokens(text: str) -> int:
    """``200K`` -> 200000, ``2M`` -> 2000000, ``32,768`` -> 32768, ``200.0K`` -> 200000."""
    match = _TOKENS.match(text.strip())
    if not match:
        raise ValueError(f"not a token count: {text!r}")
    number, suffix = match.groups()
    value = Decimal(number.replace(",", "")) * _SCALE[suffix.lower()]
    if value != value.to_integral_value():
        raise ValueError(f"token count is not a whole number: {text!r}")
    return int(value)


_PARAMS = re.compile(r"^(~)?\s*([0-9]+(?:\.[0-9]+)?)\s*([kKmMbBtT])$")


def parse_parameter_count(text: str) -> tuple[int, bool]:
    """``~8B`` -> (8_000_000_000, True); ``175B`` -> (175_000_000_000, False)."""
    match = _PARAMS.match(text.strip())
    if not match:
        raise ValueError(f"not a parameter count: {text!r}")
    approx, number, suffix = match.groups()
    return int(Decimal(number) * _SCALE[suffix.lower()]), bool(approx)


_PRICE = re.compile(r"^\$?\s*([0-9]+(?:\.[0-9]+)?|\.[0-9]+)\s*(?:USD)?$")


def parse_price(text: str) -> Decimal:
    """``$0.150`` -> Decimal('0.150'); ``0.6`` -> Decimal('0.6'). Keeps the stated digits."""
    cleaned = text.strip()
    cleaned = re.sub(r"\s*(?:/|per)\s*1\s*M\b.*$", "", cleaned, flags=re.IGNORECASE)
    match = _PRICE.match(cleaned)
    if not match:
        raise ValueError(f"not a price: {text!r}")
    try:
        return Decimal(match.group(1))
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only digits
        raise ValueError(f"not a price: {text!r}") from exc


_PERCENT = re.compile(r"^([0-9]+(?:\.[0-9]+)?)\s*%$")


def parse_percent(text: str) -> Decimal:
    """``91.7 %`` -> Decimal('91.7'); ``50%`` -> Decimal('50')."""
    match = _PERCENT.match(text.strip())
    if not match:
        raise ValueError(f"not a percentage: {text!r}")
    return Decimal(match.group(1))


_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}

_MONTH_DAY_YEAR = re.compile(r"^([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})$")
_MONTH_YEAR = re.compile(r"^([A-Za-z]+)\.?\s+(\d{4})$")
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})\s+([A-Za-z]+)\.?,?\s+(\d{4})$")


def parse_date(text: str) -> PartialDate:
    """Dates as pages write them, keeping precision.

    ``2025-03-04``, ``Mar 4, 2025``, ``4 March 2025`` -> day; ``March 2025``, ``Nov 2024``,
    ``2023-10`` -> month; ``2024`` -> year.
    """
    cleaned = text.strip()
    try:
        return PartialDate.parse(cleaned)
    except ValueError:
        pass
    for pattern, order in (
        (_MONTH_DAY_YEAR, ("month", "day", "year")),
        (_DAY_MONTH_YEAR, ("day", "month", "year")),
        (_MONTH_YEAR, ("month", "year")),
    ):
        match = pattern.match(cleaned)
        if not match:
            continue
        parts = dict(zip(order, match.groups()))
        month = _MONTHS.get(parts["month"].lower())
        if month is None:
            raise ValueError(f"unknown month in date: {text!r}")
        day = int(parts["day"]) if "day" in parts else None
        try:
            return PartialDate(year=int(parts["year"]), month=month, day=day)
        except ValueError as exc:
            raise ValueError(f"invalid date: {text!r}") from exc
    raise ValueError(f"not a date: {text!r}")


_AGO = re.compile(r"^(\d+)\s*(d|day|days|w|week|weeks|mo|month|months|y|year|years)\s+ago$", re.IGNORECASE)


def parse_relative_age(text: str) -> dt.timedelta:
    """``8d ago`` -> 8 days. Months count 30 days, years 365: an age, not a calendar date."""
    match = _AGO.match(text.strip())
    if not match:
        raise ValueError(f"not a relative age: {text!r}")
    number, unit = int(match.group(1)), match.group(2).lower()
    days = {"d": 1, "w": 7, "m": 30, "y": 365}[unit[0]]
    return dt.timedelta(days=number * days)
