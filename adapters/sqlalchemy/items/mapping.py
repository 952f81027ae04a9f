"""The items context's mapping: `Item` onto `items`, columns only.

`version_id_col` without a generator: the domain bumps `Item.version` itself (every change
does), and the ORM guards every UPDATE of an item row with the version it loaded, so that a
write over a row that moved on is refused (`StaleVersion`) even without the row lock.
"""

from __future__ import annotations

from sqlalchemy.orm import registry

from adapters.sqlalchemy.items.tables import items
from adapters.sqlalchemy.mappers import context_mapping
from domain.items.item import Item

__all__ = ["map_items"]


@context_mapping
def map_items(mappers: registry) -> None:
    mappers.map_imperatively(
        Item, items, version_id_col=items.c.version, version_id_generator=False
    )
