"""An item: a thing one user owns, versioned for optimistic locking, handed over whole."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from domain.items.events import ItemTransferred
from domain.shared.errors import InvalidValue, StaleVersion
from domain.shared.money import to_money
from domain.shared.patch import UNSET, Maybe, Unset
from domain.shared.text import clean_text, optional_text

__all__ = ["MAX_DESCRIPTION", "MAX_NAME", "Item"]

MAX_NAME = 200
MAX_DESCRIPTION = 2_000


def _name(value: str) -> str:
    return clean_text(value, "name", max_length=MAX_NAME, multiline=False)


def _description(value: str | None) -> str | None:
    return optional_text(value, "description", max_length=MAX_DESCRIPTION, multiline=True)


def _price(value: Decimal) -> Decimal:
    price = to_money(value, "price")
    if price < 0:
        raise InvalidValue("price", "must not be negative")
    return price


@dataclass(eq=False)
class Item:
    """Owned by exactly one user at a time. Every change, a change of owner included, bumps
    `version` by one; a client sends the version it read, and `check_version` refuses a stale
    one, so that of two writers holding one version exactly one wins."""

    name: str
    owner_id: int
    price: Decimal
    created_at: datetime
    updated_at: datetime
    description: str | None = None
    version: int = 1
    id: int | None = field(default=None)

    @classmethod
    def create(
        cls,
        *,
        name: str,
        owner_id: int,
        price: Decimal,
        now: datetime,
        description: str | None = None,
    ) -> Item:
        return cls(
            name=_name(name),
            owner_id=owner_id,
            price=_price(price),
            description=_description(description),
            created_at=now,
            updated_at=now,
        )

    def check_version(self, expected: int) -> None:
        if expected != self.version:
            raise StaleVersion("item", self.id, expected, self.version)

    def _touch(self, now: datetime) -> None:
        self.version += 1
        self.updated_at = now

    def revise(
        self,
        now: datetime,
        *,
        name: Maybe[str] = UNSET,
        description: Maybe[str | None] = UNSET,
        price: Maybe[Decimal] = UNSET,
    ) -> None:
        """Change the given fields as one edit: all checked before any is set; the version
        moves by one if any value changes, and not at all otherwise."""
        changes: dict[str, object] = {}
        if not isinstance(name, Unset):
            changes["name"] = _name(name)
        if not isinstance(description, Unset):
            changes["description"] = _description(description)
        if not isinstance(price, Unset):
            changes["price"] = _price(price)
        changed = {key: value for key, value in changes.items() if getattr(self, key) != value}
        if not changed:
            return
        for key, value in changed.items():
            setattr(self, key, value)
        self._touch(now)

    def transfer_to(self, new_owner_id: int, now: datetime) -> ItemTransferred:
        """Hand the item to `new_owner_id`, and say so; to its owner is no transfer."""
        if new_owner_id == self.owner_id:
            raise InvalidValue("new_owner_id", "the item is already theirs: name another user")
        if self.id is None:
            raise ValueError("only a stored item changes hands")
        previous, self.owner_id = self.owner_id, new_owner_id
        self._touch(now)
        return ItemTransferred(
            item_id=self.id,
            item_name=self.name,
            from_user_id=previous,
            to_user_id=new_owner_id,
            occurred_at=now,
        )
