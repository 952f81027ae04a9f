"""What the items read side returns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from domain.items.item import Item

__all__ = ["ItemView"]


@dataclass(frozen=True, slots=True)
class ItemView:
    id: int
    name: str
    description: str | None
    price: Decimal
    owner_id: int
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, item: Item) -> ItemView:
        if item.id is None:
            raise ValueError("a view is made of stored entities only; this one has no id yet")
        return cls(
            id=item.id,
            name=item.name,
            description=item.description,
            price=item.price,
            owner_id=item.owner_id,
            version=item.version,
            created_at=item.created_at,
            updated_at=item.updated_at,
        )
