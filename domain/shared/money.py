"""Money is a `Decimal` with exactly two places, never a float.

Amounts are checked once, where they enter the domain: finite, at most two decimal places,
and small enough for the NUMERIC(12, 2) columns that store them.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from domain.shared.errors import InvalidValue

__all__ = ["CENT", "MAX_AMOUNT", "ZERO", "to_money"]

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MAX_AMOUNT = Decimal("9999999999.99")


def to_money(value: Decimal | int | str, field: str = "amount") -> Decimal:
    """Return `value` as a two-place Decimal, or raise `InvalidValue` naming `field`."""
    if isinstance(value, float):  # pragma: no cover - guarded by the type, kept for callers
        raise InvalidValue(field, "must be a decimal, not a float")
    try:
        amount = Decimal(value)
    except (InvalidOperation, ValueError, TypeError):
        raise InvalidValue(field, "is not a decimal number") from None
    if not amount.is_finite():
        raise InvalidValue(field, "must be a finite number")
    # The bound first: quantizing a huge number would overflow the decimal context.
    if abs(amount) > MAX_AMOUNT:
        raise InvalidValue(field, f"must not exceed {MAX_AMOUNT}")
    if amount != amount.quantize(CENT):
        raise InvalidValue(field, "must have at most two decimal places")
    return amount.quantize(CENT)
