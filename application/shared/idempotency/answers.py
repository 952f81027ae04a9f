"""What a use case a client may retry answers, and the collaborator that keeps the answers.

`IdempotencyKeys` is called by the use case, inside its own transaction, at two points:
`replay` before doing anything (an answered key gives back the stored answer) and `record`
just before the commit (the answer is stored with the effect). Without a key both do nothing,
so the use case reads the same either way.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, fields, is_dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any, Final, Generic, TypeVar

from application.shared.idempotency.request import IdempotentRequest
from application.shared.idempotency.store import IdempotencyStore, StoredOutcome

__all__ = ["DEFAULT_TTL", "Answer", "IdempotencyKeys", "to_json"]

DEFAULT_TTL: Final = timedelta(days=1)

V = TypeVar("V")


def _plain(value: object) -> object:
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Enum):
        return _plain(value.value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def to_json(view: object) -> str:
    """A read model as JSON text: exact decimals as strings, timestamps in ISO 8601."""
    return json.dumps(_plain(view), separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True, slots=True)
class Answer(Generic[V]):
    """A use case's result as JSON, fresh or replayed.

    A fresh answer and its replays carry the same `body`, so they render the same bytes.
    `view` is the read model itself, on a fresh answer only (a replay has just the JSON)."""

    body: str
    replayed: bool = False
    status_code: int | None = None  # the stored status, on a replay
    view: V | None = None

    @classmethod
    def fresh(cls, view: V) -> Answer[V]:
        return cls(to_json(view), view=view)

    @classmethod
    def replay(cls, stored: StoredOutcome) -> Answer[V]:
        return cls(stored.body, replayed=True, status_code=stored.status_code)

    @property
    def result(self) -> V:
        """The read model of a fresh answer."""
        if self.view is None:
            raise ValueError("a replayed answer carries its JSON only")
        return self.view


@dataclass(frozen=True, slots=True)
class IdempotencyKeys:
    """The keys of one operation (`scope`), and how long their answers serve retries."""

    scope: str
    ttl: timedelta = DEFAULT_TTL

    async def replay(
        self, store: IdempotencyStore, request: IdempotentRequest | None, now: datetime
    ) -> Answer[Any] | None:
        """The stored answer when this request was answered before; None to execute it.

        Also holds the key for the rest of the transaction (see `IdempotencyStore.begin`)."""
        if request is None:
            return None
        stored = await store.begin(self.scope, request.key, request.fingerprint, now)
        return None if stored is None else Answer.replay(stored)

    async def record(
        self,
        store: IdempotencyStore,
        request: IdempotentRequest | None,
        now: datetime,
        view: Callable[[], object],
    ) -> None:
        """Store the answer (`view()` as JSON) in this transaction; nothing without a key."""
        if request is None:
            return
        await store.complete(
            self.scope,
            request.key,
            request.fingerprint,
            now,
            now + self.ttl,
            lambda: StoredOutcome(request.status_code, to_json(view())),
        )
