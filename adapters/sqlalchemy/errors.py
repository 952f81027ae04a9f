"""Database errors become domain and application errors here, and nowhere else.

    IntegrityError
    ├── unique violation      -> DuplicateValue(entity, field)   (field read off the constraint)
    ├── foreign key violation -> InUse       (a DELETE of a row others still refer to)
    │                          -> NotFound    (an INSERT/UPDATE naming a row that is not there)
    └── check violation       -> InvalidValue(field)
    StaleDataError            -> StaleVersion (a product row moved on since it was loaded)
    deadlock, serialization failure, lock not available, SQLite "database is locked"
                              -> Contention   (the transaction is void; retrying is safe)
    connection refused/lost, pool timeout, server shutting down
                              -> Unavailable

Everything this needs to know of the schema is read off the MetaData, where each context's
tables state it once (see schema.py): a table's `info["entity"]`, a constraint's
`info["field"]` (for a unique constraint, its first column by default). Constraint names follow
the naming convention, so PostgreSQL's `uq_products_sku` leads back to ("product", "sku");
SQLite names the columns instead ("UNIQUE constraint failed: products.sku"), which lead to the
same constraint. No driver message travels upward: it may quote values or connection details.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import cache

from sqlalchemy import CheckConstraint, ForeignKeyConstraint, Table, UniqueConstraint
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import exc as orm_exc

from adapters.sqlalchemy.schema import ENTITY, FIELD, metadata
from application.shared.errors import Contention, Unavailable
from domain.shared.errors import (
    DomainError,
    DuplicateValue,
    InUse,
    InvalidValue,
    NotFound,
    StaleVersion,
)

__all__ = ["storage_errors", "translate"]

_CONTENTION_STATES = frozenset({"40001", "40P01", "55P03"})
# Class 08 (connection exception), 53 (insufficient resources), 57P0x (server going away).
_UNAVAILABLE_PREFIXES = ("08", "53", "57P")
_SQLITE_CONTENTION = ("database is locked", "database table is locked", "database is busy")
_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: (?P<columns>[\w., ]+)")
_SQLITE_CHECK = re.compile(r"CHECK constraint failed: (?P<name>\w+)")


@dataclass(frozen=True)
class _Unique:
    entity: str
    field: str


@dataclass(frozen=True)
class _Schema:
    """What translating needs to know of the schema, read once off the MetaData."""

    entities: dict[str, str]  # table -> entity
    unique_by_name: dict[str, _Unique]
    unique_by_columns: dict[tuple[str, frozenset[str]], _Unique]
    referred_by_foreign_key: dict[str, str]  # constraint -> referred table
    check_fields: dict[str, str]  # constraint -> field


def _entity(table: Table) -> str:
    entity = table.info.get(ENTITY)
    if not entity:
        raise LookupError(f"table {table.name} states no info[{ENTITY!r}] (see schema.py)")
    return str(entity)


def _field(constraint: UniqueConstraint | CheckConstraint) -> str:
    field = constraint.info.get(FIELD)
    if field:
        return str(field)
    columns = [column.name for column in constraint.columns]
    if not columns:  # a CHECK written as SQL text names no columns SQLAlchemy knows of
        raise LookupError(f"constraint {constraint.name} states no info[{FIELD!r}]")
    return columns[0]


@cache
def _schema() -> _Schema:
    """Read on first use, when every context has declared its tables (the package imports
    them all before anything can fail)."""
    schema = _Schema({}, {}, {}, {}, {})
    for table in metadata.tables.values():
        schema.entities[table.name] = _entity(table)
        for constraint in table.constraints:
            name = str(constraint.name)
            if isinstance(constraint, UniqueConstraint):
                columns = tuple(column.name for column in constraint.columns)
                unique = _Unique(_entity(table), _field(constraint))
                schema.unique_by_name[name] = unique
                schema.unique_by_columns[(table.name, frozenset(columns))] = unique
            elif isinstance(constraint, ForeignKeyConstraint):
                schema.referred_by_foreign_key[name] = constraint.referred_table.name
            elif isinstance(constraint, CheckConstraint):
                schema.check_fields[name] = _field(constraint)
    return schema


def _sqlite_unique(message: str) -> _Unique | None:
    """The unique constraint of a SQLite message, which names its columns, not the constraint."""
    match = _SQLITE_UNIQUE.search(message)
    if match is None:
        return None
    qualified = [part.strip() for part in match["columns"].split(",")]
    table = qualified[0].split(".")[0]
    columns = frozenset(part.split(".")[-1] for part in qualified)
    return _schema().unique_by_columns.get((table, columns))


def _driver_error(error: sa_exc.DBAPIError) -> tuple[str | None, BaseException | None]:
    """The SQLSTATE (PostgreSQL) and the driver's own exception behind SQLAlchemy's."""
    orig = error.orig
    cause = orig.__cause__ if orig is not None else None
    sqlstate = getattr(orig, "sqlstate", None) or getattr(cause, "sqlstate", None)
    return (str(sqlstate) if sqlstate else None), (cause or orig)


def _integrity(error: sa_exc.IntegrityError) -> DomainError:
    schema = _schema()
    sqlstate, driver = _driver_error(error)
    message = str(error.orig)
    constraint = getattr(driver, "constraint_name", None)
    statement = (error.statement or "").lstrip().upper()
    if sqlstate == "23505" or "UNIQUE constraint failed" in message:
        unique = schema.unique_by_name.get(str(constraint)) if constraint else None
        if unique is None:
            unique = _sqlite_unique(message)
        if unique is None:
            return DuplicateValue("record", "unique field")
        return DuplicateValue(unique.entity, unique.field)
    if sqlstate == "23503" or "FOREIGN KEY constraint failed" in message:
        # Ids never change, so only a DELETE can break a foreign key from the referred side
        # (PostgreSQL: "update or delete on table ..."); an INSERT or UPDATE breaks it by
        # naming a row that is not there. SQLite does not say which constraint it was.
        referred = schema.referred_by_foreign_key.get(str(constraint), "")
        if statement.startswith("DELETE") or "update or delete on table" in message:
            entity = schema.entities.get(referred, "record")
            return InUse(f"this {entity} is still referred to and cannot be deleted")
        return NotFound(schema.entities.get(referred, "referenced record"), "given")
    if sqlstate == "23514" or "CHECK constraint failed" in message:
        match = _SQLITE_CHECK.search(message)
        name = str(constraint) if constraint else (match["name"] if match else "")
        field = schema.check_fields.get(name, "value")
        return InvalidValue(field, "is outside the range the storage accepts")
    return InvalidValue("value", "is not accepted by the storage")


def _operational(error: sa_exc.DBAPIError) -> Exception | None:
    sqlstate, _ = _driver_error(error)
    message = str(error.orig).lower()
    if sqlstate in _CONTENTION_STATES or any(text in message for text in _SQLITE_CONTENTION):
        return Contention("the storage is busy with concurrent writers; try again")
    if error.connection_invalidated or (sqlstate or "").startswith(_UNAVAILABLE_PREFIXES):
        return Unavailable("the storage cannot be reached")
    if isinstance(error, sa_exc.InterfaceError | sa_exc.OperationalError):
        return Unavailable("the storage cannot serve the request")
    return None


def translate(error: BaseException) -> Exception | None:
    """The domain or application error for a storage error, or None if it is not one."""
    if isinstance(error, orm_exc.StaleDataError):
        return StaleVersion("product", None, 0, 0)
    if isinstance(error, sa_exc.IntegrityError):
        return _integrity(error)
    if isinstance(error, sa_exc.DBAPIError):
        return _operational(error)
    if isinstance(error, sa_exc.TimeoutError):
        return Unavailable("no storage connection became free in time")
    if isinstance(error, OSError):
        return Unavailable("the storage cannot be reached")
    return None


@asynccontextmanager
async def storage_errors() -> AsyncIterator[None]:
    """Run a block, letting no raw storage error out: it leaves as what `translate` says."""
    try:
        yield
    except (sa_exc.SQLAlchemyError, OSError) as error:
        translated = translate(error)
        if translated is None:
            raise
        raise translated from error
