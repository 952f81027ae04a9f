"""The unit-of-work port: one transaction in one store, the repositories that work inside it.

A unit of work is made for a store, and everything its repositories read and write keeps to
that store (the adapters see to it); the repositories and the use cases are written as if
there were one store. `stores` is the exception: stores belong to none.

    async with uow:
        product = await uow.products.get(product_id)
        ...
        await uow.commit()      # explicit; leaving the block without it rolls back

A UoW may be entered again after it exits; each entry is a fresh transaction.
"""

from __future__ import annotations

import abc
from contextlib import AbstractAsyncContextManager
from types import TracebackType
from typing import Self

from application.shared.idempotency.store import IdempotencyStore
from domain.catalog.repository import CategoryRepository, ProductRepository
from domain.identity.repository import (
    LoginThrottleRepository,
    RefreshTokenRepository,
    UserRepository,
)
from domain.notifications.repository import NotificationRepository
from domain.ordering.repository import OrderRepository
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
    wallets: WalletRepository
    transfers: TransferRepository
    credit_grants: CreditGrantRepository

    async def __aenter__(self) -> Self:
        await self._begin()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._end()

    @abc.abstractmethod
    async def _begin(self) -> None:
        """Start a transaction (for writes: take the write lock where the engine needs it)."""

    @abc.abstractmethod
    async def _end(self) -> None:
        """Roll back whatever was not committed and release the transaction's resources."""

    @abc.abstractmethod
    async def commit(self) -> None:
        """Make every change of this unit durable and visible, or raise and change nothing."""

    @abc.abstractmethod
    async def rollback(self) -> None: ...

    @abc.abstractmethod
    def savepoint(self) -> AbstractAsyncContextManager[None]:
        """A nested transaction: an error inside it undoes only what was done inside it
        (and propagates); the outer unit stays usable."""
