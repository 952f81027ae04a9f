"""What the ordering use cases are asked to do."""

from __future__ import annotations

from dataclasses import dataclass

from application.shared.idempotency.request import IdempotentRequest
from domain.ordering.order import OrderLine, OrderStatus, PaymentMethod

__all__ = ["ChangeOrderStatus", "PayOrder", "PlaceOrder"]


@dataclass(frozen=True)
class PlaceOrder:
    """Lines may name a product twice; they are merged into one line. Without a `user_id`,
    the order is the caller's."""

    lines: tuple[OrderLine, ...]
    user_id: int | None = None
    shipping_address: str | None = None
    idempotency: IdempotentRequest | None = None


@dataclass(frozen=True)
class ChangeOrderStatus:
    order_id: int
    status: OrderStatus


@dataclass(frozen=True)
class PayOrder:
    order_id: int
    method: PaymentMethod
    idempotency: IdempotentRequest | None = None
