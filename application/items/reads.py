"""The items as a caller may see them: a customer, their own; an admin, all of the store.

Another user's item is `NotFound`, exactly like an item that does not exist, and a list a
customer asks for is narrowed to their own items.
"""

from __future__ import annotations

from dataclasses import dataclass

from application.items.queries import ItemQueries
from application.items.read_models import ItemView
from application.shared.access import Principal
from application.shared.listing import ListQuery, Page
from domain.shared.errors import NotFound

__all__ = ["ItemReads"]


@dataclass(frozen=True)
class ItemReads:
    items: ItemQueries

    async def get(self, actor: Principal, item_id: int) -> ItemView:
        item = await self.items.get(item_id)
        if item is None:
            raise NotFound("item", item_id)
        actor.visible(item.owner_id, "item", item_id)
        return item

    async def list(self, actor: Principal, query: ListQuery) -> Page[ItemView]:
        """Every item of the store for an admin (`owner_id` filters them); a customer's own
        otherwise."""
        if not actor.is_admin:
            query = query.narrowed("owner_id", actor.acting_user())
        return await self.items.list(query)
