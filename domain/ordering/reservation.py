"""Stock for an order: every line reserved and priced, or none; and given back on a cancel.

Ordering does not import the catalog: it names what it needs of a product as `Stocked`,
which `domain.catalog.product.Product` is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from domain.ordering.order import OrderItem, OrderLine
from domain.shared.errors import NotFound

__all__ = ["Stocked", "release", "reserve"]


class Stocked(Protocol):
    """What an order needs of a product: its id, its price, and stock to take or give back."""

    @property
    def id(self) -> int | None: ...

    @property
    def price(self) -> Decimal: ...

    def reserve(self, quantity: int, now: datetime) -> None: ...

    def release(self, quantity: int, now: datetime) -> None: ...


def _by_id(products: Iterable[Stocked]) -> dict[int | None, Stocked]:
    return {product.id: product for product in products}


def reserve(
    lines: Sequence[OrderLine], products: Iterable[Stocked], now: datetime
) -> list[OrderItem]:
    """Reserve every line's quantity and price it at the product's current price.

    An unknown product is `NotFound`; an inactive one or too little stock is refused by the
    product itself. Whatever was reserved before a refusal belongs to the same transaction,
    which the refusal rolls back: the order takes every line or none."""
    found = _by_id(products)
    items = []
    for line in lines:
        product = found.get(line.product_id)
        if product is None:
            raise NotFound("product", line.product_id)
        product.reserve(line.quantity, now)
        items.append(OrderItem.priced(line, product.price))
    return items


def release(lines: Sequence[OrderLine], products: Iterable[Stocked], now: datetime) -> None:
    """Give back what `lines` reserved. Products on order lines are never deleted, so each
    is there; one missing is a broken invariant, not a client error."""
    found = _by_id(products)
    for line in lines:
        found[line.product_id].release(line.quantity, now)
