"""The committed state of the in-memory storage: what every unit of work starts from.

The store owns its entities: nothing outside this package ever holds a reference to one of
them. Units of work read private copies and write copies back on commit; the query fakes
build frozen read models from them.
"""

from __future__ import annotations

import asyncio
from typing import Literal

from application.shared.idempotency.store import IdempotencyRecord
from domain.catalog.category import Category
from domain.catalog.product import Product
from domain.identity.user import User
from domain.notifications.notification import Notification
from domain.ordering.order import Order

__all__ = ["IdKind", "InMemoryStore"]

IdKind = Literal["user", "category", "product", "order", "order_item", "payment", "notification"]


class InMemoryStore:
    """Committed rows per aggregate kind, id counters, and the store-wide writer lock.

    Orders are stored with their items and payments, as one aggregate. Counters behave like
    database sequences: an id, once given, is never given again, even if the transaction that
    took it rolled back.
    """

    def __init__(self) -> None:
        self.users: dict[int, User] = {}
        self.categories: dict[int, Category] = {}
        self.products: dict[int, Product] = {}
        self.orders: dict[int, Order] = {}
        self.notifications: dict[int, Notification] = {}
        self.idempotency_keys: dict[tuple[str, str], IdempotencyRecord] = {}
        self._last_ids: dict[IdKind, int] = {}
        # One writer at a time, like SQLite's BEGIN IMMEDIATE: a unit of work holds it from
        # entry to exit, so concurrent use cases queue instead of losing updates.
        self.write_lock = asyncio.Lock()

    def next_id(self, kind: IdKind) -> int:
        """The next id of `kind`, starting at 1."""
        value = self._last_ids.get(kind, 0) + 1
        self._last_ids[kind] = value
        return value
