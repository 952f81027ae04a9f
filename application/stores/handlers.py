"""The store use cases: the operator opens and deactivates stores (`storefront stores`)."""

from __future__ import annotations

from dataclasses import dataclass

from application.shared.ports import Clock
from application.shared.retry import retried_on_contention
from application.shared.unit_of_work import UnitOfWork
from application.stores.commands import DeactivateStore, OpenStore
from domain.shared.errors import NotFound
from domain.stores.store import Store

__all__ = ["DeactivateStoreHandler", "OpenStoreHandler"]


@dataclass(frozen=True)
class OpenStoreHandler:
    uow: UnitOfWork
    clock: Clock

    @retried_on_contention
    async def __call__(self, command: OpenStore) -> Store:
        store = Store.open(slug=command.slug, name=command.name, now=self.clock.now())
        async with self.uow as uow:
            await uow.stores.add(store)
            await uow.commit()
        return store


@dataclass(frozen=True)
class DeactivateStoreHandler:
    """Its data stays; it answers no request (404) until the operator opens it again."""

    uow: UnitOfWork

    @retried_on_contention
    async def __call__(self, command: DeactivateStore) -> Store:
        async with self.uow as uow:
            store = await uow.stores.get_by_slug(command.slug)
            if store is None:
                raise NotFound("store", command.slug, by="slug")
            store.deactivate()
            await uow.commit()
        return store
