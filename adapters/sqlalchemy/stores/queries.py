"""The stores read side in SQL: the one query adapter that belongs to no store."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy.errors import storage_errors
from adapters.sqlalchemy.read_side import AnyRow
from adapters.sqlalchemy.stores.tables import stores
from application.stores.queries import StoreQueries
from application.stores.read_models import StoreView

__all__ = ["SqlAlchemyStoreQueries"]

_COLUMNS = (stores.c.id, stores.c.slug, stores.c.name, stores.c.is_active, stores.c.created_at)
_BY_SLUG = select(*_COLUMNS).where(stores.c.slug == bindparam("slug"))


def _view(row: AnyRow) -> StoreView:
    return StoreView(
        id=row.id,
        slug=row.slug,
        name=row.name,
        is_active=bool(row.is_active),
        created_at=row.created_at,
    )


class SqlAlchemyStoreQueries(StoreQueries):
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def get_by_slug(self, slug: str) -> StoreView | None:
        async with storage_errors(), self._engine.connect() as connection:
            row = (await connection.execute(_BY_SLUG, {"slug": slug})).first()
        return None if row is None else _view(row)

    async def list(self) -> Sequence[StoreView]:
        async with storage_errors(), self._engine.connect() as connection:
            rows = await connection.execute(select(*_COLUMNS).order_by(stores.c.id))
        return [_view(row) for row in rows]
