"""The in-memory unit of work: a real transaction over `InMemoryStore`.

It behaves like the SQL unit of work on SQLite with BEGIN IMMEDIATE: one writer at a time
(the store's lock is held from `__aenter__` to `__aexit__`), private copies until `commit`,
everything discarded when the block is left without it, and savepoints that undo only their
own part. Its repositories are those the `UnitOfWork` port declares (`users: UserRepository`),
each built from the one in-memory repository registered for its port.
"""

from __future__ import annotations

import functools
import typing
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from adapters.memory.idempotency import InMemoryIdempotencyStore
from adapters.memory.registry import repository_for
from adapters.memory.repository import InMemoryRepository
from adapters.memory.store import InMemoryStore
from adapters.memory.transaction import Transaction
from application.shared.events import EventBus
from application.shared.unit_of_work import UnitOfWork

__all__ = ["InMemoryUnitOfWork"]

# Not a repository of records: its entries are keyed by scope and key and written with the
# commit, so the unit of work wires it by hand below.
_WIRED_BY_HAND = frozenset({"idempotency"})


@functools.cache
def _repositories() -> dict[str, type[InMemoryRepository]]:
    """For each `name: Port` the `UnitOfWork` port declares, the repository implementing it.

    Read once: the annotations of a class do not change.
    """
    declared = typing.get_type_hints(UnitOfWork)
    return {
        name: repository_for(port) for name, port in declared.items() if name not in _WIRED_BY_HAND
    }


class InMemoryUnitOfWork(UnitOfWork):
    def __init__(self, store: InMemoryStore, bus: EventBus | None = None) -> None:
        self.store = store
        if bus is not None:
            self.bus = bus
        self._current: Transaction | None = None
        for name, repository in _repositories().items():
            setattr(self, name, repository(self.transaction))
        self._keys = InMemoryIdempotencyStore(store, self.transaction)
        self.idempotency = self._keys

    def transaction(self) -> Transaction:
        """The transaction in progress; repositories work only inside `async with uow:`."""
        if self._current is None:
            raise RuntimeError("the unit of work is not in progress: use `async with uow:`")
        return self._current

    async def _begin(self) -> None:
        if self._current is not None:
            # Entering twice would wait forever on the lock this unit already holds.
            raise RuntimeError("this unit of work is already in progress")
        await self.store.write_lock.acquire()
        self._current = Transaction(self.store)

    async def _end(self) -> None:
        if self._current is None:
            return
        self._current = None  # whatever was not committed is dropped with it
        self._keys.discard()
        self.store.write_lock.release()

    async def _commit(self) -> None:
        self.transaction().commit()
        self._keys.write_back()

    async def _rollback(self) -> None:
        self.transaction()
        self._current = Transaction(self.store)
        self._keys.discard()

    def fresh(self) -> UnitOfWork:
        return InMemoryUnitOfWork(self.store, self.bus)

    def savepoint(self) -> AbstractAsyncContextManager[None]:
        return self._savepoint()

    @asynccontextmanager
    async def _savepoint(self) -> AsyncIterator[None]:
        transaction = self.transaction()
        snapshot = transaction.snapshot()
        try:
            yield
        except BaseException:
            transaction.restore(snapshot)
            raise
