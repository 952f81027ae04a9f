"""What keeps a user signed in, and what slows down someone guessing their password.

RefreshToken     one opaque refresh token, known to the server only by its hash. Tokens
                 form a family, one per sign-in: each use retires the token and issues the
                 next of its family. A retired token presented again means it was copied:
                 the whole family is revoked, the thief's tokens and the user's alike.
LoginThrottle    consecutive failed sign-ins for one account (or one unknown name): after
                 `FREE_ATTEMPTS` of them, each further attempt waits, twice as long as the
                 last time, up to `MAX_WAIT`. A successful sign-in forgets them.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

__all__ = ["LoginThrottle", "RefreshToken", "RefreshVerdict", "hash_token"]


def hash_token(secret: str) -> str:
    """How a refresh token is stored and looked up. A token is 256 random bits, so one
    fast hash keeps it out of reach: a stolen table yields no usable token."""
    return hashlib.sha256(secret.encode()).hexdigest()


class RefreshVerdict(StrEnum):
    """Why a presented refresh token does not refresh (every one of them is a 401)."""

    REVOKED = "revoked"
    EXPIRED = "expired"
    REUSED = "reused"


@dataclass(eq=False)
class RefreshToken:
    user_id: int
    family: str
    token_hash: str
    issued_at: datetime
    expires_at: datetime
    retired_at: datetime | None = None
    revoked_at: datetime | None = None
    id: int | None = field(default=None)

    @classmethod
    def issue(
        cls, user_id: int, now: datetime, lifetime: timedelta, *, family: str | None = None
    ) -> tuple[RefreshToken, str]:
        """A new token (of a new family unless one is given) and its secret, which only the
        client keeps."""
        secret = secrets.token_urlsafe(32)
        token = cls(
            user_id=user_id,
            family=family or secrets.token_hex(16),
            token_hash=hash_token(secret),
            issued_at=now,
            expires_at=now + lifetime,
        )
        return token, secret

    def refusal(self, now: datetime) -> RefreshVerdict | None:
        """Why this token may not be used now, or None when it may."""
        if self.revoked_at is not None:
            return RefreshVerdict.REVOKED
        if self.retired_at is not None:
            return RefreshVerdict.REUSED
        if now >= self.expires_at:
            return RefreshVerdict.EXPIRED
        return None

    def retire(self, now: datetime) -> None:
        """Used once: the next of its family takes over."""
        self.retired_at = now


@dataclass(eq=False)
class LoginThrottle:
    """Failed sign-ins in a row for `account`: "user:<id>" for an account that exists,
    "name:<what was typed>" for one that does not, so that both are throttled alike and the
    answers tell no one which names exist."""

    account: str
    failures: int
    last_failure_at: datetime
    id: int | None = field(default=None)

    FREE_ATTEMPTS = 5
    FIRST_WAIT = timedelta(seconds=30)
    MAX_WAIT = timedelta(hours=1)

    def wait(self) -> timedelta:
        """How long after the last failure the next attempt is refused unheard."""
        beyond = self.failures - self.FREE_ATTEMPTS
        if beyond < 0:
            return timedelta(0)
        doubled: timedelta = self.FIRST_WAIT * 2 ** min(beyond, 20)
        return min(doubled, self.MAX_WAIT)

    def retry_after(self, now: datetime) -> timedelta | None:
        """How long the caller must still wait, or None when they may try now."""
        left = self.last_failure_at + self.wait() - now
        return left if left > timedelta(0) else None
