"""The in-memory order repository, and the order records it stores.

An order is one record with its items and payments, which take ids from counters of their
own. Order numbers are unique. An order's user, and the products on its lines, cannot be
deleted while it refers to them (RESTRICT).
"""

from __future__ import annotations

from adapters.memory.kinds import OnDelete, Part, RecordKind, Reference, UniqueRule
from adapters.memory.repository import InMemoryRepository
from domain.catalog.product import Product
from domain.identity.user import User
from domain.ordering.order import CANCELLABLE, Order
from domain.ordering.repository import OrderRepository

__all__ = ["InMemoryOrderRepository"]

_ITEMS: Part[Order] = Part("order_item", lambda o: o.items)


class InMemoryOrderRepository(InMemoryRepository, OrderRepository):
    kind = RecordKind(
        Order,
        "order",
        unique=(UniqueRule("order_number", lambda o: o.order_number),),
        references=(
            Reference("user_id", User, OnDelete.RESTRICT),
            Reference("product_id", Product, OnDelete.RESTRICT, within=_ITEMS, named="order lines"),
        ),
        parts=(_ITEMS, Part("payment", lambda o: o.payments)),
    )

    async def add(self, order: Order) -> None:
        self._tx.add(order)

    async def get(self, order_id: int, *, for_update: bool = False) -> Order | None:
        return self._tx.rows(Order).get(order_id)

    async def reserved_quantity(self, product_id: int) -> int:
        return sum(
            item.quantity
            for order in self._tx.rows(Order).peek()
            if order.status in CANCELLABLE
            for item in order.items
            if item.product_id == product_id
        )
