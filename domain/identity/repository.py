"""The port through which identity's users are stored and found."""

from __future__ import annotations

import abc
from collections.abc import Collection, Sequence
from datetime import datetime

from domain.identity.sessions import LoginThrottle, RefreshToken
from domain.identity.user import User

__all__ = ["LoginThrottleRepository", "RefreshTokenRepository", "UserRepository"]


class UserRepository(abc.ABC):
    """Users by id or email. Writes become visible to others only when the UoW commits."""

    @abc.abstractmethod
    async def add(self, user: User) -> None:
        """Store a new user and give it an id; a taken username or email is DuplicateValue."""

    @abc.abstractmethod
    async def add_many(self, users: Sequence[User]) -> None:
        """Store several new users in one round trip, giving each an id."""

    @abc.abstractmethod
    async def first_taken(
        self, usernames: Collection[str], emails: Collection[str]
    ) -> tuple[str, str] | None:
        """`("username", value)` or `("email", value)` for one of these that a stored user
        already has, or None when all are free; one round trip however many are asked.

        Of several, the one of the lowest user id, its username before its email. `emails` are
        in their stored (lower-case) form. A cheap early answer: the unique constraints
        still refuse, on `add`, whatever is taken after it was asked."""

    @abc.abstractmethod
    async def get(self, user_id: int) -> User | None: ...

    @abc.abstractmethod
    async def is_active(self, user_id: int) -> bool | None:
        """Whether the user is active, None when there is no such user.

        For use cases that only need to know whether a user may act (placing an order): an
        adapter may answer it without loading the user. It sees this unit's own changes."""

    @abc.abstractmethod
    async def get_by_email(self, email: str) -> User | None:
        """`email` is already normalised (lower-case)."""

    @abc.abstractmethod
    async def get_by_username(self, username: str) -> User | None: ...

    @abc.abstractmethod
    async def deactivate_not_updated_since(self, cutoff: datetime, now: datetime) -> int:
        """Deactivate active users whose `updated_at` is before `cutoff`; return how many."""

    @abc.abstractmethod
    async def delete_inactive_without_orders(self) -> int:
        """Delete inactive users that never placed an order nor moved credits; return how many.

        Users with orders or ledger entries are kept, so that no order or money history is
        ever destroyed."""


class RefreshTokenRepository(abc.ABC):
    """Refresh tokens by their hash; a family is revoked as a whole."""

    @abc.abstractmethod
    async def add(self, token: RefreshToken) -> None: ...

    @abc.abstractmethod
    async def get_by_hash(self, token_hash: str) -> RefreshToken | None:
        """The token, locked until the unit ends: of two requests presenting it at once, the
        second sees what the first did to it."""

    @abc.abstractmethod
    async def revoke_family(self, family: str, now: datetime) -> int:
        """Revoke every token of the family not yet revoked; return how many."""

    @abc.abstractmethod
    async def revoke_all_of(self, user_id: int, now: datetime) -> int:
        """Revoke every token of the user not yet revoked; return how many."""


class LoginThrottleRepository(abc.ABC):
    """Failed sign-ins in a row, per account."""

    @abc.abstractmethod
    async def get(self, account: str) -> LoginThrottle | None: ...

    @abc.abstractmethod
    async def record_failure(self, account: str, now: datetime) -> LoginThrottle:
        """Count one more failure for `account` as of `now`, in one atomic step: failures
        recorded at the same time by other workers are all counted."""

    @abc.abstractmethod
    async def clear(self, account: str) -> None:
        """Forget the failures of `account` (a successful sign-in)."""
