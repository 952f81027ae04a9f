"""`OrderRepository` over the unit of work's session.

A new order is written with two prepared Core INSERTs — the order, then all its items in one
statement — instead of a unit-of-work flush (see adapters/sqlalchemy/core_inserts.py); an
order in any other shape goes the ORM's general way. Loading an order loads its items and
payments with it (`selectinload`), since its relationships never load lazily.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, func, insert, inspect, select
from sqlalchemy.orm import selectinload

from adapters.sqlalchemy.core_inserts import row_of, stored_as
from adapters.sqlalchemy.errors import storage_errors
from adapters.sqlalchemy.ordering.tables import order_items, orders
from adapters.sqlalchemy.repository import SqlAlchemyRepository
from adapters.sqlalchemy.schema import STORE_ID
from domain.ordering.order import CANCELLABLE, Order, OrderItem
from domain.ordering.repository import OrderRepository

__all__ = ["SqlAlchemyOrderRepository"]

# The statements of the order path, built once; only their values change per call.
_INSERT_ORDER = insert(orders).returning(orders.c.id)
_INSERT_ORDER_ITEMS = insert(order_items).returning(order_items.c.id, sort_by_parameter_order=True)


def _relationship(entity: type[Any], name: str) -> Any:
    """The mapped relationship attribute `entity.name`, for loader options."""
    return inspect(entity).relationships[name].class_attribute


class SqlAlchemyOrderRepository(SqlAlchemyRepository, OrderRepository):
    async def add(self, order: Order) -> None:
        if order.id is not None or order.payments or not order.items:
            await self._add(order)  # not the shape of a new order: the ORM's general way
            return
        # A new order is written with two Core INSERTs (the order, then all its items in
        # one statement) instead of a unit-of-work flush, whose bookkeeping cost more CPU
        # than the round trips on the hot write path. The same statements as the flush.
        session = self._session
        async with storage_errors():
            # Changes made earlier in this unit (reserved stock) are written first, as
            # the flush would have, so that a savepoint later never holds them.
            await session.flush()
            row = row_of(session.sync_session, order, orders)
            order_id = await session.scalar(_INSERT_ORDER, row)
            result = await session.execute(
                _INSERT_ORDER_ITEMS,
                [
                    row_of(session.sync_session, item, order_items, order_id=order_id)
                    for item in order.items
                ],
            )
            item_ids = list(result.scalars())
        store_id = row[STORE_ID]
        for item, item_id in zip(order.items, item_ids, strict=True):
            stored_as(item, item_id, order_id=order_id, store_id=store_id)
        stored_as(order, int(order_id), store_id=store_id)
        session.add(order)  # persistent from here on, with its items

    async def get(self, order_id: int, *, for_update: bool = False) -> Order | None:
        statement = (
            select(Order)
            .where(orders.c.id == order_id)
            .options(
                selectinload(_relationship(Order, "items")),
                selectinload(_relationship(Order, "payments")),
            )
            .execution_options(populate_existing=True)
        )
        if for_update:
            statement = statement.with_for_update(of=orders)
        async with storage_errors():
            result = await self._session.execute(statement)
            return result.scalars().first()

    async def reserved_quantity(self, product_id: int) -> int:
        async with storage_errors():
            held = await self._session.scalar(_reserved_quantity(), {"product_id": product_id})
        return int(held or 0)


@cache
def _reserved_quantity() -> Select[Any]:
    """Units of a product that orders not yet shipped hold (built once, when mapped)."""
    return (
        select(func.sum(order_items.c.quantity))
        .select_from(OrderItem)
        .join(Order, order_items.c.order_id == orders.c.id)
        .where(
            order_items.c.product_id == bindparam("product_id"),
            orders.c.status.in_(sorted(CANCELLABLE)),
        )
    )
