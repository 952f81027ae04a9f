"""In-memory twins of the domain's repository ports, working inside one `Transaction`.

Every entity they return is the transaction's private copy; every write stays in the
transaction until its unit of work commits. Ids are taken from the store's counters on `add`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import datetime

from adapters.memory.constraints import (
    CATEGORY_UNIQUE,
    ORDER_UNIQUE,
    PRODUCT_UNIQUE,
    USER_UNIQUE,
    ensure_unique,
)
from adapters.memory.store import IdKind
from adapters.memory.tracking import key_of
from adapters.memory.transaction import Transaction
from domain.catalog.category import Category
from domain.catalog.product import Product
from domain.catalog.repository import CategoryRepository, ProductRepository
from domain.identity.repository import UserRepository
from domain.identity.user import User
from domain.notifications.notification import Notification
from domain.notifications.repository import NotificationRepository
from domain.ordering.order import CANCELLABLE, Order
from domain.ordering.repository import OrderRepository
from domain.shared.errors import InUse

__all__ = [
    "InMemoryCategoryRepository",
    "InMemoryNotificationRepository",
    "InMemoryOrderRepository",
    "InMemoryProductRepository",
    "InMemoryUserRepository",
    "TransactionSource",
]

TransactionSource = Callable[[], Transaction]
"""Gives the unit of work's current transaction, or raises outside `async with uow:`."""


class _Repository:
    def __init__(self, transaction: TransactionSource) -> None:
        self._transaction = transaction

    @property
    def _tx(self) -> Transaction:
        return self._transaction()


def _give_id(
    tx: Transaction, kind: IdKind, entity: User | Category | Product | Order | Notification
) -> int:
    if entity.id is not None:
        raise ValueError(f"{kind} {entity.id} is stored already")
    entity.id = tx.store.next_id(kind)
    return entity.id


class InMemoryUserRepository(_Repository, UserRepository):
    async def add(self, user: User) -> None:
        tx = self._tx
        if tx.users.is_tracking(user):
            return
        ensure_unique("user", USER_UNIQUE, tx.users.peek(), [user])
        tx.users.add(_give_id(tx, "user", user), user)

    async def add_many(self, users: Sequence[User]) -> None:
        for user in users:
            await self.add(user)

    async def first_taken(
        self, usernames: Collection[str], emails: Collection[str]
    ) -> tuple[str, str] | None:
        wanted_usernames, wanted_emails = set(usernames), set(emails)
        for user in sorted(self._tx.users.peek(), key=key_of):
            if user.username in wanted_usernames:
                return "username", user.username
            if user.email in wanted_emails:
                return "email", user.email
        return None

    async def get(self, user_id: int) -> User | None:
        return self._tx.users.get(user_id)

    async def is_active(self, user_id: int) -> bool | None:
        user = self._tx.users.get(user_id)
        return None if user is None else user.is_active

    async def get_by_email(self, email: str) -> User | None:
        users = self._tx.users
        found = next((u for u in users.peek() if u.email == email), None)
        return None if found is None else users.get(key_of(found))

    async def deactivate_not_updated_since(self, cutoff: datetime, now: datetime) -> int:
        stale = self._tx.users.load_where(lambda u: u.is_active and u.updated_at < cutoff)
        for user in stale:
            user.deactivate(now)
        return len(stale)

    async def delete_inactive_without_orders(self) -> int:
        tx = self._tx
        with_orders = {order.user_id for order in tx.orders.peek()}
        doomed = {key_of(u) for u in tx.users.peek() if not u.is_active and u.id not in with_orders}
        # Their notifications go with them, as the foreign key's ON DELETE CASCADE does.
        for notification in tx.notifications.load_where(lambda n: n.user_id in doomed):
            tx.notifications.delete(key_of(notification))
        for user_id in doomed:
            tx.users.delete(user_id)
        return len(doomed)


class InMemoryCategoryRepository(_Repository, CategoryRepository):
    async def add(self, category: Category) -> None:
        tx = self._tx
        if tx.categories.is_tracking(category):
            return
        ensure_unique("category", CATEGORY_UNIQUE, tx.categories.peek(), [category])
        tx.categories.add(_give_id(tx, "category", category), category)

    async def get(self, category_id: int) -> Category | None:
        return self._tx.categories.get(category_id)

    async def ancestry(self, category_id: int) -> list[int]:
        categories = self._tx.categories
        chain: list[int] = []
        current = categories.peek_one(category_id)
        while current is not None and key_of(current) not in chain:
            chain.append(key_of(current))
            current = None if current.parent_id is None else categories.peek_one(current.parent_id)
        return chain

    async def delete(self, category: Category, now: datetime) -> None:
        tx = self._tx
        key = key_of(category)
        # What the foreign key's ON DELETE SET NULL does to the children.
        for child in tx.categories.load_where(lambda c: c.parent_id == key):
            child.parent_id = None
        # The products change as the SQL repository's UPDATE changes them: a new version.
        for product in tx.products.load_where(lambda p: p.category_id == key):
            product.revise(now, category_id=None)
        tx.categories.delete(key)


class InMemoryProductRepository(_Repository, ProductRepository):
    async def add(self, product: Product) -> None:
        tx = self._tx
        if tx.products.is_tracking(product):
            return
        ensure_unique("product", PRODUCT_UNIQUE, tx.products.peek(), [product])
        tx.products.add(_give_id(tx, "product", product), product)

    async def get(self, product_id: int) -> Product | None:
        return self._tx.products.get(product_id)

    async def get_for_update(self, product_ids: Sequence[int]) -> list[Product]:
        # The writer lock already serializes transactions; the order is the port's promise.
        products = self._tx.products
        found = (products.get(key) for key in sorted(set(product_ids)))
        return [product for product in found if product is not None]

    async def delete(self, product: Product) -> None:
        tx = self._tx
        key = key_of(product)
        if any(item.product_id == key for order in tx.orders.peek() for item in order.items):
            raise InUse(f"product {key} is on order lines and cannot be deleted")
        tx.products.delete(key)


class InMemoryOrderRepository(_Repository, OrderRepository):
    async def add(self, order: Order) -> None:
        tx = self._tx
        if tx.orders.is_tracking(order):
            return
        ensure_unique("order", ORDER_UNIQUE, tx.orders.peek(), [order])
        tx.orders.add(_give_id(tx, "order", order), order)
        tx.number_order_parts(order)

    async def get(self, order_id: int, *, for_update: bool = False) -> Order | None:
        return self._tx.orders.get(order_id)

    async def reserved_quantity(self, product_id: int) -> int:
        return sum(
            item.quantity
            for order in self._tx.orders.peek()
            if order.status in CANCELLABLE
            for item in order.items
            if item.product_id == product_id
        )


class InMemoryNotificationRepository(_Repository, NotificationRepository):
    async def add(self, notification: Notification) -> None:
        tx = self._tx
        if tx.notifications.is_tracking(notification):
            return
        tx.notifications.add(_give_id(tx, "notification", notification), notification)

    async def list_for_user(self, user_id: int) -> list[Notification]:
        mine = self._tx.notifications.load_where(lambda n: n.user_id == user_id)
        return sorted(mine, key=lambda n: (n.created_at, key_of(n)), reverse=True)
