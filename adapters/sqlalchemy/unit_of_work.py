"""The unit of work over SQLAlchemy: one fresh `AsyncSession` per `async with uow:`.

    async with uow:              # _begin: a new session (no connection yet)
        await uow.products...    # first statement: connection, BEGIN (IMMEDIATE on SQLite)
        await uow.commit()       # flush + COMMIT; storage errors arrive translated
                                 # _end: roll back whatever is left, close the session

Nothing commits implicitly. A session is never shared between two blocks, so a unit of work
object may be entered again after it exits, but not while it is in progress.

The repositories are the ones the port declares (`users: UserRepository`, ...): for each, the
SQL repository that implements that port (`implementation_of`), made once per unit of work
over its current session. A context that adds a repository to the port adds its class and
nothing here. The idempotency store is not one of the domain's repositories; it is wired by
hand.

Two special paths bypass the ORM's usual flush inside this unit of work, each in a module of
its own and each kept for a measured reason: `core_inserts.py` (a new order, its items and
its notification as prepared Core INSERTs: +15.3 % req/s on POST /orders/) and
`catalog/product_writes.py`, hooked on the session factory's flush (every changed product in
one guarded UPDATE: 10 statements per order of 1 or 30 lines, where the ORM sends 39 for 30).
The read side has one more, outside any unit of work: `read_side.py`'s prepared driver
statements.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from functools import cache
from typing import get_type_hints

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.sqlalchemy.errors import storage_errors
from adapters.sqlalchemy.idempotency import SqlAlchemyIdempotencyStore
from adapters.sqlalchemy.mappers import start_mappers
from adapters.sqlalchemy.repository import SqlAlchemyRepository, implementation_of
from adapters.sqlalchemy.tenancy import install_store_scoping, scope_session
from application.shared.events import EventBus
from application.shared.unit_of_work import UnitOfWork

__all__ = ["SqlAlchemyUnitOfWork"]

log = logging.getLogger(__name__)

# Declared by the port but not a repository of the domain: set by the unit of work itself.
_WIRED_BY_HAND = frozenset({"idempotency"})


@cache
def _repositories() -> tuple[tuple[str, type[SqlAlchemyRepository]], ...]:
    """Each repository `UnitOfWork` declares, with the SQL class that implements its port."""
    declared = get_type_hints(UnitOfWork)
    return tuple(
        (name, implementation_of(port))
        for name, port in declared.items()
        if name not in _WIRED_BY_HAND
    )


class SqlAlchemyUnitOfWork(UnitOfWork):
    """A unit of work in one store: every statement of its sessions keeps to `store_id`
    (adapters/sqlalchemy/tenancy.py)."""

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        store_id: int,
        bus: EventBus | None = None,
    ) -> None:
        start_mappers()
        install_store_scoping()
        self._session_factory = session_factory
        self.store_id = store_id
        if bus is not None:
            self.bus = bus
        self._current: AsyncSession | None = None
        for name, repository in _repositories():
            setattr(self, name, repository(self.session))
        self.idempotency = SqlAlchemyIdempotencyStore(self.session)

    def session(self) -> AsyncSession:
        """The session in progress; repositories work only inside `async with uow:`."""
        if self._current is None:
            raise RuntimeError("the unit of work is not in progress: use `async with uow:`")
        return self._current

    async def _begin(self) -> None:
        if self._current is not None:
            raise RuntimeError("this unit of work is already in progress")
        self._current = self._session_factory()
        scope_session(self._current.sync_session, self.store_id)

    async def _end(self) -> None:
        session, self._current = self._current, None
        if session is None:
            return
        try:
            # close() rolls back what was not committed and returns the connection.
            await session.close()
        except (SQLAlchemyError, OSError):
            # The outcome is already decided (committed, or about to be reported); a
            # connection that broke while being returned is the pool's to discard.
            log.warning("closing a storage session failed", exc_info=True)

    async def _commit(self) -> None:
        async with storage_errors():
            await self.session().commit()

    async def _rollback(self) -> None:
        async with storage_errors():
            await self.session().rollback()

    def fresh(self) -> UnitOfWork:
        return SqlAlchemyUnitOfWork(self._session_factory, self.store_id, self.bus)

    def savepoint(self) -> AbstractAsyncContextManager[None]:
        return self._savepoint()

    @asynccontextmanager
    async def _savepoint(self) -> AsyncIterator[None]:
        session = self.session()
        async with storage_errors():
            nested = await session.begin_nested()
        try:
            yield
        except BaseException:
            # Also after a failed flush inside it, which leaves it inactive but not closed.
            async with storage_errors():
                await nested.rollback()
            raise
        async with storage_errors():
            await nested.commit()
