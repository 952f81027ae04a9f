"""The in-memory refresh tokens and sign-in throttles, and the records they store.

A user's refresh tokens go with the user (CASCADE), as the schema's foreign key says. The
memory store runs one writing transaction at a time, so a throttle's count is exact without
anything more; the SQL adapter needs an atomic upsert for the same promise.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from adapters.memory.kinds import OnDelete, RecordKind, Reference, UniqueRule
from adapters.memory.repository import InMemoryRepository
from domain.identity.repository import LoginThrottleRepository, RefreshTokenRepository
from domain.identity.sessions import LoginThrottle, RefreshToken
from domain.identity.user import User

__all__ = ["InMemoryLoginThrottleRepository", "InMemoryRefreshTokenRepository"]


class InMemoryRefreshTokenRepository(InMemoryRepository, RefreshTokenRepository):
    kind = RecordKind(
        RefreshToken,
        "refresh token",
        unique=(UniqueRule("token_hash", lambda t: t.token_hash),),
        references=(Reference("user_id", User, OnDelete.CASCADE),),
    )

    async def add(self, token: RefreshToken) -> None:
        self._tx.add(token)

    async def get_by_hash(self, token_hash: str) -> RefreshToken | None:
        found = self._tx.rows(RefreshToken).load_where(lambda t: t.token_hash == token_hash)
        return found[0] if found else None

    async def revoke_family(self, family: str, now: datetime) -> int:
        return self._revoke(lambda t: t.family == family, now)

    async def revoke_all_of(self, user_id: int, now: datetime) -> int:
        return self._revoke(lambda t: t.user_id == user_id, now)

    def _revoke(self, chosen: Callable[[RefreshToken], bool], now: datetime) -> int:
        live = self._tx.rows(RefreshToken).load_where(lambda t: t.revoked_at is None and chosen(t))
        for token in live:
            token.revoked_at = now
        return len(live)


class InMemoryLoginThrottleRepository(InMemoryRepository, LoginThrottleRepository):
    kind = RecordKind(
        LoginThrottle,
        "login throttle",
        unique=(UniqueRule("account", lambda t: t.account),),
    )

    async def get(self, account: str) -> LoginThrottle | None:
        found = self._tx.rows(LoginThrottle).load_where(lambda t: t.account == account)
        return found[0] if found else None

    async def record_failure(self, account: str, now: datetime) -> LoginThrottle:
        throttle = await self.get(account)
        if throttle is None:
            throttle = LoginThrottle(account=account, failures=1, last_failure_at=now)
            self._tx.add(throttle)
        else:
            throttle.failures += 1
            throttle.last_failure_at = now
        return throttle

    async def clear(self, account: str) -> None:
        throttle = await self.get(account)
        if throttle is not None:
            self._tx.delete(throttle)
