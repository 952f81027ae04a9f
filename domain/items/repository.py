"""The port through which items are stored and found."""

from __future__ import annotations

import abc

from domain.items.item import Item

__all__ = ["ItemRepository"]


class ItemRepository(abc.ABC):
    @abc.abstractmethod
    async def add(self, item: Item) -> None:
        """Store a new item and give it its id."""

    @abc.abstractmethod
    async def get(self, item_id: int, *, for_update: bool = False) -> Item | None:
        """The item; with `for_update`, its row is locked until the unit of work ends, so
        that two requests changing one item are applied one after the other."""

    @abc.abstractmethod
    async def delete(self, item: Item) -> None: ...
