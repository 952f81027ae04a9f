"""What the orders read side returns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

__all__ = [
    "OrderDetails",
    "OrderItemDetails",
    "OrderItemView",
    "OrderStats",
    "OrderUser",
    "OrderView",
    "PaymentView",
    "ProductSummary",
]


@dataclass(frozen=True, slots=True)
class OrderItemView:
    id: int
    product_id: int
    quantity: int
    unit_price: Decimal
    total_price: Decimal


@dataclass(frozen=True, slots=True)
class PaymentView:
    id: int
    amount: Decimal
    method: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class OrderView:
    id: int
    order_number: str
    user_id: int
    status: str
    total_amount: Decimal
    shipping_address: str | None
    created_at: datetime
    updated_at: datetime
    items: tuple[OrderItemView, ...]


@dataclass(frozen=True, slots=True)
class OrderUser:
    id: int
    username: str
    email: str
    full_name: str | None


@dataclass(frozen=True, slots=True)
class ProductSummary:
    id: int
    name: str
    sku: str
    slug: str


@dataclass(frozen=True, slots=True)
class OrderItemDetails:
    id: int
    quantity: int
    unit_price: Decimal
    total_price: Decimal
    product: ProductSummary


@dataclass(frozen=True, slots=True)
class OrderDetails:
    id: int
    order_number: str
    status: str
    total_amount: Decimal
    shipping_address: str | None
    created_at: datetime
    updated_at: datetime
    user: OrderUser
    items: tuple[OrderItemDetails, ...]
    payments: tuple[PaymentView, ...]


@dataclass(frozen=True, slots=True)
class OrderStats:
    """`orders_by_status` names every status, with 0 where there are none."""

    total_orders: int
    total_revenue: Decimal
    orders_by_status: dict[str, int]
