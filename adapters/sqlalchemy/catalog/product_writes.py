"""Changed products are written back in one guarded UPDATE per flush, however many there are.

The ORM would write each versioned row with its own UPDATE on asyncpg (the driver cannot
report per-row counts of a batch), so an order of 30 lines would cost 30 statements. Before
each flush, this hook gathers every changed product of the session and writes them all with

    UPDATE products
       SET stock_quantity = CASE id WHEN :id1 THEN :v1 WHEN :id2 THEN :v2 ELSE stock_quantity END,
           version        = CASE id WHEN :id1 THEN :n1 WHEN :id2 THEN :n2 ELSE version END, ...
     WHERE id IN (:id1, :id2)
       AND version = CASE id WHEN :id1 THEN :loaded1 WHEN :id2 THEN :loaded2 END
    RETURNING id

The version guard is the optimistic lock: a row whose version moved on since this session
loaded it is not written, its id is missing from RETURNING, and the whole unit of work fails
with `StaleVersion`. Afterwards the written values are recorded as the objects' committed
state, so the ORM sees nothing left to flush for them. CASE and RETURNING read the same on
PostgreSQL and SQLite (3.35+); see docs/adr for the alternatives weighed. It keeps to the
unit of work's store without a criterion of its own: it names only products this session
loaded, which the store's criterion let through (and on PostgreSQL the row-level security
policies check it again).

A special path, kept for the statement count, not for speed: against the ORM's own
versioned UPDATE it buys only 2.5 % on POST /orders/ (206 against 201 req/s), under the 15 %
a speed-only bypass must pay; but without it an order of 30 lines costs 39 statements instead
of 10 (bench/results/2026-12-02-orders.md, `app@orm-product-writes`), and the statements of a
request must not grow with the rows it writes.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Update, bindparam, case, event, inspect, select, update
from sqlalchemy.orm import Session, UOWTransaction
from sqlalchemy.orm.attributes import set_committed_value

from adapters.sqlalchemy.catalog.tables import products
from adapters.sqlalchemy.engine import StorefrontSession
from adapters.sqlalchemy.errors import WRITTEN_BY_ID
from domain.catalog.product import Product
from domain.shared.errors import StaleVersion

__all__ = ["write_changed_products"]


class _Change:
    __slots__ = ("loaded_version", "product", "values")

    def __init__(self, product: Product, loaded_version: int, values: dict[str, Any]) -> None:
        self.product = product
        self.loaded_version = loaded_version
        self.values = values

    @property
    def product_id(self) -> int:
        assert self.product.id is not None  # only persistent products are changed
        return self.product.id


_COLUMNS = frozenset(column.key for column in products.columns)


def _changes(session: Session) -> list[_Change]:
    found: list[_Change] = []
    for candidate in session.dirty:
        if not isinstance(candidate, Product):
            continue
        state = inspect(candidate)
        if not state.persistent:
            continue
        values: dict[str, Any] = {}
        loaded_version = candidate.version
        # Only attributes set since the load have an entry in `committed_state`; a value
        # set back to what was loaded has no net change in its history and is skipped.
        for key in state.committed_state.keys() & _COLUMNS:
            history = state.attrs[key].history
            if not history.added:
                continue
            values[key] = history.added[0]
            if key == "version" and history.deleted:
                loaded_version = history.deleted[0]
        if values:
            found.append(_Change(candidate, loaded_version, values))
    return sorted(found, key=lambda change: change.product_id)


Shape = tuple[tuple[str, ...], ...]
"""The changed columns of each product, in the order of the products written."""


def _by_id(
    shape: Shape, name: str, column: ColumnElement[Any], else_: ColumnElement[Any] | None = None
) -> ColumnElement[Any]:
    """CASE id WHEN :id_<i> THEN :<name>_<i> ... over the products that have `name`."""
    whens = [
        (products.c.id == bindparam(f"id_{i}"), bindparam(f"{name}_{i}", type_=column.type))
        for i, keys in enumerate(shape)
        if name in keys
    ]
    return case(*whens, else_=else_) if else_ is not None else case(*whens)


@lru_cache(maxsize=256)
def _statement(shape: Shape) -> Update:
    """The UPDATE for `shape`, built once: every order of three lines writes the same one,
    only the bound values differ (named `id_<i>`, `loaded_<i>`, `<column>_<i>`)."""
    keys = sorted({key for keys in shape for key in keys})
    return (
        update(products)
        .where(
            products.c.id.in_([bindparam(f"id_{i}") for i in range(len(shape))]),
            products.c.version
            == _by_id(tuple(("loaded",) for _ in shape), "loaded", products.c.version),
        )
        .values({key: _by_id(shape, key, products.c[key], else_=products.c[key]) for key in keys})
        .returning(products.c.id)
        .execution_options(**{WRITTEN_BY_ID: _written_by_id})
    )


def _written_by_id(parameters: Mapping[str, Any]) -> dict[int, dict[str, Any]]:
    """What the UPDATE writes to each product, by id, read back from its parameters. Asked
    only when it breaks a unique constraint on SQLite (see errors.py)."""
    written: dict[int, dict[str, Any]] = {}
    i = 0
    while f"id_{i}" in parameters:
        written[parameters[f"id_{i}"]] = {
            key: parameters[f"{key}_{i}"] for key in _COLUMNS if f"{key}_{i}" in parameters
        }
        i += 1
    return written


def write_changed_products(
    session: Session, _flush_context: UOWTransaction, _instances: object
) -> None:
    """`before_flush` hook: one UPDATE for every changed product in `session`."""
    changes = _changes(session)
    if not changes:
        return
    parameters: dict[str, Any] = {}
    for i, change in enumerate(changes):
        # The domain bumps the version with every change; should a change come without
        # one, the row is still written under the optimistic lock, keeping its version.
        change.values.setdefault("version", change.product.version)
        parameters[f"id_{i}"] = change.product_id
        parameters[f"loaded_{i}"] = change.loaded_version
        for key, value in change.values.items():
            parameters[f"{key}_{i}"] = value
    statement = _statement(tuple(tuple(sorted(change.values)) for change in changes))
    connection = session.connection()
    written = set(connection.execute(statement, parameters).scalars())
    for change in changes:
        if change.product_id not in written:
            current = connection.execute(
                select(products.c.version).where(products.c.id == change.product_id)
            ).scalar()
            raise StaleVersion(
                "product", change.product_id, change.loaded_version, int(current or 0)
            )
        for key, value in change.values.items():
            set_committed_value(change.product, key, value)


# Every unit of work's session, from the moment the catalog context is imported (the package
# imports every context before any session can exist).
event.listen(StorefrontSession, "before_flush", write_changed_products)
