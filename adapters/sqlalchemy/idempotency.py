"""Idempotency records: the `idempotency_keys` table and its store, in the unit of work's session.

Not a bounded context: every use case that honours an `Idempotency-Key` writes here, in the
transaction of the effect it guards (`application.shared.idempotency`). One row per store,
operation scope and key. Its statements are Core and keep to the unit of work's store by
themselves (`keeps_to_store`, adapters/sqlalchemy/tenancy.py).

Holding a key for the transaction:

    PostgreSQL  pg_try_advisory_xact_lock(hashtext('<store>:<scope>'), hashtext(key)): never
                waits; a second transaction that asks for the key while the first holds it
                gets RequestInProgress. The lock ends with the transaction, after its commit is
                visible, so whoever takes it next reads the first one's record. (Two keys
                whose hashes collide would answer each other's retries with 409: rare, and
                safe.)
    SQLite      nothing more: the session's first statement is BEGIN IMMEDIATE, which lets one
                writer in at a time, so a retry waits for the first request and then reads
                its record.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import (
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    delete,
    func,
    insert,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.sqlalchemy.column_types import UtcDateTime
from adapters.sqlalchemy.errors import storage_errors
from adapters.sqlalchemy.schema import ENTITY, metadata
from adapters.sqlalchemy.tenancy import keeps_to_store, session_store, stamped
from application.shared.errors import RequestInProgress
from application.shared.idempotency.store import IdempotencyRecord, IdempotencyStore, StoredOutcome
from domain.shared.errors import DuplicateValue

__all__ = ["SqlAlchemyIdempotencyStore", "idempotency_keys"]

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column(
        "store_id",
        Integer,
        ForeignKey("stores.id", ondelete="RESTRICT"),
        primary_key=True,
    ),
    Column("scope", String(255), primary_key=True),
    Column("key", String(255), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("status_code", Integer, nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False, index=True),
    info={ENTITY: "idempotency key"},
)

_T = idempotency_keys.c


class SqlAlchemyIdempotencyStore(IdempotencyStore):
    def __init__(self, session: Callable[[], AsyncSession]) -> None:
        self._session = session

    async def claim(self, scope: str, key: str) -> IdempotencyRecord | None:
        session = self._session()
        store_id = session_store(session)
        async with storage_errors():
            if session.get_bind().dialect.name == "postgresql":
                held = await session.scalar(
                    select(
                        func.pg_try_advisory_xact_lock(
                            func.hashtext(f"{store_id}:{scope}"), func.hashtext(key)
                        )
                    )
                )
                if not held:
                    raise RequestInProgress(
                        "a request with this Idempotency-Key is still being executed; retry shortly"
                    )
            row = (
                await session.execute(
                    keeps_to_store(
                        select(_T.fingerprint, _T.status_code, _T.body, _T.expires_at).where(
                            _T.store_id == store_id, _T.scope == scope, _T.key == key
                        )
                    )
                )
            ).one_or_none()
        if row is None:
            return None
        return IdempotencyRecord(
            fingerprint=row.fingerprint,
            outcome=StoredOutcome(status_code=row.status_code, body=row.body),
            expires_at=row.expires_at,
        )

    async def complete(
        self,
        scope: str,
        key: str,
        fingerprint: str,
        now: datetime,
        expires_at: datetime,
        render: Callable[[], StoredOutcome],
    ) -> None:
        session = self._session()
        async with storage_errors():
            # The answer carries generated ids (order items, payments): flush to get them.
            await session.flush()
            outcome = render()
            # Only an expired row may be replaced. The key is held, so a live one cannot have
            # appeared; if one did, the insert below collides instead of overwriting it.
            await session.execute(
                keeps_to_store(
                    delete(idempotency_keys).where(
                        _T.store_id == session_store(session),
                        _T.scope == scope,
                        _T.key == key,
                        _T.expires_at <= now,
                    )
                )
            )
        try:
            await self._insert(scope, key, fingerprint, now, expires_at, outcome)
        except DuplicateValue as err:
            raise RequestInProgress(
                "a request with this Idempotency-Key was answered meanwhile; retry to get it"
            ) from err

    async def _insert(
        self,
        scope: str,
        key: str,
        fingerprint: str,
        now: datetime,
        expires_at: datetime,
        outcome: StoredOutcome,
    ) -> None:
        session = self._session()
        row = {
            "scope": scope,
            "key": key,
            "fingerprint": fingerprint,
            "status_code": outcome.status_code,
            "body": outcome.body,
            "created_at": now,
            "expires_at": expires_at,
        }
        async with storage_errors():
            await session.execute(
                insert(idempotency_keys).values(**stamped(session.sync_session, row))
            )
