"""The items read side in SQL."""

from __future__ import annotations

from sqlalchemy import select

from adapters.sqlalchemy.items import tables
from adapters.sqlalchemy.list_queries import ListCompiler, fetch_page
from adapters.sqlalchemy.read_side import AnyRow, ReadSide
from adapters.sqlalchemy.tenancy import scoped
from application.items.queries import ITEM_LIST, ItemQueries
from application.items.read_models import ItemView
from application.shared.listing import ListQuery, Page

__all__ = ["SqlAlchemyItemQueries"]

# The store's rows only (adapters/sqlalchemy/tenancy.py): every read below selects from these.
items = scoped(tables.items)

_COLUMNS = (
    items.c.id,
    items.c.name,
    items.c.description,
    items.c.price,
    items.c.owner_id,
    items.c.version,
    items.c.created_at,
    items.c.updated_at,
)
_LIST = ListCompiler(ITEM_LIST, items, {name: items.c[name] for name in ITEM_LIST.fields})


def _view(row: AnyRow) -> ItemView:
    return ItemView(
        id=row.id,
        name=row.name,
        description=row.description,
        price=row.price,
        owner_id=row.owner_id,
        version=row.version,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


class SqlAlchemyItemQueries(ReadSide, ItemQueries):
    async def get(self, item_id: int) -> ItemView | None:
        async with self._connection() as connection:
            row = (await connection.execute(select(*_COLUMNS).where(items.c.id == item_id))).first()
        return None if row is None else _view(row)

    async def list(self, query: ListQuery) -> Page[ItemView]:
        async with self._connection() as connection:
            rows, total = await fetch_page(connection, _LIST, _COLUMNS, query)
        return Page([_view(row) for row in rows], total, query.page.page, query.page.page_size)
