"""What the catalog read side returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from domain.catalog.product import Product

__all__ = ["CategoryNode", "CategoryStats", "CategoryView", "ProductView", "ProductWithCategory"]


@dataclass(frozen=True, slots=True)
class CategoryView:
    id: int
    name: str
    slug: str
    description: str | None
    parent_id: int | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class CategoryNode:
    """A category and its sub-tree; children sorted by name, then id."""

    id: int
    name: str
    slug: str
    description: str | None
    parent_id: int | None
    created_at: datetime
    children: list[CategoryNode] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ProductView:
    id: int
    name: str
    slug: str
    sku: str
    description: str | None
    price: Decimal
    stock_quantity: int
    is_active: bool
    category_id: int | None
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, product: Product) -> ProductView:
        """The product as the read side shows it."""
        if product.id is None:
            raise ValueError("a view is made of stored entities only; this one has no id yet")
        return cls(
            id=product.id,
            name=product.name,
            slug=product.slug,
            sku=product.sku,
            description=product.description,
            price=product.price,
            stock_quantity=product.stock_quantity,
            is_active=product.is_active,
            category_id=product.category_id,
            version=product.version,
            created_at=product.created_at,
            updated_at=product.updated_at,
        )


@dataclass(frozen=True, slots=True)
class ProductWithCategory:
    product: ProductView
    category: CategoryView | None


@dataclass(frozen=True, slots=True)
class CategoryStats:
    """Figures over a category's active products; prices are None when it has none."""

    category_id: int
    category_name: str
    product_count: int
    avg_price: Decimal | None
    min_price: Decimal | None
    max_price: Decimal | None
