"""What every query adapter shares: a read-only connection and exact money arithmetic.

Query adapters run Core selects on the read engine (the replica when one is configured) and
build read-model dataclasses straight from rows: no session, no entity hydration.

Money sums are exact on both engines. PostgreSQL sums NUMERIC exactly. SQLite stores
NUMERIC(12, 2) as binary floats, whose sum could drift in the last place and then order two
equal totals differently from the in-memory adapter; there, amounts are summed as integer
cents (`ROUND(amount * 100)`, exact for every two-place amount the domain accepts).
Averages are divided in Python from the exact sum and count, rounded half-even to the cent,
so every backend answers the same.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from typing import Any, TypeAlias

from sqlalchemy import ColumnElement, Integer, Row, cast, func, type_coerce
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from adapters.sqlalchemy.column_types import Money
from adapters.sqlalchemy.engine import read_only
from adapters.sqlalchemy.errors import storage_errors
from domain.shared.money import CENT, ZERO

__all__ = ["AnyRow", "ReadSide", "average", "money_sum", "money_total"]

AnyRow: TypeAlias = Row[*tuple[Any, ...]]
"""A result row of any shape."""


class ReadSide:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = read_only(engine)
        self._dialect = engine.dialect.name

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[AsyncConnection]:
        """A connection for one read; several statements on it share one snapshot on SQLite."""
        async with storage_errors(), self._engine.connect() as connection:
            yield connection


def money_sum(column: ColumnElement[Any], dialect: str) -> ColumnElement[Any]:
    """SUM of an amount column, exact on both engines; 0 over no rows. Read it back with
    `money_total`."""
    if dialect == "sqlite":
        cents = cast(func.round(column * 100), Integer)
        return func.coalesce(func.sum(cents), 0)
    return type_coerce(func.coalesce(func.sum(column), 0), Money)


def money_total(value: Any, dialect: str) -> Decimal:
    if dialect == "sqlite":
        return (Decimal(int(value)) / 100).quantize(CENT)
    return Decimal(value).quantize(CENT) if value is not None else ZERO


def average(total: Decimal, count: int) -> Decimal:
    """`total / count` rounded half-even to the cent, from exact operands."""
    with localcontext() as exact:
        exact.prec = 60
        return (total / count).quantize(CENT, rounding=ROUND_HALF_EVEN)
