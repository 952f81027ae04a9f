"""One in-memory transaction: every kind of entity as it sees them, and how it commits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from adapters.memory.constraints import (
    CATEGORY_UNIQUE,
    ORDER_UNIQUE,
    PRODUCT_UNIQUE,
    USER_UNIQUE,
    ensure_unique,
)
from adapters.memory.store import InMemoryStore
from adapters.memory.tracking import Snapshot, Tracked
from domain.catalog.category import Category
from domain.catalog.product import Product
from domain.identity.user import User
from domain.notifications.notification import Notification
from domain.ordering.order import Order

__all__ = ["Transaction", "TransactionSnapshot"]


@dataclass(frozen=True)
class TransactionSnapshot:
    users: Snapshot[User]
    categories: Snapshot[Category]
    products: Snapshot[Product]
    orders: Snapshot[Order]
    notifications: Snapshot[Notification]


class Transaction:
    def __init__(self, store: InMemoryStore) -> None:
        self.store = store
        self.users = Tracked(store.users)
        self.categories = Tracked(store.categories)
        self.products = Tracked(store.products)
        self.orders = Tracked(store.orders)
        self.notifications = Tracked(store.notifications)

    def _kinds(self) -> tuple[Tracked[Any], ...]:
        return (self.users, self.categories, self.products, self.orders, self.notifications)

    def check_unique(self) -> None:
        """Every unique rule, over the entities this transaction may have changed."""
        ensure_unique("user", USER_UNIQUE, self.users.peek(), self.users.loaded())
        ensure_unique("category", CATEGORY_UNIQUE, self.categories.peek(), self.categories.loaded())
        ensure_unique("product", PRODUCT_UNIQUE, self.products.peek(), self.products.loaded())
        ensure_unique("order", ORDER_UNIQUE, self.orders.peek(), self.orders.loaded())

    def number_order_parts(self, order: Order) -> None:
        """Give ids to the order's items and payments that have none yet."""
        for item in order.items:
            if item.id is None:
                item.id = self.store.next_id("order_item")
        for payment in order.payments:
            if payment.id is None:
                payment.id = self.store.next_id("payment")

    def commit(self) -> None:
        """Check first, then write everything; no await in between, so no one sees half."""
        self.check_unique()
        for order in self.orders.loaded():
            self.number_order_parts(order)
        for kind in self._kinds():
            kind.write_back()

    def snapshot(self) -> TransactionSnapshot:
        return TransactionSnapshot(
            users=self.users.snapshot(),
            categories=self.categories.snapshot(),
            products=self.products.snapshot(),
            orders=self.orders.snapshot(),
            notifications=self.notifications.snapshot(),
        )

    def restore(self, snapshot: TransactionSnapshot) -> None:
        self.users.restore(snapshot.users)
        self.categories.restore(snapshot.categories)
        self.products.restore(snapshot.products)
        self.orders.restore(snapshot.orders)
        self.notifications.restore(snapshot.notifications)
