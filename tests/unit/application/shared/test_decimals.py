"""Averages: one rounding, half to even, for every context and backend."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import TypeAdapter

from application.shared.decimals import average
from entrypoints.http.schemas.fields import DecimalText


@pytest.mark.parametrize(
    ("total", "count", "expected"),
    [
        (13, 3, "4.33"),  # ratings: an int total
        (14, 3, "4.67"),
        (Decimal("0.05"), 2, "0.02"),  # 0.025: half to the even cent, down
        (Decimal("0.07"), 2, "0.04"),  # 0.035: half to the even cent, up
        (Decimal("9999999999.99") * 3 + Decimal("0.03"), 3, "10000000000.00"),
    ],
)
def test_an_average_is_rounded_half_to_even_to_two_places(
    total: Decimal | int, count: int, expected: str
) -> None:
    assert average(total, count) == Decimal(expected)
    assert str(average(total, count)) == expected


def test_an_average_takes_other_places_when_asked() -> None:
    assert str(average(10, 4, Decimal("0.1"))) == "2.5"
    assert str(average(1, 8, Decimal("0.001"))) == "0.125"


def test_an_average_of_nothing_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one"):
        average(0, 0)


def test_a_decimal_that_is_not_money_goes_out_as_a_string_with_two_places() -> None:
    wire = TypeAdapter(DecimalText)

    assert wire.dump_python(Decimal("4.5"), mode="json") == "4.50"
    assert wire.json_schema(mode="serialization")["type"] == "string"
