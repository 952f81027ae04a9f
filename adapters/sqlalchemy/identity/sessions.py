"""Refresh tokens and sign-in throttles over the unit of work's session.

A refresh token is read `FOR UPDATE` (on SQLite the write transaction already serialises):
of two refreshes with one token, the second waits and then sees it retired. A failed sign-in
is counted with one atomic upsert (`INSERT ... ON CONFLICT DO UPDATE SET failures = failures
+ 1`), so failures recorded at once by several workers are all counted; both engines have it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from adapters.sqlalchemy.errors import storage_errors
from adapters.sqlalchemy.identity.tables import login_throttles, refresh_tokens
from adapters.sqlalchemy.repository import SqlAlchemyRepository
from adapters.sqlalchemy.tenancy import stamped
from domain.identity.repository import LoginThrottleRepository, RefreshTokenRepository
from domain.identity.sessions import LoginThrottle, RefreshToken

__all__ = ["SqlAlchemyLoginThrottleRepository", "SqlAlchemyRefreshTokenRepository"]


class SqlAlchemyRefreshTokenRepository(SqlAlchemyRepository, RefreshTokenRepository):
    async def add(self, token: RefreshToken) -> None:
        await self._add(token)

    async def get_by_hash(self, token_hash: str) -> RefreshToken | None:
        statement = (
            select(RefreshToken).where(refresh_tokens.c.token_hash == token_hash).with_for_update()
        )
        async with storage_errors():
            return (await self._session.execute(statement)).scalars().first()

    async def revoke_family(self, family: str, now: datetime) -> int:
        return await self._revoke(refresh_tokens.c.family == family, now)

    async def revoke_all_of(self, user_id: int, now: datetime) -> int:
        return await self._revoke(refresh_tokens.c.user_id == user_id, now)

    async def _revoke(self, chosen: ColumnElement[bool], now: datetime) -> int:
        statement = (
            update(RefreshToken)
            .where(chosen, refresh_tokens.c.revoked_at.is_(None))
            .values(revoked_at=now)
            .execution_options(synchronize_session="fetch")
        )
        async with storage_errors():
            result: Any = await self._session.execute(statement)
        return int(result.rowcount)


class SqlAlchemyLoginThrottleRepository(SqlAlchemyRepository, LoginThrottleRepository):
    async def get(self, account: str) -> LoginThrottle | None:
        statement = select(LoginThrottle).where(login_throttles.c.account == account)
        async with storage_errors():
            return (await self._session.execute(statement)).scalars().first()

    async def record_failure(self, account: str, now: datetime) -> LoginThrottle:
        session = self._session
        dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        row = stamped(session.sync_session, {"account": account, "failures": 1})
        statement = insert(login_throttles).values(**row, last_failure_at=now)
        statement = statement.on_conflict_do_update(
            index_elements=[login_throttles.c.store_id, login_throttles.c.account],
            set_={"failures": login_throttles.c.failures + 1, "last_failure_at": now},
        )
        async with storage_errors():
            await session.execute(statement)
            # The row as it is now, this failure and any others counted.
            found = await session.execute(
                select(LoginThrottle)
                .where(login_throttles.c.account == account)
                .execution_options(populate_existing=True)
            )
            return found.scalars().one()

    async def clear(self, account: str) -> None:
        async with storage_errors():
            await self._session.execute(
                delete(LoginThrottle)
                .where(login_throttles.c.account == account)
                .execution_options(synchronize_session=False)
            )
