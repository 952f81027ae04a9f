"""The catalog read side: ports and the whitelists of their lists."""

from __future__ import annotations

import abc
from collections.abc import Sequence

from application.catalog.read_models import (
    CategoryNode,
    CategoryStats,
    CategoryView,
    ProductView,
    ProductWithCategory,
)
from application.shared.listing import FieldKind, FieldSpec, ListQuery, ListSchema, Page

__all__ = ["CATEGORY_LIST", "PRODUCT_LIST", "CategoryQueries", "ProductQueries"]

CATEGORY_LIST = ListSchema(
    fields={
        "id": FieldSpec(FieldKind.INT),
        "name": FieldSpec(FieldKind.TEXT),
        "slug": FieldSpec(FieldKind.TEXT),
        "parent_id": FieldSpec(FieldKind.INT, nullable=True),
        "created_at": FieldSpec(FieldKind.DATETIME),
    },
)

PRODUCT_LIST = ListSchema(
    fields={
        "id": FieldSpec(FieldKind.INT),
        "name": FieldSpec(FieldKind.TEXT),
        "slug": FieldSpec(FieldKind.TEXT),
        "sku": FieldSpec(FieldKind.TEXT),
        "price": FieldSpec(FieldKind.DECIMAL),
        "stock_quantity": FieldSpec(FieldKind.INT),
        "is_active": FieldSpec(FieldKind.BOOL),
        "category_id": FieldSpec(FieldKind.INT, nullable=True),
        "version": FieldSpec(FieldKind.INT),
        "created_at": FieldSpec(FieldKind.DATETIME),
        "updated_at": FieldSpec(FieldKind.DATETIME),
    },
)


class CategoryQueries(abc.ABC):
    @abc.abstractmethod
    async def get(self, category_id: int) -> CategoryView | None: ...

    @abc.abstractmethod
    async def list(self, query: ListQuery) -> Page[CategoryView]: ...

    @abc.abstractmethod
    async def tree(self) -> Sequence[CategoryNode]:
        """Root categories with their sub-trees, each level sorted by name, then id."""


class ProductQueries(abc.ABC):
    @abc.abstractmethod
    async def get(self, product_id: int) -> ProductView | None: ...

    @abc.abstractmethod
    async def get_by_sku(self, sku: str) -> ProductView | None:
        """`sku` is compared in its stored (upper-case) form."""

    @abc.abstractmethod
    async def get_by_slug(self, slug: str) -> ProductView | None: ...

    @abc.abstractmethod
    async def list(self, query: ListQuery) -> Page[ProductView]:
        """Also serves "by category" (`category_id`), "price range" (`price__gte/lte`) and
        "low stock" (`stock_quantity__lte`)."""

    @abc.abstractmethod
    async def list_with_category(self, query: ListQuery) -> Page[ProductWithCategory]: ...

    @abc.abstractmethod
    async def category_stats(self) -> Sequence[CategoryStats]:
        """One row per category, sorted by name, then id."""
