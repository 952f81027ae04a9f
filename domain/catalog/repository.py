"""The ports through which catalog's categories and products are stored and found."""

from __future__ import annotations

import abc
from collections.abc import Sequence
from datetime import datetime

from domain.catalog.category import Category
from domain.catalog.product import Product

__all__ = ["CategoryRepository", "ProductRepository"]


class CategoryRepository(abc.ABC):
    @abc.abstractmethod
    async def add(self, category: Category) -> None:
        """Store and give an id; a taken name or slug is DuplicateValue."""

    @abc.abstractmethod
    async def get(self, category_id: int) -> Category | None: ...

    @abc.abstractmethod
    async def ancestry(self, category_id: int) -> list[int]:
        """`category_id` followed by the ids of its ancestors, nearest first."""

    @abc.abstractmethod
    async def delete(self, category: Category, now: datetime) -> None:
        """Remove it; its children are left without a parent, its products without a category.

        Leaving the category is a change of each product's state: its version moves by one
        and its `updated_at` becomes `now`, so that a client holding the older version cannot
        overwrite it unawares. Objects this unit already holds show it too."""


class ProductRepository(abc.ABC):
    @abc.abstractmethod
    async def add(self, product: Product) -> None:
        """Store and give an id; a taken sku, slug or (name, category) is DuplicateValue."""

    @abc.abstractmethod
    async def get(self, product_id: int) -> Product | None: ...

    @abc.abstractmethod
    async def get_for_update(self, product_ids: Sequence[int]) -> list[Product]:
        """The products with these ids, locked against concurrent writers until the UoW ends.

        Locks are taken in ascending id order, so two transactions locking overlapping sets
        cannot deadlock; the result is in ascending id order and omits unknown ids."""

    @abc.abstractmethod
    async def delete(self, product: Product) -> None:
        """Remove it; a product that order lines refer to is InUse."""
