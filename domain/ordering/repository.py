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
