"""The in-memory category and product repositories, and the records they store.

As in the schema: categories are unique by name and by slug, products by sku, by slug and by
name within a category; deleting a category sets its children's `parent_id` to None (the
foreign key's SET NULL) and moves its products out of it as an edit of their own: a new
version and `updated_at`, as the SQL repository's UPDATE does.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from adapters.memory.kinds import OnDelete, RecordKind, Reference, UniqueRule
from adapters.memory.repository import InMemoryRepository
from adapters.memory.tracking import key_of
from domain.catalog.category import Category
from domain.catalog.product import Product
from domain.catalog.repository import CategoryRepository, ProductRepository

__all__ = ["InMemoryCategoryRepository", "InMemoryProductRepository"]


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

    async def delete(self, category: Category, now: datetime) -> None:
        key = key_of(category)
        # The products leave the category as a change of their own (a new version), before
        # the reference's SET NULL, which would move no version, finds any left to do.
        for product in self._tx.rows(Product).load_where(lambda p: p.category_id == key):
            product.revise(now, category_id=None)
        # Children lose their parent: that reference is SET NULL.
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
