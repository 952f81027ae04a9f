"""The port through which identity's users are stored and found."""

from __future__ import annotations

import abc
from collections.abc import Collection, Sequence
from datetime import datetime

from domain.identity.user import User

__all__ = ["UserRepository"]


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
    async def deactivate_not_updated_since(self, cutoff: datetime, now: datetime) -> int:
        """Deactivate active users whose `updated_at` is before `cutoff`; return how many."""

    @abc.abstractmethod
    async def delete_inactive_without_orders(self) -> int:
        """Delete inactive users that never placed an order; return how many.

        Users with orders are kept, so that no order history is ever destroyed."""
