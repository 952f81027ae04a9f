"""A product: priced, stocked, and versioned for optimistic locking."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from domain.shared.errors import Inactive, InsufficientStock, InvalidValue, StaleVersion
from domain.shared.money import to_money
from domain.shared.text import Slug, clean_text, optional_text

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
        return cls(raw.strip().upper())


def _name(value: str) -> str:
    return clean_text(value, "name", max_length=200)


def _description(value: str | None) -> str | None:
    return optional_text(value, "description", max_length=5000)


def _price(value: Decimal) -> Decimal:
    price = to_money(value, "price")
    if price <= 0:
        raise InvalidValue("price", "must be greater than zero")
    return price


def _stock(value: int) -> int:
    if not 0 <= value <= MAX_STOCK:
        raise InvalidValue("stock_quantity", f"must be between 0 and {MAX_STOCK}")
    return value


def _quantity(value: int) -> int:
    if not 0 < value <= MAX_STOCK:
        raise InvalidValue("quantity", f"must be between 1 and {MAX_STOCK}")
    return value


@dataclass(eq=False)
class Product:
    """Stock never goes below zero; every change bumps `version`.

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
    def rename(self, name: str, now: datetime) -> None:
        self.name = _name(name)
        self._touch(now)

    def change_slug(self, slug: str, now: datetime) -> None:
        self.slug = Slug.parse(slug).value
        self._touch(now)

    def change_sku(self, sku: str, now: datetime) -> None:
        self.sku = Sku.parse(sku).value
        self._touch(now)

    def reprice(self, price: Decimal, now: datetime) -> None:
        self.price = _price(price)
        self._touch(now)

    def describe(self, description: str | None, now: datetime) -> None:
        self.description = _description(description)
        self._touch(now)

    def set_active(self, active: bool, now: datetime) -> None:
        self.is_active = active
        self._touch(now)

    def move_to_category(self, category_id: int | None, now: datetime) -> None:
        self.category_id = category_id
        self._touch(now)

    def set_stock(self, quantity: int, now: datetime) -> None:
        self.stock_quantity = _stock(quantity)
        self._touch(now)

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
        """Put back what a cancelled order had reserved."""
        quantity = _quantity(quantity)
        self.stock_quantity = _stock(self.stock_quantity + quantity)
        self._touch(now)

    def adjust_stock(self, delta: int, now: datetime) -> None:
        """Add (or with a negative delta, remove) stock; never below zero."""
        if delta < 0 and -delta > self.stock_quantity:
            raise InsufficientStock(self.id, -delta, self.stock_quantity)
        self.stock_quantity = _stock(self.stock_quantity + delta)
        self._touch(now)
