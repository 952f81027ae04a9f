"""Column types that make both engines hand back what the domain expects.

- `UtcDateTime`: timestamps go in as aware UTC and always come back aware UTC. PostgreSQL
  stores `timestamptz`; SQLite has no time zones, so the value is stored as naive UTC text
  in one fixed format (which also makes text comparison order equal time order).
- `Money`: NUMERIC(12, 2) that always comes back as a two-place `Decimal`. SQLite keeps
  numerics as binary floats; twelve significant digits survive that round trip, and the
  quantize here turns the float back into the exact amount that was stored.
- `StrEnumType`: a VARCHAR holding a `StrEnum`'s value that loads as the enum member, so the
  domain's identity checks (`status is OrderStatus.PENDING`) hold for loaded rows.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, Generic, TypeVar

from sqlalchemy import DateTime, Numeric, String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from domain.shared.money import CENT

__all__ = ["Money", "StrEnumType", "UtcDateTime"]

E = TypeVar("E", bound=StrEnum)


class UtcDateTime(TypeDecorator[datetime]):
    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.utcoffset() is None:
            raise ValueError("naive datetimes are not stored; pass an aware UTC datetime")
        value = value.astimezone(UTC)
        # SQLite would store the offset as text and then compare strings with mixed
        # offsets; naive UTC in one format keeps its text order equal to time order.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Money(TypeDecorator[Decimal]):
    impl = Numeric(12, 2)
    cache_ok = True

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        amount = value if isinstance(value, Decimal) else Decimal(value)
        return amount.quantize(CENT)


class StrEnumType(TypeDecorator[E], Generic[E]):
    impl = String
    cache_ok = True

    def __init__(self, enum: type[E], length: int) -> None:
        super().__init__(length)
        self.enum = enum
        self.length = length

    def process_bind_param(self, value: E | str | None, dialect: Dialect) -> str | None:
        return None if value is None else self.enum(value).value

    def process_result_value(self, value: str | None, dialect: Dialect) -> E | None:
        return None if value is None else self.enum(value)
