"""What the orders read side returns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from domain.ordering.order import Order, OrderItem, Payment

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


def _stored(entity_id: int | None) -> int:
    if entity_id is None:
        raise ValueError("a view is made of stored entities only; this one has no id yet")
    return entity_id


@dataclass(frozen=True, slots=True)
class OrderItemView:
    id: int
    product_id: int
    quantity: int
    unit_price: Decimal
    total_price: Decimal

    @classmethod
    def of(cls, item: OrderItem) -> OrderItemView:
        return cls(
            id=_stored(item.id),
            product_id=item.product_id,
            quantity=item.quantity,
            unit_price=item.unit_price,
            total_price=item.total_price,
        )


@dataclass(frozen=True, slots=True)
class PaymentView:
    id: int
    amount: Decimal
    method: str
    created_at: datetime

    @classmethod
    def of(cls, payment: Payment) -> PaymentView:
        return cls(
            id=_stored(payment.id),
            amount=payment.amount,
            method=payment.method.value,
            created_at=payment.created_at,
        )


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

    @classmethod
    def of(cls, order: Order) -> OrderView:
        """The order as the read side shows it, items in id order."""
        return cls(
            id=_stored(order.id),
            order_number=order.order_number,
            user_id=order.user_id,
            status=order.status.value,
            total_amount=order.total_amount,
            shipping_address=order.shipping_address,
            created_at=order.created_at,
            updated_at=order.updated_at,
            items=tuple(
                OrderItemView.of(item) for item in sorted(order.items, key=lambda i: _stored(i.id))
            ),
        )


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
