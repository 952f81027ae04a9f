"""The in-memory user repository, and the user records it stores.

Users are unique by username and by email. No reference is declared here: what a user's delete
does to orders and notifications is declared with those kinds, as the foreign keys are.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from adapters.memory.kinds import RecordKind, UniqueRule
from adapters.memory.repository import InMemoryRepository
from adapters.memory.tracking import key_of
from domain.identity.repository import UserRepository
from domain.identity.user import User
from domain.ordering.order import Order
from domain.wallet.wallet import LedgerEntry

__all__ = ["InMemoryUserRepository"]


class InMemoryUserRepository(InMemoryRepository, UserRepository):
    kind = RecordKind(
        User,
        "user",
        unique=(
            UniqueRule("username", lambda u: u.username),
            UniqueRule("email", lambda u: u.email),
        ),
    )

    async def add(self, user: User) -> None:
        self._tx.add(user)

    async def add_many(self, users: Sequence[User]) -> None:
        for user in users:
            await self.add(user)

    async def first_taken(
        self, usernames: Collection[str], emails: Collection[str]
    ) -> tuple[str, str] | None:
        wanted_usernames, wanted_emails = set(usernames), set(emails)
        for user in sorted(self._tx.rows(User).peek(), key=key_of):
            if user.username in wanted_usernames:
                return "username", user.username
            if user.email in wanted_emails:
                return "email", user.email
        return None

    async def get(self, user_id: int) -> User | None:
        return self._tx.rows(User).get(user_id)

    async def is_active(self, user_id: int) -> bool | None:
        user = self._tx.rows(User).get(user_id)
        return None if user is None else user.is_active

    async def get_by_email(self, email: str) -> User | None:
        users = self._tx.rows(User)
        found = next((u for u in users.peek() if u.email == email), None)
        return None if found is None else users.get(key_of(found))

    async def get_by_username(self, username: str) -> User | None:
        users = self._tx.rows(User)
        found = next((u for u in users.peek() if u.username == username), None)
        return None if found is None else users.get(key_of(found))

    async def deactivate_not_updated_since(self, cutoff: datetime, now: datetime) -> int:
        stale = self._tx.rows(User).load_where(lambda u: u.is_active and u.updated_at < cutoff)
        for user in stale:
            user.deactivate(now)
        return len(stale)

    async def delete_inactive_without_orders(self) -> int:
        tx = self._tx
        # A user with orders or credit movements keeps their history, and so is kept.
        with_history = {order.user_id for order in tx.rows(Order).peek()}
        with_history.update(entry.user_id for entry in tx.rows(LedgerEntry).peek())
        # Their notifications go with them: the notifications' reference cascades.
        doomed = tx.rows(User).load_where(lambda u: not u.is_active and u.id not in with_history)
        for user in doomed:
            tx.delete(user)
        return len(doomed)
