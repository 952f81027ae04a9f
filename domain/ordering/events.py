"""What happens to orders that other parts of the system hear of."""

from __future__ import annotations

from dataclasses import dataclass

from domain.ordering.order import OrderStatus
from domain.shared.events import Event

__all__ = ["OrderStatusChanged"]


@dataclass(frozen=True, kw_only=True)
class OrderStatusChanged(Event):
    """An order moved to `status` (by a status change, or by its payment confirming it)."""

    order_id: int
    order_number: str
    user_id: int
    status: OrderStatus
