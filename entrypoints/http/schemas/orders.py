"""Orders on the wire. Totals, prices and statuses are computed by the system: a client sends
products and quantities, never amounts.

    OrderCreate (user_id?, items[product_id, quantity], shipping_address?)  POST /orders/
    OrderPublic (+ items)          GET /orders/{id}, lists, status changes
    OrderDetailsPublic (+ user, item products, payments)   GET /orders/{id}/details
    PaymentCreate / PaymentPublic  POST /orders/{id}/payments
    OrderStatsPublic               GET /orders/stats/summary
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, Strict

from domain.ordering.order import MAX_LINES, OrderStatus, PaymentMethod
from entrypoints.http.schemas.fields import (
    SINGLE_LINE,
    Id,
    Money,
    PositiveCount,
    PublicModel,
    RequestModel,
    UtcDatetime,
)

__all__ = [
    "OrderCreate",
    "OrderDetailsPublic",
    "OrderItemCreate",
    "OrderItemPublic",
    "OrderPublic",
    "OrderStatsPublic",
    "PaymentCreate",
    "PaymentPublic",
]

ShippingAddress = Annotated[str, Strict(), Field(max_length=500), SINGLE_LINE]


class OrderItemCreate(RequestModel):
    product_id: Id
    quantity: PositiveCount


class OrderCreate(RequestModel):
    user_id: Id | None = Field(
        default=None,
        description="Whose order: the caller's when left out. Only an admin may name another user.",
    )
    items: list[OrderItemCreate] = Field(
        min_length=1,
        max_length=MAX_LINES,
        description="Lines naming the same product are merged into one.",
    )
    shipping_address: ShippingAddress | None = None


class PaymentCreate(RequestModel):
    method: PaymentMethod


class OrderItemPublic(PublicModel):
    id: int
    product_id: int
    quantity: int
    unit_price: Money
    total_price: Money


class OrderPublic(PublicModel):
    id: int
    order_number: str = Field(examples=["ORD-20260101120000-1A2B3C"])
    user_id: int
    status: OrderStatus
    total_amount: Money
    shipping_address: str | None
    created_at: UtcDatetime
    updated_at: UtcDatetime
    items: list[OrderItemPublic]


class OrderUserPublic(PublicModel):
    id: int
    username: str
    email: str
    full_name: str | None


class ProductSummaryPublic(PublicModel):
    id: int
    name: str
    sku: str
    slug: str


class OrderItemDetailsPublic(PublicModel):
    id: int
    quantity: int
    unit_price: Money
    total_price: Money
    product: ProductSummaryPublic


class PaymentPublic(PublicModel):
    id: int
    amount: Money
    method: PaymentMethod
    created_at: UtcDatetime


class OrderDetailsPublic(PublicModel):
    id: int
    order_number: str
    status: OrderStatus
    total_amount: Money
    shipping_address: str | None
    created_at: UtcDatetime
    updated_at: UtcDatetime
    user: OrderUserPublic
    items: list[OrderItemDetailsPublic]
    payments: list[PaymentPublic]


class OrderStatsPublic(PublicModel):
    total_orders: int
    total_revenue: Money = Field(description="Over orders that are not cancelled.")
    orders_by_status: dict[OrderStatus, int]
