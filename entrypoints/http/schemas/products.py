"""Products on the wire. `version` is read by clients and sent back on update, where it is
compared (optimistic locking), never assigned.

    ProductBase ─┬─ ProductCreate                       POST /products/
                 └─ ProductPublic (+ id, version, ...)  GET /products/...
    ProductUpdate: `version` required, the rest optional PATCH /products/{id}
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import MISSING, BaseModel, Field, Strict

from entrypoints.http.schemas.categories import CategoryPublic, Slug
from entrypoints.http.schemas.fields import (
    MULTI_LINE,
    REQUIRED_SINGLE_LINE,
    Count,
    Id,
    Matches,
    Money,
    MoneyIn,
    PublicModel,
    RequestModel,
    StockDelta,
    UtcDatetime,
    Version,
)

__all__ = [
    "SKU_PATTERN",
    "CategoryStatsPublic",
    "ProductCreate",
    "ProductPublic",
    "ProductUpdate",
    "ProductWithCategoryPublic",
    "Sku",
    "StockAdjustment",
]

ProductName = Annotated[str, Strict(), Field(min_length=1, max_length=200), REQUIRED_SINGLE_LINE]
SKU_PATTERN = r"^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$"
Sku = Annotated[
    str,
    Strict(),
    Field(
        max_length=64,
        description="Letters, digits and single hyphens; stored in upper case.",
        examples=["WH-001"],
    ),
    Matches(SKU_PATTERN, "must be letters, digits and single hyphens"),
]
ProductDescription = Annotated[str, Strict(), Field(max_length=5000), MULTI_LINE]


class ProductBase(BaseModel):
    name: ProductName
    sku: Sku
    description: ProductDescription | None = None
    stock_quantity: Count = 0
    is_active: Annotated[bool, Strict()] = True
    category_id: Id | None = None


class ProductCreate(ProductBase, RequestModel):
    price: MoneyIn
    slug: Slug | None = None


class ProductUpdate(RequestModel):
    version: Version = Field(description="The version the client read; a stale one is a 409.")
    name: ProductName | MISSING = MISSING
    slug: Slug | MISSING = MISSING
    sku: Sku | MISSING = MISSING
    price: MoneyIn | MISSING = MISSING
    stock_quantity: Count | MISSING = MISSING
    description: ProductDescription | MISSING | None = MISSING
    is_active: Annotated[bool, Strict()] | MISSING = MISSING
    category_id: Id | MISSING | None = MISSING

    def changes(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.model_fields_set - {"version"}}


class StockAdjustment(RequestModel):
    delta: StockDelta = Field(
        description="Added to the stock; negative to remove, never below 0. Never 0 itself: "
        "that would be no change."
    )


class ProductPublic(ProductBase, PublicModel):
    id: int
    slug: str
    sku: str
    price: Money
    version: int
    created_at: UtcDatetime
    updated_at: UtcDatetime


class ProductWithCategoryPublic(PublicModel):
    product: ProductPublic
    category: CategoryPublic | None


class CategoryStatsPublic(PublicModel):
    """Figures over the category's active products; prices are null when it has none."""

    category_id: int
    category_name: str
    product_count: int
    avg_price: Money | None
    min_price: Money | None
    max_price: Money | None
