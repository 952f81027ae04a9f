"""The access-token port: what a signed, short-lived bearer token says, and who reads it.

An access token proves, until it expires, that its bearer signed in as `user_id` in `store`,
in the user's `generation` of sessions (a new password or a deactivation starts the next
one, so older tokens stop working at once). It carries no role: the role is read from the
account on every request, so that taking a right away takes effect at once too.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from datetime import datetime, timedelta

__all__ = ["AccessClaims", "AccessTokens"]


@dataclass(frozen=True, slots=True)
class AccessClaims:
    user_id: int
    store: str
    generation: int
    issued_at: datetime
    expires_at: datetime
    token_id: str


class AccessTokens(abc.ABC):
    lifetime: timedelta

    @abc.abstractmethod
    def issue(self, user_id: int, store: str, generation: int, now: datetime) -> str:
        """A new token for the user, valid from `now` for `lifetime`."""

    @abc.abstractmethod
    def read(self, token: str, now: datetime) -> AccessClaims:
        """What a genuine token that has not expired at `now` says; anything else (a forged,
        altered, unsigned or expired token, or not a token at all) is `Unauthenticated`."""
