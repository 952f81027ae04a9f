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

Constraint names follow the naming convention of schema.py, so a name such as
`uq_products_sku` leads back to ("product", "sku") on PostgreSQL; SQLite names the columns
instead ("UNIQUE constraint failed: products.sku"), which lead to the same constraint.
No driver message travels upward: it may quote values or connection details.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import cache

from sqlalchemy import ForeignKeyConstraint, UniqueConstraint
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import exc as orm_exc

from adapters.sqlalchemy.schema import metadata
from application.shared.errors import Contention, Unavailable
from domain.shared.errors import (
    DomainError,
    DuplicateValue,
    InUse,
    InvalidValue,
    NotFound,
    StaleVersion,
)

__all__ = ["ENTITY_OF_TABLE", "storage_errors", "translate"]

ENTITY_OF_TABLE = {
    "users": "user",
    "categories": "category",
    "products": "product",
    "orders": "order",
    "order_items": "order item",
    "payments": "payment",
    "notifications": "notification",
}

# Composite keys are reported by the field a user chose; the rest of the key is context.
_REPORTED_FIELD = {
    "uq_products_name_category_id": "name",
    "uq_order_items_order_id_product_id": "product_id",
}

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


@cache
def _unique_constraints() -> tuple[dict[str, _Unique], dict[tuple[str, frozenset[str]], _Unique]]:
    """Read on first use, when every context has declared its tables (the package imports
    them all before anything can fail)."""
    by_name: dict[str, _Unique] = {}
    by_columns: dict[tuple[str, frozenset[str]], _Unique] = {}
    for table in metadata.tables.values():
        for constraint in table.constraints:
            if not isinstance(constraint, UniqueConstraint):
                continue
            name = str(constraint.name)
            columns = [column.name for column in constraint.columns]
            unique = _Unique(ENTITY_OF_TABLE[table.name], _REPORTED_FIELD.get(name, columns[0]))
            by_name[name] = unique
            by_columns[(table.name, frozenset(columns))] = unique
    return by_name, by_columns


@cache
def _foreign_keys() -> dict[str, tuple[str, str]]:
    """Constraint name -> (referring table, referred table)."""
    found: dict[str, tuple[str, str]] = {}
    for table in metadata.tables.values():
        for constraint in table.constraints:
            if isinstance(constraint, ForeignKeyConstraint):
                found[str(constraint.name)] = (table.name, constraint.referred_table.name)
    return found


_CHECK_FIELDS = {
    "ck_users_credits_not_negative": "credits",
    "ck_products_price_positive": "price",
    "ck_products_stock_not_negative": "stock_quantity",
    "ck_products_version_positive": "version",
    "ck_orders_total_amount_not_negative": "total_amount",
    "ck_orders_status_known": "status",
    "ck_order_items_quantity_positive": "quantity",
    "ck_order_items_unit_price_not_negative": "unit_price",
    "ck_order_items_total_price_not_negative": "total_price",
    "ck_payments_amount_not_negative": "amount",
    "ck_payments_method_known": "method",
}


def _driver_error(error: sa_exc.DBAPIError) -> tuple[str | None, BaseException | None]:
    """The SQLSTATE (PostgreSQL) and the driver's own exception behind SQLAlchemy's."""
    orig = error.orig
    cause = orig.__cause__ if orig is not None else None
    sqlstate = getattr(orig, "sqlstate", None) or getattr(cause, "sqlstate", None)
    return (str(sqlstate) if sqlstate else None), (cause or orig)


def _integrity(error: sa_exc.IntegrityError) -> DomainError:
    sqlstate, driver = _driver_error(error)
    message = str(error.orig)
    constraint = getattr(driver, "constraint_name", None)
    statement = (error.statement or "").lstrip().upper()
    if sqlstate == "23505" or "UNIQUE constraint failed" in message:
        unique_by_name, unique_by_columns = _unique_constraints()
        unique = unique_by_name.get(str(constraint)) if constraint else None
        match = _SQLITE_UNIQUE.search(message)
        if unique is None and match is not None:
            qualified = [part.strip() for part in match["columns"].split(",")]
            table = qualified[0].split(".")[0]
            columns = frozenset(part.split(".")[-1] for part in qualified)
            unique = unique_by_columns.get((table, columns))
        if unique is None:
            return DuplicateValue("record", "unique field")
        return DuplicateValue(unique.entity, unique.field)
    if sqlstate == "23503" or "FOREIGN KEY constraint failed" in message:
        # Ids never change, so only a DELETE can break a foreign key from the referred side
        # (PostgreSQL: "update or delete on table ..."); an INSERT or UPDATE breaks it by
        # naming a row that is not there. SQLite does not say which constraint it was.
        _, referred = _foreign_keys().get(str(constraint), ("", ""))
        if statement.startswith("DELETE") or "update or delete on table" in message:
            entity = ENTITY_OF_TABLE.get(referred, "record")
            return InUse(f"this {entity} is still referred to and cannot be deleted")
        return NotFound(ENTITY_OF_TABLE.get(referred, "referenced record"), "given")
    if sqlstate == "23514" or "CHECK constraint failed" in message:
        match = _SQLITE_CHECK.search(message)
        name = str(constraint) if constraint else (match["name"] if match else "")
        field = _CHECK_FIELDS.get(name, "value")
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
