"""What every query adapter shares: a read-only connection in one store, exact money arithmetic.

Query adapters run Core selects on the read engine (the replica when one is configured) and
build read-model dataclasses straight from rows: no session, no entity hydration. A query
adapter is made for one store: it selects from `scoped(table)` (adapters/sqlalchemy/
tenancy.py), whose `:store_id` every statement on its connections is given here, once; on
PostgreSQL each read also names its store to the row-level security policies.

Money sums are exact on both engines. PostgreSQL sums NUMERIC exactly. SQLite stores
NUMERIC(12, 2) as binary floats, whose sum could drift in the last place and then order two
equal totals differently from the in-memory adapter; there, amounts are summed as integer
cents (`ROUND(amount * 100)`, exact for every two-place amount the domain accepts).
Averages are divided in Python from the exact sum and count, rounded half-even to the cent
(`application.shared.decimals.average`, which the in-memory fakes call too), so every backend
answers the same.

On PostgreSQL through asyncpg, the hottest reads (a product by key, a page of products, and
the standing of a token's account, which every authenticated request reads first) skip
SQLAlchemy's execution path: `DriverStatements` compiles each statement shape once to the
driver's SQL, and `ReadSide._driver_fetch` runs it on the pooled connection's asyncpg
connection, which prepares it once per connection and caches it. Such a read needs one round
trip and no transaction: a single statement sees one snapshot anyway. Everything else, and
every read on SQLite, runs through Core as before. Like SQLAlchemy's own cache, and asyncpg's
per connection, `DriverStatements` keeps the `DRIVER_STATEMENTS` most recently used shapes
only: list filters combine into more shapes than any cache should hold.

A special path, kept because it pays: with it the app answers 117 % more product reads by id
(1,940 against 895 req/s) and 67 % more product lists (837 against 502 req/s) than with
every read through Core (bench/results/2026-12-02-reads.md, `app@core-reads`); the standing
read on it, one round trip instead of four (BEGIN, naming the store, the read, ROLLBACK),
answers 18 % more `GET /orders/{id}` (21 % in a second run) and 4 to 10 % more
`POST /orders/` (bench/results/2026-12-03-standing.md and -standing-orders.md,
`app@before`). Its users are `SqlAlchemyProductQueries.get` and `.list`, with the row mapper
`_product_from_record` beside the Core one, and `SqlAlchemyUserQueries.standing`.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Hashable
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import Any, TypeAlias
from weakref import WeakKeyDictionary

from sqlalchemy import ClauseElement, ColumnElement, Dialect, Integer, Row, cast, func, type_coerce
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.util import greenlet_spawn

from adapters.sqlalchemy.column_types import Money
from adapters.sqlalchemy.engine import read_only
from adapters.sqlalchemy.errors import storage_errors
from adapters.sqlalchemy.schema import STORE_ID
from adapters.sqlalchemy.tenancy import (
    SET_STORE,
    SET_STORE_FOR_SESSION,
    STORE_SETTING,
    bind_store_parameter,
)
from application.shared.errors import Unavailable
from domain.shared.money import CENT, ZERO

__all__ = [
    "DRIVER_STATEMENTS",
    "AnyRow",
    "DriverStatement",
    "DriverStatements",
    "ReadSide",
    "money_sum",
    "money_total",
]

AnyRow: TypeAlias = Row[*tuple[Any, ...]]
"""A result row of any shape."""

DRIVER_STATEMENTS = 256
"""How many compiled shapes `DriverStatements` keeps; the least recently used goes first."""


class DriverStatement:
    """One statement compiled to the driver's SQL, and the order its named values go in."""

    __slots__ = ("names", "sql")

    def __init__(self, statement: ClauseElement, dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        self.sql = str(compiled)
        self.names: tuple[str, ...] = tuple(getattr(compiled, "positiontup", None) or ())

    def arguments(self, values: dict[str, Any]) -> list[Any]:
        return [values[name] for name in self.names]


class DriverStatements:
    """Statements compiled once per shape, the `capacity` most recently used kept; a shape's
    values are given at each call.

    `build` must return a statement whose variable parts are all named `bindparam`s, so
    that every statement of one shape compiles to the same SQL."""

    def __init__(self, dialect: Dialect, capacity: int = DRIVER_STATEMENTS) -> None:
        self._dialect = dialect
        self._capacity = capacity
        self._compiled: OrderedDict[Hashable, DriverStatement] = OrderedDict()

    def get(self, shape: Hashable, build: Callable[[], ClauseElement]) -> DriverStatement:
        found = self._compiled.get(shape)
        if found is not None:
            self._compiled.move_to_end(shape)
            return found
        found = self._compiled[shape] = DriverStatement(build(), self._dialect)
        if len(self._compiled) > self._capacity:
            self._compiled.popitem(last=False)
        return found

    def __len__(self) -> int:
        return len(self._compiled)


class ReadSide:
    def __init__(self, engine: AsyncEngine, store_id: int) -> None:
        self._source = engine
        self._store_id = store_id
        self._read_only: AsyncEngine | None = None
        self._dialect = engine.dialect.name
        # Driver-level reads only where the driver is asyncpg (see the module docstring).
        self._statements = (
            _statements_for(engine.dialect) if engine.dialect.driver == "asyncpg" else None
        )

    @property
    def _engine(self) -> AsyncEngine:
        # Made on first use, then kept: query adapters are the container's singletons, and a
        # driver-level read needs none.
        if self._read_only is None:
            self._read_only = read_only(self._source)
            bind_store_parameter(self._read_only)
        return self._read_only

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[AsyncConnection]:
        """A connection for one read; several statements on it share one snapshot on SQLite."""
        async with storage_errors(), self._engine.connect() as connection:
            await connection.execution_options(**{STORE_ID: self._store_id})
            if self._dialect == "postgresql":
                await connection.execute(SET_STORE, {"store": str(self._store_id)})
            yield connection

    async def _driver_fetch(self, statement: DriverStatement, values: dict[str, Any]) -> Any:
        """The rows of `statement` (asyncpg records), run on a pooled asyncpg connection.

        No SQLAlchemy connection and no transaction are made: one statement reads one
        snapshot. asyncpg's own errors are not SQLAlchemy's: a failed driver read discards
        the connection and reports the storage unavailable (a read changes nothing)."""
        async with storage_errors():  # no connection free in time, server unreachable
            pooled = await self._source.raw_connection()
        try:
            driver: Any = pooled.driver_connection
            arguments = statement.arguments({**values, STORE_ID: self._store_id})
            try:
                await self._name_store(pooled, driver)
                return await driver.fetch(statement.sql, *arguments)
            except Exception as error:
                await greenlet_spawn(pooled.invalidate, error)
                raise Unavailable("the storage cannot serve the request") from error
        finally:
            # Returning it runs the pool's synchronous reset, which needs SQLAlchemy's
            # greenlet bridge like every other pool operation.
            await greenlet_spawn(pooled.close)

    async def _name_store(self, pooled: Any, driver: Any) -> None:
        """Name the store to PostgreSQL's policies for this connection's session, unless it
        is named already. Outside a transaction, the setting is kept at once; only driver
        reads set it this way (units of work and Core reads set it for their transaction,
        which leaves the session's value alone), so the connection remembers it exactly and
        a run of reads in one store costs no extra round trip."""
        if pooled.info.get(STORE_SETTING) != self._store_id:
            await driver.execute(SET_STORE_FOR_SESSION, str(self._store_id))
            pooled.info[STORE_SETTING] = self._store_id


# Compiled statements belong to the dialect they were compiled for: every query adapter over
# one engine shares them, and they go when the engine does (the tests make many engines).
_STATEMENTS: WeakKeyDictionary[Dialect, DriverStatements] = WeakKeyDictionary()


def _statements_for(dialect: Dialect) -> DriverStatements:
    found = _STATEMENTS.get(dialect)
    if found is None:
        found = _STATEMENTS[dialect] = DriverStatements(dialect)
    return found


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
