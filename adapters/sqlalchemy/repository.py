"""The base of every SQL repository, and how the unit of work finds the one for a port.

A repository works on the unit of work's current session, which it asks for on every call
(`SessionSource`): the unit of work makes the repositories once and a new session per
`async with`. Repositories never commit. `_add` flushes at once, so an entity has its id when
`add` returns (use cases put ids into messages and notifications). Every database error leaves
a repository as a domain or application error (`storage_errors`).

Finding by port: a context's repository names its port among its bases,

    class SqlAlchemyReviewRepository(SqlAlchemyRepository, ReviewRepository): ...

and `implementation_of(ReviewRepository)` finds it among the subclasses of
`SqlAlchemyRepository` (the package imports every context, so every one is defined by then).
A subclass of an implementation (a test's instrumented copy, say) does not name the port
itself and is not a second implementation.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession

from adapters.sqlalchemy.errors import storage_errors

__all__ = ["SessionSource", "SqlAlchemyRepository", "implementation_of"]

SessionSource = Callable[[], AsyncSession]
"""Gives the unit of work's current session, or raises outside `async with uow:`."""


class SqlAlchemyRepository:
    def __init__(self, session: SessionSource) -> None:
        self._session_source = session

    @property
    def _session(self) -> AsyncSession:
        return self._session_source()

    async def _add(self, *entities: object) -> None:
        session = self._session
        async with storage_errors():
            session.add_all(entities)
            await session.flush()


def _subclasses(cls: type[SqlAlchemyRepository]) -> list[type[SqlAlchemyRepository]]:
    found: list[type[SqlAlchemyRepository]] = []
    for subclass in cls.__subclasses__():
        found.append(subclass)
        found.extend(_subclasses(subclass))
    return found


def implementation_of(port: type) -> type[SqlAlchemyRepository]:
    """The one concrete SQL repository that names `port` among its bases."""
    found = [
        cls
        for cls in _subclasses(SqlAlchemyRepository)
        if port in cls.__bases__ and not inspect.isabstract(cls)
    ]
    if len(found) != 1:
        names = ", ".join(cls.__qualname__ for cls in found) or "none"
        raise LookupError(
            f"{port.__qualname__} needs exactly one SqlAlchemyRepository subclass naming it "
            f"among its bases; found {names}"
        )
    return found[0]
