"""The in-memory idempotency records: written with the unit of work's commit, or not at all.

The store's writer lock already holds every other unit of work off while one is in
progress, so a key is never claimed by two at once: a retry waits for the first request's
unit of work to end and then finds its record (or none, if it rolled back).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from adapters.memory.store import InMemoryStore
from adapters.memory.transaction import Transaction
from application.shared.idempotency.store import IdempotencyRecord, IdempotencyStore, StoredOutcome

__all__ = ["InMemoryIdempotencyStore"]


class InMemoryIdempotencyStore(IdempotencyStore):
    def __init__(self, store: InMemoryStore, transaction: Callable[[], Transaction]) -> None:
        self._store = store
        self._transaction = transaction
        # Records of the unit of work in progress, kept apart until it commits.
        self._pending: dict[tuple[str, str], IdempotencyRecord] = {}

    async def claim(self, scope: str, key: str) -> IdempotencyRecord | None:
        self._transaction()  # only inside `async with uow:`, like every repository
        found = self._pending.get((scope, key))
        return found if found is not None else self._store.idempotency_keys.get((scope, key))

    async def complete(
        self,
        scope: str,
        key: str,
        fingerprint: str,
        now: datetime,
        expires_at: datetime,
        render: Callable[[], StoredOutcome],
    ) -> None:
        transaction = self._transaction()
        # Ids of inner parts (order items, payments) are otherwise given at commit; the answer
        # rendered now needs them.
        transaction.number_parts()
        self._pending[(scope, key)] = IdempotencyRecord(fingerprint, render(), expires_at)

    def write_back(self) -> None:
        """Called by the unit of work once its entities are committed."""
        self._store.idempotency_keys.update(self._pending)
        self._pending.clear()

    def discard(self) -> None:
        self._pending.clear()
