"""`StoreRepository` over the unit of work's session. The stores table has no `store_id`, so
no store's criterion applies to it: every unit of work sees every store."""

from __future__ import annotations

from sqlalchemy import select

from adapters.sqlalchemy.errors import storage_errors
from adapters.sqlalchemy.repository import SqlAlchemyRepository
from adapters.sqlalchemy.stores.tables import stores
from domain.stores.repository import StoreRepository
from domain.stores.store import Store

__all__ = ["SqlAlchemyStoreRepository"]


class SqlAlchemyStoreRepository(SqlAlchemyRepository, StoreRepository):
    async def add(self, store: Store) -> None:
        await self._add(store)

    async def get_by_slug(self, slug: str) -> Store | None:
        async with storage_errors():
            result = await self._session.execute(select(Store).where(stores.c.slug == slug))
            return result.scalars().first()
