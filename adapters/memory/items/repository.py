"""The in-memory item repository, and the item records it stores.

An item goes with its owner when the owner is purged (CASCADE), as the schema's foreign key
says. One writer at a time holds the store, so `for_update` needs no lock of its own.
"""

from __future__ import annotations

from adapters.memory.kinds import OnDelete, RecordKind, Reference
from adapters.memory.repository import InMemoryRepository
from domain.identity.user import User
from domain.items.item import Item
from domain.items.repository import ItemRepository

__all__ = ["InMemoryItemRepository"]


class InMemoryItemRepository(InMemoryRepository, ItemRepository):
    kind = RecordKind(Item, "item", references=(Reference("owner_id", User, OnDelete.CASCADE),))

    async def add(self, item: Item) -> None:
        self._tx.add(item)

    async def get(self, item_id: int, *, for_update: bool = False) -> Item | None:
        return self._tx.rows(Item).get(item_id)

    async def delete(self, item: Item) -> None:
        self._tx.delete(item)
