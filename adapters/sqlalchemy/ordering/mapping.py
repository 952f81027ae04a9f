"""The ordering context's mapping: the `Order` aggregate with its items and payments.

An order owns its items and payments (`delete-orphan`); the database deletes them with it
(`ON DELETE CASCADE`, hence `passive_deletes`). Both relationships are `lazy="raise"`: the order
repository loads them with `selectinload` whenever it loads an order.
"""

from __future__ import annotations

from sqlalchemy.orm import registry, relationship

from adapters.sqlalchemy.mappers import context_mapping
from adapters.sqlalchemy.ordering.tables import order_items, orders, payments
from domain.ordering.order import Order, OrderItem, Payment

__all__ = ["map_ordering"]


@context_mapping
def map_ordering(mappers: registry) -> None:
    mappers.map_imperatively(OrderItem, order_items)
    mappers.map_imperatively(Payment, payments)
    mappers.map_imperatively(
        Order,
        orders,
        properties={
            "items": relationship(
                OrderItem,
                lazy="raise",
                cascade="all, delete-orphan",
                order_by=order_items.c.id,
                passive_deletes=True,
            ),
            "payments": relationship(
                Payment,
                lazy="raise",
                cascade="all, delete-orphan",
                order_by=payments.c.id,
                passive_deletes=True,
            ),
        },
    )
