"""What the items use cases are asked to do. The caller is given beside the command: an item
is created for them, and changed only by its owner or an admin."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from domain.shared.patch import UNSET, Maybe

__all__ = ["CreateItem", "DeleteItem", "TransferItem", "UpdateItem"]


@dataclass(frozen=True)
class CreateItem:
    name: str
    price: Decimal
    description: str | None = None


@dataclass(frozen=True)
class UpdateItem:
    """An optimistic update: `version` is the one the client read, compared and never set."""

    item_id: int
    version: int
    name: Maybe[str] = UNSET
    description: Maybe[str | None] = UNSET
    price: Maybe[Decimal] = UNSET


@dataclass(frozen=True)
class DeleteItem:
    item_id: int


@dataclass(frozen=True)
class TransferItem:
    """Hand the item to another active user of the store; `version` as read, compared."""

    item_id: int
    new_owner_id: int
    version: int
