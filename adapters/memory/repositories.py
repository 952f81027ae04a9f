"""In-memory twins of the domain's repository ports, each with the record kind it stores.

Every entity they return is the transaction's private copy; every write stays in the
transaction until its unit of work commits. Ids, unique checks and what a delete does to the
records that refer to the deleted one come from the kinds declared here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from adapters.memory.kinds import OnDelete, Part, RecordKind, Reference, UniqueRule
from adapters.memory.repository import InMemoryRepository
from adapters.memory.tracking import key_of
from domain.catalog.category import Category
from domain.catalog.product import Product
from domain.catalog.repository import CategoryRepository, ProductRepository
from domain.identity.repository import UserRepository
from domain.identity.user import User
from domain.notifications.notification import Notification
from domain.notifications.repository import NotificationRepository
from domain.ordering.order import Order
from domain.ordering.repository import OrderRepository

__all__ = [
    "InMemoryCategoryRepository",
    "InMemoryNotificationRepository",
    "InMemoryOrderRepository",
    "InMemoryProductRepository",
    "InMemoryUserRepository",
]


class InMemoryUserRepository(InMemoryRepository, UserRepository):
    kind = RecordKind(
        User,
        "user",
        unique=(
            UniqueRule("username", lambda u: u.username),
            UniqueRule("email", lambda u: u.email),
        ),
    )

    async def add(self, user: User) -> None:
        self._tx.add(user)

    async def add_many(self, users: Sequence[User]) -> None:
        for user in users:
            await self.add(user)

    async def get(self, user_id: int) -> User | None:
        return self._tx.rows(User).get(user_id)

    async def is_active(self, user_id: int) -> bool | None:
        user = self._tx.rows(User).get(user_id)
        return None if user is None else user.is_active

    async def get_by_email(self, email: str) -> User | None:
        users = self._tx.rows(User)
        found = next((u for u in users.peek() if u.email == email), None)
        return None if found is None else users.get(key_of(found))

    async def deactivate_not_updated_since(self, cutoff: datetime, now: datetime) -> int:
        stale = self._tx.rows(User).load_where(lambda u: u.is_active and u.updated_at < cutoff)
        for user in stale:
            user.deactivate(now)
        return len(stale)

    async def delete_inactive_without_orders(self) -> int:
        tx = self._tx
        with_orders = {order.user_id for order in tx.rows(Order).peek()}
        # Their notifications go with them: the notifications' reference cascades.
        doomed = tx.rows(User).load_where(lambda u: not u.is_active and u.id not in with_orders)
        for user in doomed:
            tx.delete(user)
        return len(doomed)


class InMemoryCategoryRepository(InMemoryRepository, CategoryRepository):
    kind = RecordKind(
        Category,
        "category",
        unique=(
            UniqueRule("name", lambda c: c.name),
            UniqueRule("slug", lambda c: c.slug),
        ),
        references=(Reference("parent_id", Category, OnDelete.SET_NULL),),
    )

    async def add(self, category: Category) -> None:
        self._tx.add(category)

    async def get(self, category_id: int) -> Category | None:
        return self._tx.rows(Category).get(category_id)

    async def ancestry(self, category_id: int) -> list[int]:
        categories = self._tx.rows(Category)
        chain: list[int] = []
        current = categories.peek_one(category_id)
        while current is not None and key_of(current) not in chain:
            chain.append(key_of(current))
            current = None if current.parent_id is None else categories.peek_one(current.parent_id)
        return chain

    async def delete(self, category: Category) -> None:
        # Children lose their parent, products their category: both references SET NULL.
        self._tx.delete(category)


class InMemoryProductRepository(InMemoryRepository, ProductRepository):
    kind = RecordKind(
        Product,
        "product",
        unique=(
            UniqueRule("sku", lambda p: p.sku),
            UniqueRule("slug", lambda p: p.slug),
            # UNIQUE (name, category_id): without a category, the key is NULL and never clashes.
            UniqueRule(
                "name",
                key=lambda p: None if p.category_id is None else (p.name, p.category_id),
                shown=lambda p: p.name,
            ),
        ),
        references=(Reference("category_id", Category, OnDelete.SET_NULL),),
    )

    async def add(self, product: Product) -> None:
        self._tx.add(product)

    async def get(self, product_id: int) -> Product | None:
        return self._tx.rows(Product).get(product_id)

    async def get_for_update(self, product_ids: Sequence[int]) -> list[Product]:
        # The writer lock already serializes transactions; the order is the port's promise.
        products = self._tx.rows(Product)
        found = (products.get(key) for key in sorted(set(product_ids)))
        return [product for product in found if product is not None]

    async def delete(self, product: Product) -> None:
        # A product on order lines is `InUse`: the order items' reference restricts.
        self._tx.delete(product)


_ORDER_ITEMS: Part[Order] = Part("order_item", lambda o: o.items)


class InMemoryOrderRepository(InMemoryRepository, OrderRepository):
    kind = RecordKind(
        Order,
        "order",
        unique=(UniqueRule("order_number", lambda o: o.order_number),),
        references=(
            Reference("user_id", User, OnDelete.RESTRICT),
            Reference(
                "product_id", Product, OnDelete.RESTRICT, within=_ORDER_ITEMS, named="order lines"
            ),
        ),
        parts=(_ORDER_ITEMS, Part("payment", lambda o: o.payments)),
    )

    async def add(self, order: Order) -> None:
        self._tx.add(order)

    async def get(self, order_id: int, *, for_update: bool = False) -> Order | None:
        return self._tx.rows(Order).get(order_id)


class InMemoryNotificationRepository(InMemoryRepository, NotificationRepository):
    kind = RecordKind(
        Notification,
        "notification",
        references=(
            Reference("user_id", User, OnDelete.CASCADE),
            Reference("order_id", Order, OnDelete.SET_NULL),
        ),
    )

    async def add(self, notification: Notification) -> None:
        self._tx.add(notification)

    async def list_for_user(self, user_id: int) -> list[Notification]:
        mine = self._tx.rows(Notification).load_where(lambda n: n.user_id == user_id)
        return sorted(mine, key=lambda n: (n.created_at, key_of(n)), reverse=True)
