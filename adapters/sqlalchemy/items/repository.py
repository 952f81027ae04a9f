"""`ItemRepository` over the unit of work's session. `get(for_update=True)` locks the row
(`SELECT ... FOR UPDATE` on PostgreSQL; SQLite's write transactions hold the database)."""

from __future__ import annotations

from sqlalchemy import select

from adapters.sqlalchemy.errors import storage_errors
from adapters.sqlalchemy.items.tables import items
from adapters.sqlalchemy.repository import SqlAlchemyRepository
from domain.items.item import Item
from domain.items.repository import ItemRepository

__all__ = ["SqlAlchemyItemRepository"]


class SqlAlchemyItemRepository(SqlAlchemyRepository, ItemRepository):
    async def add(self, item: Item) -> None:
        await self._add(item)

    async def get(self, item_id: int, *, for_update: bool = False) -> Item | None:
        statement = (
            select(Item).where(items.c.id == item_id).execution_options(populate_existing=True)
        )
        if for_update:
            statement = statement.with_for_update()
        async with storage_errors():
            return (await self._session.execute(statement)).scalars().first()

    async def delete(self, item: Item) -> None:
        session = self._session
        async with storage_errors():
            await session.delete(item)
            await session.flush()
