"""The in-memory twin of `ItemQueries`: items as committed."""

from __future__ import annotations

from adapters.memory.listing import list_page
from adapters.memory.read_side import InMemoryQueries
from application.items.queries import ItemQueries
from application.items.read_models import ItemView
from application.shared.listing import ListQuery, Page
from domain.items.item import Item

__all__ = ["InMemoryItemQueries"]


class InMemoryItemQueries(InMemoryQueries, ItemQueries):
    async def get(self, item_id: int) -> ItemView | None:
        item = self._store.rows(Item).get(item_id)
        return None if item is None else ItemView.of(item)

    async def list(self, query: ListQuery) -> Page[ItemView]:
        return list_page((ItemView.of(item) for item in self._store.rows(Item).values()), query)
