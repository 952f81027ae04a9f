"""In-memory twins of the query ports: they read the committed store, never a transaction.

Like the SQL read side, they see what was committed and nothing else, and they return frozen
read models, never entities.
"""

from __future__ import annotations

import heapq
from collections.abc import AsyncIterator, Sequence
from decimal import ROUND_HALF_EVEN, Decimal, localcontext

from adapters.memory.listing import list_page
from adapters.memory.store import InMemoryStore
from adapters.memory.tracking import key_of
from adapters.memory.views import (
    category_node,
    category_view,
    order_user,
    order_view,
    payment_view,
    product_summary,
    product_view,
    user_view,
)
from application.catalog.queries import CategoryQueries, ProductQueries
from application.catalog.read_models import (
    CategoryNode,
    CategoryStats,
    CategoryView,
    ProductView,
    ProductWithCategory,
)
from application.identity.queries import UserQueries
from application.identity.read_models import TopSpender, UserCounts, UserView
from application.ordering.queries import OrderQueries
from application.ordering.read_models import (
    OrderDetails,
    OrderItemDetails,
    OrderStats,
    OrderView,
)
from application.shared.listing import ListQuery, Page
from domain.catalog.category import Category
from domain.catalog.product import Product
from domain.identity.user import User
from domain.ordering.order import Order, OrderStatus
from domain.shared.errors import InvalidValue
from domain.shared.money import CENT, ZERO

__all__ = [
    "InMemoryCategoryQueries",
    "InMemoryOrderQueries",
    "InMemoryProductQueries",
    "InMemoryUserQueries",
]


def _money(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_EVEN)


class _Queries:
    def __init__(self, store: InMemoryStore) -> None:
        self._store = store


class InMemoryUserQueries(_Queries, UserQueries):
    async def get(self, user_id: int) -> UserView | None:
        user = self._store.rows(User).get(user_id)
        return None if user is None else user_view(user)

    async def get_by_email(self, email: str) -> UserView | None:
        wanted = email.lower()
        found = next(
            (u for u in self._store.rows(User).values() if u.email.lower() == wanted), None
        )
        return None if found is None else user_view(found)

    async def list(self, query: ListQuery) -> Page[UserView]:
        return list_page(
            (user_view(u) for u in self._store.rows(User).values()), query, search=_user_matches
        )

    async def counts(self) -> UserCounts:
        users = self._store.rows(User).values()
        return UserCounts(total=len(users), active=sum(1 for u in users if u.is_active))

    async def top_spenders(self, limit: int) -> Sequence[TopSpender]:
        spent: dict[int, tuple[int, Decimal]] = {}
        for order in self._store.rows(Order).values():
            if order.status is not OrderStatus.CANCELLED:
                count, total = spent.get(order.user_id, (0, ZERO))
                spent[order.user_id] = (count + 1, total + order.total_amount)
        ranked = sorted(spent.items(), key=lambda entry: (-entry[1][1], entry[0]))
        users = self._store.rows(User)
        return [
            TopSpender(
                user_id=user_id,
                username=users[user_id].username,
                email=users[user_id].email,
                order_count=count,
                total_spent=_money(total),
            )
            for user_id, (count, total) in ranked[: max(limit, 0)]
            if user_id in users
        ]

    async def export(self, batch_size: int) -> AsyncIterator[Sequence[UserView]]:
        if batch_size < 1:
            raise InvalidValue("batch_size", "must be at least 1")
        after = 0
        while True:
            # Keyset paging, as the SQL adapter does: users committed meanwhile still appear
            # in id order, none twice.
            users = self._store.rows(User)
            keys = heapq.nsmallest(batch_size, (k for k in users if k > after))
            batch = [user_view(users[k]) for k in keys if k in users]
            if not keys:
                return
            after = keys[-1]
            if batch:
                yield batch


def _user_matches(user: UserView, term: str) -> bool:
    wanted = term.lower()
    return any(
        wanted in text.lower() for text in (user.username, user.email, user.full_name) if text
    )


