"""What the catalog use cases are asked to do."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from application.catalog.defaults import DEFAULT_CATEGORIES, DefaultCategory
from application.shared.idempotency.request import IdempotentRequest
from domain.shared.patch import UNSET, Maybe

__all__ = [
    "AdjustStock",
    "CreateCategory",
    "CreateProduct",
    "DeleteCategory",
    "DeleteProduct",
    "SeedCategories",
    "UpdateCategory",
    "UpdateProduct",
]


@dataclass(frozen=True)
class CreateCategory:
    name: str
    slug: str | None = None
    description: str | None = None
    parent_id: int | None = None


@dataclass(frozen=True)
class UpdateCategory:
    category_id: int
    name: Maybe[str] = UNSET
    slug: Maybe[str] = UNSET
    description: Maybe[str | None] = UNSET
    parent_id: Maybe[int | None] = UNSET


@dataclass(frozen=True)
class DeleteCategory:
    category_id: int


@dataclass(frozen=True)
class SeedCategories:
    """Put these categories in the catalog, those of them that are not there yet."""

    categories: tuple[DefaultCategory, ...] = DEFAULT_CATEGORIES


@dataclass(frozen=True)
class CreateProduct:
    name: str
    sku: str
    price: Decimal
    stock_quantity: int = 0
    slug: str | None = None
    description: str | None = None
    is_active: bool = True
    category_id: int | None = None


@dataclass(frozen=True)
class UpdateProduct:
    """An optimistic update: `version` is the one the client read, compared and never set."""

    product_id: int
    version: int
    name: Maybe[str] = UNSET
    slug: Maybe[str] = UNSET
    sku: Maybe[str] = UNSET
    price: Maybe[Decimal] = UNSET
    stock_quantity: Maybe[int] = UNSET
    description: Maybe[str | None] = UNSET
    is_active: Maybe[bool] = UNSET
    category_id: Maybe[int | None] = UNSET


@dataclass(frozen=True)
class DeleteProduct:
    product_id: int


@dataclass(frozen=True)
class AdjustStock:
    product_id: int
    delta: int
    idempotency: IdempotentRequest | None = None
