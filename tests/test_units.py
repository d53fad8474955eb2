"""Units: the ways pages write numbers become normalised values, keeping precision."""

from decimal import Decimal

import pytest

from modelgraph.units import (
    parse_date,
    parse_parameter_count,
    parse_percent,
    parse_price,
    parse_relative_age,
    parse_tokens,
)


@pytest.mark.parametrize(
    ("text", "tokens"),
    [("128K", 128_000), ("1M", 1_000_000), ("16,384", 16_384), ("128.0K", 128_000),
     ("16K tokens", 16_000), ("200K", 200_000)],
)
def test_token_counts_are_normalised_to_integers(text, tokens):
    assert parse_tokens(text) == tokens


@pytest.mark.parametrize("text", ["", "lots", "1.5", "-3K"])
def test_bad_token_counts_are_rejected(text):
    with pytest.raises(ValueError, match="token count"):
        parse_tokens(text)


def test_prices_keep_their_stated_digits():
    assert parse_price("$0.150") == Decimal("0.150")
    assert parse_price("$0.6/1M tok") == Decimal("0.6")
    assert parse_price("0.075") == Decimal("0.075")
    with pytest.raises(ValueError, match="not a price"):
        parse_price("$abc")


def test_dates_keep_the_precision_the_page_states():
    assert parse_date("Jul 18, 2024").iso == "2024-07-18"
    assert parse_date("2026-05-11").precision == "day"
    assert parse_date("July 2024").iso == "2024-07"
    assert parse_date("Oct 2023").precision == "month"
    assert parse_date("Aug 05, 2024").iso == "2024-08-05"
    with pytest.raises(ValueError):
        parse_date("Feb 30, 2024")
    with pytest.raises(ValueError):
        parse_date("someday")


def test_percent_parameters_and_ages():
    assert parse_percent("82.4 %") == Decimal("82.4")
    assert parse_parameter_count("~8B") == (8_000_000_000, True)
    assert parse_parameter_count("175B") == (175_000_000_000, False)
    assert parse_relative_age("8d ago").days == 8
