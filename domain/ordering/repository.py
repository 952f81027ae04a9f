"""The port through which orders (with their items and payments) are stored and found."""

from __future__ import annotations

import abc

from domain.ordering.order import Order

__all__ = ["OrderRepository"]


class OrderRepository(abc.ABC):
    @abc.abstractmethod
    async def add(self, order: Order) -> None:
        """Store a new order with its items and give them ids."""

    @abc.abstractmethod
    async def get(self, order_id: int, *, for_update: bool = False) -> Order | None:
        """The order with its items and payments loaded.

        With `for_update`, the order row is locked until the UoW ends, so that two requests
        changing the same order's status are applied one after the other."""

    @abc.abstractmethod
    async def reserved_quantity(self, product_id: int) -> int:
        """The units of the product on the lines of orders that may still be cancelled
        (`CANCELLABLE`): what their cancels would give back to its stock. One round trip.

        Ask it with the product locked: placing and cancelling an order lock the product
        too, so the answer and the stock read under the lock agree."""
