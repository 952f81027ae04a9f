"""The base of every in-memory repository: it works inside one `Transaction` and registers itself.

    class InMemoryUserRepository(InMemoryRepository, UserRepository):
        kind = RecordKind(User, "user", unique=(UniqueRule("email", lambda u: u.email),))

Defining such a class registers it as the in-memory implementation of the port among its
bases (`UserRepository`), and its `kind` as a record kind of the store. Every entity a
repository returns is the transaction's private copy; every write stays in the transaction
until its unit of work commits.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from adapters.memory.kinds import RecordKind
from adapters.memory.registry import register
from adapters.memory.transaction import Transaction

__all__ = ["InMemoryRepository", "TransactionSource"]

TransactionSource = Callable[[], Transaction]
"""Gives the unit of work's current transaction, or raises outside `async with uow:`."""


class InMemoryRepository:
    kind: ClassVar[RecordKind[Any] | None] = None
    """The records this repository stores; declared once, here, for the whole adapter."""

    def __init__(self, transaction: TransactionSource) -> None:
        self._transaction = transaction

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # The bases that are not in-memory repositories are the ports this class implements.
        # A subclass of a registered repository (a test's failing variant) names no port
        # and declares no kind of its own, so it registers nothing.
        ports = [base for base in cls.__bases__ if not issubclass(base, InMemoryRepository)]
        register(cls, ports, cls.__dict__.get("kind"))

    @property
    def _tx(self) -> Transaction:
        return self._transaction()
