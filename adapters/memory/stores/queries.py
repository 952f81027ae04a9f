"""The stores read side in memory."""

from __future__ import annotations

from collections.abc import Sequence

from adapters.memory.read_side import InMemoryQueries
from application.stores.queries import StoreQueries
from application.stores.read_models import StoreView
from domain.stores.store import Store

__all__ = ["InMemoryStoreQueries"]


def _view(store: Store) -> StoreView:
    assert store.id is not None
    return StoreView(store.id, store.slug, store.name, store.is_active, store.created_at)


class InMemoryStoreQueries(InMemoryQueries, StoreQueries):
    async def get_by_slug(self, slug: str) -> StoreView | None:
        found = next((s for s in self._store.rows(Store).values() if s.slug == slug), None)
        return None if found is None else _view(found)

    async def list(self) -> Sequence[StoreView]:
        return [_view(store) for _, store in sorted(self._store.rows(Store).items())]