class InMemoryCategoryQueries(_Queries, CategoryQueries):
    async def get(self, category_id: int) -> CategoryView | None:
        category = self._store.rows(Category).get(category_id)
        return None if category is None else category_view(category)

    async def list(self, query: ListQuery) -> Page[CategoryView]:
        return list_page((category_view(c) for c in self._store.rows(Category).values()), query)

    async def tree(self) -> Sequence[CategoryNode]:
        children: dict[int | None, list[Category]] = {}
        for category in self._store.rows(Category).values():
            children.setdefault(category.parent_id, []).append(category)

        def nodes(parent_id: int | None) -> list[CategoryNode]:
            level = sorted(children.get(parent_id, []), key=lambda c: (c.name, c.id))
            return [category_node(c, nodes(c.id)) for c in level]

        return nodes(None)


class InMemoryProductQueries(_Queries, ProductQueries):
    async def get(self, product_id: int) -> ProductView | None:
        product = self._store.rows(Product).get(product_id)
        return None if product is None else product_view(product)

    async def get_by_sku(self, sku: str) -> ProductView | None:
        wanted = sku.upper()
        found = next((p for p in self._store.rows(Product).values() if p.sku == wanted), None)
        return None if found is None else product_view(found)

    async def get_by_slug(self, slug: str) -> ProductView | None:
        found = next((p for p in self._store.rows(Product).values() if p.slug == slug), None)
        return None if found is None else product_view(found)

    async def list(self, query: ListQuery) -> Page[ProductView]:
        return list_page((product_view(p) for p in self._store.rows(Product).values()), query)

    async def list_with_category(self, query: ListQuery) -> Page[ProductWithCategory]:
        categories = self._store.rows(Category)
        rows = (
            ProductWithCategory(
                product=product_view(p),
                category=None
                if p.category_id is None or p.category_id not in categories
                else category_view(categories[p.category_id]),
            )
            for p in self._store.rows(Product).values()
        )
        return list_page(rows, query, value_of=lambda row, name: getattr(row.product, name))

    async def category_stats(self) -> Sequence[CategoryStats]:
        prices: dict[int, list[Decimal]] = {}
        for product in self._store.rows(Product).values():
            if product.is_active and product.category_id is not None:
                prices.setdefault(product.category_id, []).append(product.price)
        ordered = sorted(self._store.rows(Category).values(), key=lambda c: (c.name, c.id))
        return [_category_stats(c, prices.get(key_of(c), [])) for c in ordered]


def _category_stats(category: Category, prices: list[Decimal]) -> CategoryStats:
    if not prices:
        return CategoryStats(key_of(category), category.name, 0, None, None, None)
    with localcontext() as exact:
        # Enough digits that the sum's quotient is exact up to where the rounding decides.
        exact.prec = 60
        average = _money(sum(prices, ZERO) / len(prices))
    return CategoryStats(
        category_id=key_of(category),
        category_name=category.name,
        product_count=len(prices),
        avg_price=average,
        min_price=min(prices),
        max_price=max(prices),
    )


class InMemoryOrderQueries(_Queries, OrderQueries):
    async def get(self, order_id: int) -> OrderView | None:
        order = self._store.rows(Order).get(order_id)
        return None if order is None else order_view(order)

    async def details(self, order_id: int) -> OrderDetails | None:
        order = self._store.rows(Order).get(order_id)
        if order is None:
            return None
        # Users with orders are never deleted, nor are products on order lines.
        user = self._store.rows(User)[order.user_id]
        view = order_view(order)
        return OrderDetails(
            id=view.id,
            order_number=view.order_number,
            status=view.status,
            total_amount=view.total_amount,
            shipping_address=view.shipping_address,
            created_at=view.created_at,
            updated_at=view.updated_at,
            user=order_user(user),
            items=tuple(
                OrderItemDetails(
                    id=item.id,
                    quantity=item.quantity,
                    unit_price=item.unit_price,
                    total_price=item.total_price,
                    product=product_summary(self._store.rows(Product)[item.product_id]),
                )
                for item in view.items
            ),
            payments=tuple(payment_view(p) for p in sorted(order.payments, key=key_of)),
        )

    async def list(self, query: ListQuery) -> Page[OrderView]:
        return list_page((order_view(o) for o in self._store.rows(Order).values()), query)

    async def stats(self) -> OrderStats:
        by_status = {status.value: 0 for status in OrderStatus}
        revenue = ZERO
        for order in self._store.rows(Order).values():
            by_status[order.status.value] += 1
            if order.status is not OrderStatus.CANCELLED:
                revenue += order.total_amount
        return OrderStats(
            total_orders=len(self._store.rows(Order)),
            total_revenue=_money(revenue),
            orders_by_status=by_status,
        )
