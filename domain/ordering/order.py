"""The order aggregate: lines, totals, payments and the status machine.

    pending ──► confirmed ──► shipped ──► delivered
       │            │
       └────────────┴──► cancelled

`delivered` and `cancelled` are final. Cancelling hands back the lines whose stock must be
released; since `cancelled` is final, that happens exactly once per order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum

from domain.shared.errors import InvalidTransition, InvalidValue
from domain.shared.money import ZERO, to_money
from domain.shared.text import optional_text

__all__ = [
    "ALLOWED_TRANSITIONS",
    "CANCELLABLE",
    "Order",
    "OrderItem",
    "OrderLine",
    "OrderNumber",
    "OrderStatus",
    "Payment",
    "PaymentMethod",
    "merge_lines",
]

MAX_QUANTITY = 2_147_483_647
MAX_LINES = 100


class OrderStatus(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


ALLOWED_TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.PENDING: frozenset({OrderStatus.CONFIRMED, OrderStatus.CANCELLED}),
    OrderStatus.CONFIRMED: frozenset({OrderStatus.SHIPPED, OrderStatus.CANCELLED}),
    OrderStatus.SHIPPED: frozenset({OrderStatus.DELIVERED}),
    OrderStatus.DELIVERED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
}
# The orders whose reserved stock a cancel would give back: their stock is still held.
CANCELLABLE: frozenset[OrderStatus] = frozenset(
    status for status, targets in ALLOWED_TRANSITIONS.items() if OrderStatus.CANCELLED in targets
)


class PaymentMethod(StrEnum):
    CARD = "card"
    BANK_TRANSFER = "bank_transfer"
    CASH_ON_DELIVERY = "cash_on_delivery"
    CREDITS = "credits"


_ORDER_NUMBER = re.compile(r"^ORD-\d{14}-[0-9A-F]{6}$")


@dataclass(frozen=True)
class OrderNumber:
    """`ORD-<UTC yyyymmddHHMMSS>-<6 upper-case hex digits>`."""

    value: str

    def __post_init__(self) -> None:
        if not _ORDER_NUMBER.fullmatch(self.value):
            raise InvalidValue("order_number", "must look like ORD-20260101120000-1A2B3C")

    @classmethod
    def build(cls, now: datetime, suffix: str) -> OrderNumber:
        if now.utcoffset() is None:
            raise InvalidValue("now", "must be timezone-aware")
        return cls(f"ORD-{now.astimezone(UTC).strftime('%Y%m%d%H%M%S')}-{suffix.upper()}")


@dataclass(frozen=True)
class OrderLine:
    """What a customer asks for: a product and how many."""

    product_id: int
    quantity: int

    def __post_init__(self) -> None:
        if not 0 < self.quantity <= MAX_QUANTITY:
            raise InvalidValue("quantity", f"must be between 1 and {MAX_QUANTITY}")


def merge_lines(lines: Iterable[OrderLine]) -> tuple[OrderLine, ...]:
    """One line per product, quantities summed, in ascending product id order."""
    totals: dict[int, int] = {}
    for line in lines:
        totals[line.product_id] = totals.get(line.product_id, 0) + line.quantity
    if not totals:
        raise InvalidValue("items", "an order needs at least one item")
    if len(totals) > MAX_LINES:
        raise InvalidValue("items", f"an order has at most {MAX_LINES} distinct products")
    return tuple(OrderLine(pid, qty) for pid, qty in sorted(totals.items()))


@dataclass(eq=False)
class OrderItem:
    """A line of a placed order, priced at the product's price when ordered."""

    product_id: int
    quantity: int
    unit_price: Decimal
    total_price: Decimal
    id: int | None = field(default=None)

    @classmethod
    def priced(cls, line: OrderLine, unit_price: Decimal) -> OrderItem:
        unit_price = to_money(unit_price, "unit_price")
        return cls(
            product_id=line.product_id,
            quantity=line.quantity,
            unit_price=unit_price,
            total_price=to_money(unit_price * line.quantity, "total_price"),
        )


@dataclass(eq=False)
class Payment:
    amount: Decimal
    method: PaymentMethod
    created_at: datetime
    id: int | None = field(default=None)


@dataclass(eq=False)
class Order:
    order_number: str
    user_id: int
    status: OrderStatus
    total_amount: Decimal
    created_at: datetime
    updated_at: datetime
    shipping_address: str | None = None
    items: list[OrderItem] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    id: int | None = field(default=None)

    @classmethod
    def place(
        cls,
        *,
        order_number: OrderNumber,
        user_id: int,
        items: Sequence[OrderItem],
        now: datetime,
        shipping_address: str | None = None,
    ) -> Order:
        if not items:
            raise InvalidValue("items", "an order needs at least one item")
        if len({item.product_id for item in items}) != len(items):
            raise InvalidValue("items", "each product appears on one line only")
        return cls(
            order_number=order_number.value,
            user_id=user_id,
            status=OrderStatus.PENDING,
            total_amount=to_money(sum((i.total_price for i in items), ZERO), "total_amount"),
            shipping_address=optional_text(
                shipping_address, "shipping_address", max_length=500, multiline=False
            ),
            items=list(items),
            created_at=now,
            updated_at=now,
        )

    @property
    def lines(self) -> tuple[OrderLine, ...]:
        return tuple(OrderLine(i.product_id, i.quantity) for i in self.items)

    def can_move_to(self, target: OrderStatus) -> bool:
        return target in ALLOWED_TRANSITIONS[self.status]

    def transition_to(self, target: OrderStatus, now: datetime) -> tuple[OrderLine, ...]:
        """Move along the status machine; return the lines whose stock must be released.

        Moving to the current status is refused like any other move the machine lacks."""
        if not self.can_move_to(target):
            raise InvalidTransition("order", self.status.value, target.value)
        self.status = target
        self.updated_at = now
        return self.lines if target is OrderStatus.CANCELLED else ()

    def pay(self, method: PaymentMethod, now: datetime) -> Payment:
        """Record a payment of the full total and confirm the order. Only a pending order can
        be paid: paying is the move from pending to confirmed, not a status of its own."""
        if self.status is not OrderStatus.PENDING:
            raise InvalidTransition(
                "order",
                self.status.value,
                OrderStatus.CONFIRMED.value,
                detail=f"only pending orders can be paid; this order is {self.status.value}",
            )
        payment = Payment(amount=self.total_amount, method=method, created_at=now)
        self.payments.append(payment)
        self.transition_to(OrderStatus.CONFIRMED, now)
        return payment
