"""The items read side: the port and the whitelist of its list."""

from __future__ import annotations

import abc

from application.items.read_models import ItemView
from application.shared.listing import FieldKind, FieldSpec, ListQuery, ListSchema, Page

__all__ = ["ITEM_LIST", "ItemQueries"]

ITEM_LIST = ListSchema(
    fields={
        "id": FieldSpec(FieldKind.INT),
        "name": FieldSpec(FieldKind.TEXT),
        "price": FieldSpec(FieldKind.DECIMAL),
        "owner_id": FieldSpec(FieldKind.INT),
        "created_at": FieldSpec(FieldKind.DATETIME),
        "updated_at": FieldSpec(FieldKind.DATETIME),
    },
)


class ItemQueries(abc.ABC):
    @abc.abstractmethod
    async def get(self, item_id: int) -> ItemView | None: ...

    @abc.abstractmethod
    async def list(self, query: ListQuery) -> Page[ItemView]:
        """Items, by id unless sorted otherwise; a user's are this list filtered on
        `owner_id`."""
