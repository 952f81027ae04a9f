"""Idempotency keys: a retried request is answered again, never executed twice.

A client that sends an `Idempotency-Key` with a write may send it again (after a timeout, a
dropped connection) and get the first answer back. The key's record is written in the same
transaction as the effect it guards, so either both exist or neither does:

    async with uow:
        stored = await uow.idempotency.begin(scope, key, fingerprint, now)
        if stored is not None:          # done before: answer it again, change nothing
            return replay(stored)
        result = ...                    # the use case itself
        await uow.idempotency.complete(scope, key, fingerprint, now, expires_at, render)
        await uow.commit()              # the effect and its record, or neither

`begin` also holds the key for this transaction: a second request with the key while the
first is still running gets `RequestInProgress` (PostgreSQL: a transaction-scoped advisory
lock), or waits for it where writers are serialized anyway (SQLite's BEGIN IMMEDIATE, the
in-memory store's writer lock) and then finds its record. The same key with another request
(another fingerprint) is `KeyReused`. Records past their expiry count as absent and are
overwritten. A failed request stores nothing: its transaction rolled back, so a retry runs it
again.

Scope: the operation's name. Once requests carry a client identity, it belongs in the scope
too (`f"{operation}:{client}"`), so that two clients can never see each other's answers.
"""

from __future__ import annotations

import abc
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, fields, is_dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, ClassVar, Final, Generic, Protocol, TypeVar

from application.shared.handler import Handler
from domain.shared.errors import InvalidValue

if TYPE_CHECKING:
    from application.shared.ports import Clock
    from application.shared.unit_of_work import UnitOfWork

__all__ = [
    "DEFAULT_TTL",
    "KEY_FIELD",
    "Answer",
    "IdempotencyRecord",
    "IdempotencyStore",
    "IdempotentHandler",
    "IdempotentRequest",
    "KeyReused",
    "StoredOutcome",
    "request_fingerprint",
    "to_json",
]

DEFAULT_TTL: Final = timedelta(days=1)
# The input that carries the key, named as the client sends it.
KEY_FIELD: Final = "Idempotency-Key"
MAX_KEY_LENGTH: Final = 255
# Printable ASCII; no surrounding blanks, which HTTP would strip on the way.
_KEY = re.compile(r"[!-~](?:[ -~]{0,253}[!-~])?")


class KeyReused(InvalidValue):
    """The key was already used for a different request."""

    def __init__(self) -> None:
        super().__init__(KEY_FIELD, "already used for a different request; use a new key")


def request_fingerprint(method: str, path: str, body: object) -> str:
    """sha256 of the method, the path and the body as canonical JSON (sorted keys, no blanks)."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{method.upper()}\n{path}\n{canonical}".encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class IdempotentRequest:
    """What a command carries when its caller sent a key.

    `status_code` is the status the caller answers a success with; it is stored with the
    answer so that a replay says exactly what the first answer said."""

    key: str
    fingerprint: str
    status_code: int

    def __post_init__(self) -> None:
        if not _KEY.fullmatch(self.key):
            raise InvalidValue(KEY_FIELD, f"must be 1-{MAX_KEY_LENGTH} printable ASCII characters")


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


# ----------------------------------------------------------------------------- answers
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
class Answer:
    """What an idempotent use case answers: its result as JSON, fresh or replayed.

    A fresh answer and its replays carry the same `body`, so they render the same bytes."""

    body: str
    replayed: bool
    status_code: int | None = None  # the stored status, on a replay


class KeyedCommand(Protocol):
    @property
    def idempotency(self) -> IdempotentRequest | None: ...


C = TypeVar("C", bound=KeyedCommand)
R = TypeVar("R")


class IdempotentHandler(Handler[C, R], Generic[C, R]):
    """A write use case a client may retry safely with an idempotency key.

    Subclasses give `execute` (the use case inside the open unit of work, without the commit)
    and `view` (the read model of its result). `answer` is the entry that honours the key;
    `__call__` runs the use case for callers that hold no key and want the entity back.
    """

    scope: ClassVar[str]  # the operation's name; the client identity would join it here
    uow: UnitOfWork
    clock: Clock
    ttl: timedelta = DEFAULT_TTL

    @abc.abstractmethod
    async def execute(self, uow: UnitOfWork, command: C) -> R:
        """The use case, inside the unit of work; the commit is the caller's."""

    @abc.abstractmethod
    def view(self, result: R) -> object:
        """The read model the client receives for `result` (a dataclass)."""

    async def handle(self, command: C) -> R:
        if command.idempotency is not None:
            raise ValueError("a command with an idempotency key is run through answer()")
        result, _ = await self._run(command)
        assert result is not None
        return result

    async def answer(self, command: C) -> Answer:
        """Run the use case, or replay the stored answer of its key; retried on contention."""
        return await self.retrying(self._answer_once, command)

    async def _answer_once(self, command: C) -> Answer:
        return (await self._run(command))[1]

    async def _run(self, command: C) -> tuple[R | None, Answer]:
        request = command.idempotency
        rendered: list[StoredOutcome] = []
        async with self.uow as uow:
            now = self.clock.now()
            if request is not None:
                stored = await uow.idempotency.begin(
                    self.scope, request.key, request.fingerprint, now
                )
                if stored is not None:
                    # Answered before: nothing is executed, the transaction is left unchanged.
                    return None, Answer(stored.body, replayed=True, status_code=stored.status_code)
            result = await self.execute(uow, command)
            if request is not None:

                def render() -> StoredOutcome:
                    rendered.append(StoredOutcome(request.status_code, to_json(self.view(result))))
                    return rendered[-1]

                await uow.idempotency.complete(
                    self.scope, request.key, request.fingerprint, now, now + self.ttl, render
                )
            await uow.commit()
        # Without a key the view is read after the commit, when every id has been given.
        body = rendered[-1].body if rendered else to_json(self.view(result))
        return result, Answer(body, replayed=False)
