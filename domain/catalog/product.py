"""A product: priced, stocked, and versioned for optimistic locking."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from domain.shared.errors import Inactive, InsufficientStock, InvalidValue, StaleVersion
from domain.shared.money import to_money
from domain.shared.patch import UNSET, Maybe, Unset
from domain.shared.text import Slug, clean_text, ensure_single_line, optional_text

__all__ = ["MAX_STOCK", "Product", "Sku"]

MAX_STOCK = 2_147_483_647  # the INTEGER column that stores it
_SKU = re.compile(r"^[A-Z0-9]+(?:-[A-Z0-9]+)*$")


@dataclass(frozen=True)
class Sku:
    """Letters, digits and hyphens, stored upper-case: `wh-001` is `WH-001`."""

    value: str

    MAX_LENGTH = 64

    def __post_init__(self) -> None:
        if len(self.value) > self.MAX_LENGTH or not _SKU.fullmatch(self.value):
            raise InvalidValue("sku", "must be letters, digits and single hyphens (max 64)")

    @classmethod
    def parse(cls, raw: str) -> Sku:
        return cls(ensure_single_line(raw, "sku").strip().upper())


def _name(value: str) -> str:
    return clean_text(value, "name", max_length=200, multiline=False)


def _description(value: str | None) -> str | None:
    return optional_text(value, "description", max_length=5000, multiline=True)


def _price(value: Decimal) -> Decimal:
    price = to_money(value, "price")
    if price <= 0:
        raise InvalidValue("price", "must be greater than zero")
    return price


def _stock(value: int) -> int:
    if not 0 <= value <= MAX_STOCK:
        raise InvalidValue("stock_quantity", f"must be between 0 and {MAX_STOCK}")
    return value


def _new_stock(value: int, current: int, reserved: int) -> int:
    """A stock set or adjusted by hand, where `reserved` is what orders that may still be
    cancelled hold of the product.

    A rise must leave room for those units under MAX_STOCK, because a cancel gives them back
    and a cancel must never fail. Reserving and releasing only move units between the stock
    and the orders, so with this rule stock + reserved never exceeds MAX_STOCK and a release
    always fits. (The other way, a stock column wider than what it may hold, would let the
    stock outgrow the INTEGER every client and filter reads it as.) A fall is always allowed."""
    value = _stock(value)
    if value > current and value + reserved > MAX_STOCK:
        raise InvalidValue(
            "stock_quantity",
            f"must be at most {MAX_STOCK - reserved}: orders that may still be cancelled hold "
            f"{reserved} units, which their cancel gives back",
        )
    return value


def _quantity(value: int) -> int:
    if not 0 < value <= MAX_STOCK:
        raise InvalidValue("quantity", f"must be between 1 and {MAX_STOCK}")
    return value


@dataclass(eq=False)
class Product:
    """Stock never goes below zero, nor so high that a cancel could not give back what the
    orders hold (`_new_stock`); every change bumps `version`.

    The version is what optimistic locking compares: a client sends the version it read,
    `check_version` refuses a stale one, and the storage adapter refuses to overwrite a row
    whose version moved on since it was loaded.
    """

    name: str
    slug: str
    sku: str
    price: Decimal
    stock_quantity: int
    created_at: datetime
    updated_at: datetime
    description: str | None = None
    is_active: bool = True
    category_id: int | None = None
    version: int = 1
    id: int | None = field(default=None)

    @classmethod
    def create(
        cls,
        *,
        name: str,
        sku: str,
        price: Decimal,
        now: datetime,
        stock_quantity: int = 0,
        slug: str | None = None,
        description: str | None = None,
        is_active: bool = True,
        category_id: int | None = None,
    ) -> Product:
        name = _name(name)
        return cls(
            name=name,
            slug=Slug.given_or_derived(slug, name).value,
            sku=Sku.parse(sku).value,
            price=_price(price),
            stock_quantity=_stock(stock_quantity),
            description=_description(description),
            is_active=is_active,
            category_id=category_id,
            created_at=now,
            updated_at=now,
        )

    # -- optimistic locking ---------------------------------------------------------------
    def check_version(self, expected: int) -> None:
        if expected != self.version:
            raise StaleVersion("product", self.id, expected, self.version)

    def _touch(self, now: datetime) -> None:
        self.version += 1
        self.updated_at = now

    # -- catalogue data ---------------------------------------------------------------------
    def revise(
        self,
        now: datetime,
        *,
        name: Maybe[str] = UNSET,
        slug: Maybe[str] = UNSET,
        sku: Maybe[str] = UNSET,
        price: Maybe[Decimal] = UNSET,
        stock_quantity: Maybe[int] = UNSET,
        description: Maybe[str | None] = UNSET,
        is_active: Maybe[bool] = UNSET,
        category_id: Maybe[int | None] = UNSET,
        reserved: int = 0,
    ) -> None:
        """Change the given fields as one edit; fields left UNSET keep their value.

        Every value is checked before any is set, so a refused edit changes nothing. The
        version moves by one however many fields change, and not at all when every value
        given equals the current one: a client holding the version must not see it move
        without a change. `reserved`, needed only to raise `stock_quantity`: the units orders
        that may still be cancelled hold."""
        changes: dict[str, object] = {}
        if not isinstance(name, Unset):
            changes["name"] = _name(name)
        if not isinstance(slug, Unset):
            changes["slug"] = Slug.parse(slug).value
        if not isinstance(sku, Unset):
            changes["sku"] = Sku.parse(sku).value
        if not isinstance(price, Unset):
            changes["price"] = _price(price)
        if not isinstance(stock_quantity, Unset):
            changes["stock_quantity"] = _new_stock(stock_quantity, self.stock_quantity, reserved)
        if not isinstance(description, Unset):
            changes["description"] = _description(description)
        if not isinstance(is_active, Unset):
            changes["is_active"] = is_active
        if not isinstance(category_id, Unset):
            changes["category_id"] = category_id
        changed = {key: value for key, value in changes.items() if getattr(self, key) != value}
        if not changed:
            return
        for key, value in changed.items():
            setattr(self, key, value)
        self._touch(now)

    def rename(self, name: str, now: datetime) -> None:
        self.revise(now, name=name)

    def reprice(self, price: Decimal, now: datetime) -> None:
        self.revise(now, price=price)

    def set_active(self, active: bool, now: datetime) -> None:
        self.revise(now, is_active=active)

    # -- stock --------------------------------------------------------------------------
    def reserve(self, quantity: int, now: datetime) -> None:
        """Take `quantity` out of stock for an order; refuse inactive products and overselling."""
        quantity = _quantity(quantity)
        if not self.is_active:
            raise Inactive(f"product {self.id} is not active")
        if quantity > self.stock_quantity:
            raise InsufficientStock(self.id, quantity, self.stock_quantity)
        self.stock_quantity -= quantity
        self._touch(now)

    def release(self, quantity: int, now: datetime) -> None:
        """Put back what a cancelled order had reserved; it always fits (`_new_stock`)."""
        quantity = _quantity(quantity)
        self.stock_quantity = _stock(self.stock_quantity + quantity)
        self._touch(now)

    def adjust_stock(self, delta: int, now: datetime, *, reserved: int = 0) -> None:
        """Add (or with a negative delta, remove) stock; never below zero. `reserved`, needed
        only for a rise: the units orders that may still be cancelled hold.

        A delta of 0 is refused: it would move the version without a change."""
        if delta == 0:
            raise InvalidValue("delta", "must not be 0")
        if delta < 0 and -delta > self.stock_quantity:
            raise InsufficientStock(self.id, -delta, self.stock_quantity)
        self.stock_quantity = _new_stock(self.stock_quantity + delta, self.stock_quantity, reserved)
        self._touch(now)
