"""The in-memory store repository, and the store records it keeps (once, for every part)."""

from __future__ import annotations

from adapters.memory.kinds import RecordKind, UniqueRule
from adapters.memory.repository import InMemoryRepository
from adapters.memory.tracking import key_of
from domain.stores.repository import StoreRepository
from domain.stores.store import Store

__all__ = ["InMemoryStoreRepository"]


class InMemoryStoreRepository(InMemoryRepository, StoreRepository):
    kind = RecordKind(
        Store, "store", unique=(UniqueRule("slug", lambda s: s.slug),), per_store=False
    )

    async def add(self, store: Store) -> None:
        self._tx.add(store)

    async def get_by_slug(self, slug: str) -> Store | None:
        stores = self._tx.rows(Store)
        found = next((s for s in stores.peek() if s.slug == slug), None)
        return None if found is None else stores.get(key_of(found))
