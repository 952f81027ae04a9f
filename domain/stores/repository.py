"""The port through which stores are kept. Stores are the one kind of record that belongs to
no store: every unit of work sees all of them."""

from __future__ import annotations

import abc

from domain.stores.store import Store

__all__ = ["StoreRepository"]


class StoreRepository(abc.ABC):
    @abc.abstractmethod
    async def add(self, store: Store) -> None:
        """Store a new store and give it an id; a taken slug is DuplicateValue."""

    @abc.abstractmethod
    async def get_by_slug(self, slug: str) -> Store | None: ...
