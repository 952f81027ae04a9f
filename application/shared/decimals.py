"""Decimals of the read side that are not amounts of money: averages (a price, a rating).

The rule, the same for every context and backend: an average is divided here, in Python, from
an exact total and count that the adapter reads (never a database's AVG: SQLite's averages
binary floats), and rounded half to even to a fixed number of places, two unless said
otherwise. A read model holds it as a `Decimal`; on the wire it is a string with those places,
as money is (`DecimalText` in entrypoints/http/schemas/fields.py). Both adapters call
`average`, so memory, SQLite and PostgreSQL answer the same digits.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from typing import Final

__all__ = ["TWO_PLACES", "average"]

TWO_PLACES: Final = Decimal("0.01")


def average(total: Decimal | int, count: int, places: Decimal = TWO_PLACES) -> Decimal:
    """`total / count` rounded half to even to `places`, from exact operands.

    An average of nothing is no number: the caller answers None when `count` is 0."""
    if count <= 0:
        raise ValueError("an average needs at least one value")
    with localcontext() as exact:
        # Enough digits that the quotient is exact up to where the rounding decides.
        exact.prec = 60
        return (Decimal(total) / count).quantize(places, rounding=ROUND_HALF_EVEN)
