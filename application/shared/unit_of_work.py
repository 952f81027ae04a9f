"""The unit-of-work port: one transaction in one store, the repositories that work inside it.

A unit of work is made for a store, and everything its repositories read and write keeps to
that store (the adapters see to it); the repositories and the use cases are written as if
there were one store. `stores` is the exception: stores belong to none.

    async with uow:
        product = await uow.products.get(product_id)
        ...
        await uow.commit()      # explicit; leaving the block without it rolls back

A UoW may be entered again after it exits; each entry is a fresh transaction.

A use case records what happened for after the commit with `uow.record(event)`; once the block
is left, the events of a committed transaction go to the unit of work's `EventBus`, whose
handlers run each in a unit of work of its own (application/shared/events.py). Events of a
transaction that did not commit are dropped with it.
"""

from __future__ import annotations

import abc
from contextlib import AbstractAsyncContextManager
from types import TracebackType
from typing import Self

from application.shared.events import EventBus
from application.shared.idempotency.store import IdempotencyStore
from domain.catalog.repository import CategoryRepository, ProductRepository
from domain.content.repository import PostRepository, TagRepository
from domain.identity.repository import (
    LoginThrottleRepository,
    RefreshTokenRepository,
    UserRepository,
)
from domain.items.repository import ItemRepository
from domain.notifications.repository import NotificationRepository
from domain.ordering.repository import OrderRepository
from domain.shared.events import Event
from domain.stores.repository import StoreRepository
from domain.wallet.repository import (
    CreditGrantRepository,
    TransferRepository,
    WalletRepository,
)

__all__ = ["UnitOfWork"]


class UnitOfWork(abc.ABC):
    users: UserRepository
    refresh_tokens: RefreshTokenRepository
    login_throttles: LoginThrottleRepository
    categories: CategoryRepository
    products: ProductRepository
    orders: OrderRepository
    notifications: NotificationRepository
    stores: StoreRepository
    idempotency: IdempotencyStore
    posts: PostRepository
    tags: TagRepository
    items: ItemRepository
    wallets: WalletRepository
    transfers: TransferRepository
    credit_grants: CreditGrantRepository
    # Only the repositories are annotated here: the adapters build one for each annotation.
    # Who handles the events this unit records; the composition root gives every unit the
    # app's bus (a unit made without one drops its events after the commit).
    bus = EventBus()

    async def __aenter__(self) -> Self:
        await self._begin()
        self._recorded: list[Event] = []  # since the last commit or rollback
        self._committed: list[Event] = []  # for the bus, once the block is left
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._end()
        committed, self._committed, self._recorded = self._committed, [], []
        if committed:
            # The business transaction is over (its session closed, its locks released):
            # each handler works in a transaction of its own.
            await self.bus.publish(committed, self.fresh)

    def record(self, event: Event) -> None:
        """Keep `event` for after the commit: its handlers run once this unit's transaction
        has committed and ended, and never if it does not commit."""
        self._recorded.append(event)

    async def commit(self) -> None:
        """Make every change of this unit durable and visible, or raise and change nothing."""
        await self._commit()
        self._committed.extend(self._recorded)
        self._recorded.clear()

    @abc.abstractmethod
    def fresh(self) -> UnitOfWork:
        """A new unit of work over the same storage, store and bus, not yet entered."""

    @abc.abstractmethod
    async def _begin(self) -> None:
        """Start a transaction (for writes: take the write lock where the engine needs it)."""

    @abc.abstractmethod
    async def _end(self) -> None:
        """Roll back whatever was not committed and release the transaction's resources."""

    @abc.abstractmethod
    async def _commit(self) -> None:
        """Commit the transaction (see `commit`)."""

    async def rollback(self) -> None:
        """Undo every change not yet committed, and forget the events recorded since."""
        await self._rollback()
        self._recorded.clear()

    @abc.abstractmethod
    async def _rollback(self) -> None: ...

    @abc.abstractmethod
    def savepoint(self) -> AbstractAsyncContextManager[None]:
        """A nested transaction: an error inside it undoes only what was done inside it
        (and propagates); the outer unit stays usable."""
