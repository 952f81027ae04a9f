"""Products as a caller may see them: an inactive product exists for admins only.

Anyone may browse the catalog. For a caller who is not an admin, every product read and list
is kept to active products, and an inactive product's id, SKU or slug is `NotFound`, as if it
were not there. Categories are public as they are.
"""

from __future__ import annotations

from dataclasses import dataclass

from application.catalog.queries import ProductQueries
from application.catalog.read_models import ProductView, ProductWithCategory
from application.shared.access import Principal
from application.shared.listing import ListQuery, Page
from domain.shared.errors import NotFound

__all__ = ["ProductReads"]


@dataclass(frozen=True)
class ProductReads:
    products: ProductQueries

    async def get(self, actor: Principal, product_id: int) -> ProductView:
        return _shown(actor, await self.products.get(product_id), product_id, "id")

    async def get_by_sku(self, actor: Principal, sku: str) -> ProductView:
        return _shown(actor, await self.products.get_by_sku(sku), sku, "sku")

    async def get_by_slug(self, actor: Principal, slug: str) -> ProductView:
        return _shown(actor, await self.products.get_by_slug(slug), slug, "slug")

    async def list(self, actor: Principal, query: ListQuery) -> Page[ProductView]:
        return await self.products.list(_visible(actor, query))

    async def list_with_category(
        self, actor: Principal, query: ListQuery
    ) -> Page[ProductWithCategory]:
        return await self.products.list_with_category(_visible(actor, query))


def _visible(actor: Principal, query: ListQuery) -> ListQuery:
    return query if actor.is_admin else query.narrowed("is_active", True)


def _shown(actor: Principal, product: ProductView | None, key: object, by: str) -> ProductView:
    if product is None or not (product.is_active or actor.is_admin):
        raise NotFound("product", key, by=by)
    return product
