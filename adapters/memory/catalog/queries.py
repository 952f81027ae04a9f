"""The in-memory twins of `CategoryQueries` and `ProductQueries`: the catalog as committed."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from adapters.memory.catalog.views import category_node, category_view
from adapters.memory.listing import list_page
from adapters.memory.read_side import InMemoryQueries
from adapters.memory.tracking import key_of
from application.catalog.queries import CategoryQueries, ProductQueries
from application.catalog.read_models import (
    CategoryNode,
    CategoryStats,
    CategoryView,
    ProductView,
    ProductWithCategory,
)
from application.shared.decimals import average
from application.shared.listing import ListQuery, Page
from domain.catalog.category import Category
from domain.catalog.product import Product
from domain.shared.money import ZERO

__all__ = ["InMemoryCategoryQueries", "InMemoryProductQueries"]


class InMemoryCategoryQueries(InMemoryQueries, CategoryQueries):
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


class InMemoryProductQueries(InMemoryQueries, ProductQueries):
    async def get(self, product_id: int) -> ProductView | None:
        product = self._store.rows(Product).get(product_id)
        return None if product is None else ProductView.of(product)

    async def get_by_sku(self, sku: str) -> ProductView | None:
        wanted = sku.upper()
        found = next((p for p in self._store.rows(Product).values() if p.sku == wanted), None)
        return None if found is None else ProductView.of(found)

    async def get_by_slug(self, slug: str) -> ProductView | None:
        found = next((p for p in self._store.rows(Product).values() if p.slug == slug), None)
        return None if found is None else ProductView.of(found)

    async def list(self, query: ListQuery) -> Page[ProductView]:
        return list_page((ProductView.of(p) for p in self._store.rows(Product).values()), query)

    async def list_with_category(self, query: ListQuery) -> Page[ProductWithCategory]:
        categories = self._store.rows(Category)
        rows = (
            ProductWithCategory(
                product=ProductView.of(p),
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
    return CategoryStats(
        category_id=key_of(category),
        category_name=category.name,
        product_count=len(prices),
        avg_price=average(sum(prices, ZERO), len(prices)),
        min_price=min(prices),
        max_price=max(prices),
    )
