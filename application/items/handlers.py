"""The items use cases.

Each one is a callable whose body is its whole transaction (see application/ordering/
handlers.py). Who may: anyone signed in creates items, owned by themself; only the owner or an
admin edits, deletes or transfers one, and to anyone else another user's item is `NotFound`.

A transfer locks the item's row and compares the version the client read: of two transfers
of one item holding the same version, the second to take the lock finds it moved on and is
refused (`StaleVersion`, a 409), so an item never has two owners, nor none. The new owner is
told after the commit (`ItemTransferred`, application/subscriptions.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from application.items.commands import CreateItem, DeleteItem, TransferItem, UpdateItem
from application.shared.access import Principal
from application.shared.ports import Clock
from application.shared.retry import retried_on_contention
from application.shared.unit_of_work import UnitOfWork
from domain.items.item import Item
from domain.shared.errors import Inactive, NotFound

__all__ = ["CreateItemHandler", "DeleteItemHandler", "TransferItemHandler", "UpdateItemHandler"]


async def _item(uow: UnitOfWork, actor: Principal, item_id: int) -> Item:
    """The item, locked for this transaction, if the caller may act on it."""
    item = await uow.items.get(item_id, for_update=True)
    if item is None:
        raise NotFound("item", item_id)
    actor.visible(item.owner_id, "item", item_id)
    return item


@dataclass(frozen=True)
class CreateItemHandler:
    uow: UnitOfWork
    clock: Clock

    @retried_on_contention
    async def __call__(self, actor: Principal, command: CreateItem) -> Item:
        item = Item.create(
            name=command.name,
            owner_id=actor.acting_user(),
            price=command.price,
            description=command.description,
            now=self.clock.now(),
        )
        async with self.uow as uow:
            await uow.items.add(item)
            await uow.commit()
        return item


@dataclass(frozen=True)
class UpdateItemHandler:
    uow: UnitOfWork
    clock: Clock

    @retried_on_contention
    async def __call__(self, actor: Principal, command: UpdateItem) -> Item:
        async with self.uow as uow:
            item = await _item(uow, actor, command.item_id)
            item.check_version(command.version)
            item.revise(
                self.clock.now(),
                name=command.name,
                description=command.description,
                price=command.price,
            )
            await uow.commit()
        return item


@dataclass(frozen=True)
class DeleteItemHandler:
    uow: UnitOfWork

    @retried_on_contention
    async def __call__(self, actor: Principal, command: DeleteItem) -> None:
        async with self.uow as uow:
            await uow.items.delete(await _item(uow, actor, command.item_id))
            await uow.commit()


@dataclass(frozen=True)
class TransferItemHandler:
    """Hand an item to another active user of the store: an unknown user (or one of another
    store) is `NotFound`, an inactive one `Inactive`, its owner `InvalidValue`."""

    uow: UnitOfWork
    clock: Clock

    @retried_on_contention
    async def __call__(self, actor: Principal, command: TransferItem) -> Item:
        async with self.uow as uow:
            item = await _item(uow, actor, command.item_id)
            item.check_version(command.version)
            if command.new_owner_id != item.owner_id:
                active = await uow.users.is_active(command.new_owner_id)
                if active is None:
                    raise NotFound("user", command.new_owner_id)
                if not active:
                    raise Inactive(f"user {command.new_owner_id} is not active")
            uow.record(item.transfer_to(command.new_owner_id, self.clock.now()))
            await uow.commit()
        return item
