"""The records of answered idempotency keys: the port, and what it stores.

`begin` holds the key for the transaction it runs in: a second request with the key while
the first is still running gets `RequestInProgress` (PostgreSQL: a transaction-scoped advisory
lock), or waits for it where writers are serialized anyway (SQLite's BEGIN IMMEDIATE, the
in-memory store's writer lock) and then finds its record. The same key with another request
(another fingerprint) is `KeyReused`. Records past their expiry count as absent and are
replaced. A failed request stores nothing: its transaction rolled back, so a retry runs it
again.
"""

from __future__ import annotations

import abc
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from application.shared.idempotency.request import KEY_FIELD
from domain.shared.errors import InvalidValue

__all__ = ["IdempotencyRecord", "IdempotencyStore", "KeyReused", "StoredOutcome"]


class KeyReused(InvalidValue):
    """The key was already used for a different request."""

    def __init__(self) -> None:
        super().__init__(KEY_FIELD, "already used for a different request; use a new key")


@dataclass(frozen=True, slots=True)
class StoredOutcome:
    status_code: int
    body: str  # the answer's JSON text


@dataclass(frozen=True, slots=True)
class IdempotencyRecord:
    fingerprint: str
    outcome: StoredOutcome
    expires_at: datetime


class IdempotencyStore(abc.ABC):
    """The records of answered keys; works inside the unit of work it belongs to."""

    async def begin(
        self, scope: str, key: str, fingerprint: str, now: datetime
    ) -> StoredOutcome | None:
        """The stored answer to replay, or None when the request is to be executed.

        Raises RequestInProgress when another transaction holds the key, KeyReused when the
        live record belongs to another request."""
        record = await self.claim(scope, key)
        if record is None or record.expires_at <= now:
            return None
        if record.fingerprint != fingerprint:
            raise KeyReused
        return record.outcome

    @abc.abstractmethod
    async def claim(self, scope: str, key: str) -> IdempotencyRecord | None:
        """Hold (scope, key) until this transaction ends, then read its record, if any.

        Raises RequestInProgress when another transaction holds it."""

    @abc.abstractmethod
    async def complete(
        self,
        scope: str,
        key: str,
        fingerprint: str,
        now: datetime,
        expires_at: datetime,
        render: Callable[[], StoredOutcome],
    ) -> None:
        """Record the answer in this transaction, replacing an expired record of the key.

        `render` is called once storage has given ids to everything this transaction added,
        so the stored answer carries them."""
