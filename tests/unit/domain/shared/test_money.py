"""Money enters the domain as a two-place Decimal, or not at all."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.shared.errors import InvalidValue
from domain.shared.money import MAX_AMOUNT, to_money


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("79.99", "79.99"), ("5", "5.00"), (5, "5.00"), (Decimal("0.1"), "0.10"), (" 1.5 ", "1.50")],
)
def test_amounts_become_decimals_with_exactly_two_places(raw, expected):
    amount = to_money(raw)
    assert amount == Decimal(expected)
    assert amount.as_tuple().exponent == -2


@pytest.mark.parametrize("raw", ["1.001", "NaN", "Infinity", "-Infinity", "abc", "", "1e400"])
def test_amounts_that_are_not_two_place_finite_decimals_are_refused(raw):
    with pytest.raises(InvalidValue) as refused:
        to_money(raw, "price")
    assert refused.value.field == "price"


def test_the_largest_amount_a_column_holds_is_accepted_and_one_cent_more_is_not():
    assert to_money(MAX_AMOUNT) == MAX_AMOUNT
    with pytest.raises(InvalidValue):
        to_money(MAX_AMOUNT + Decimal("0.01"))


def test_trailing_zeros_beyond_two_places_are_not_extra_precision():
    assert to_money("2.500") == Decimal("2.50")
