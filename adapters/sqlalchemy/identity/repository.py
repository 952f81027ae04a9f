"""`UserRepository` over the unit of work's session.

`is_active` reads one column, not the user: placing an order asks only that. The bulk
deactivation and purge are single statements; the session's objects learn of them
(`synchronize_session="fetch"`).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, delete, exists, inspect, or_, select, update

from adapters.sqlalchemy.errors import storage_errors
from adapters.sqlalchemy.identity.tables import users
from adapters.sqlalchemy.ordering.tables import orders
from adapters.sqlalchemy.repository import SqlAlchemyRepository
from adapters.sqlalchemy.wallet.tables import ledger_entries
from domain.identity.repository import UserRepository
from domain.identity.user import User

__all__ = ["SqlAlchemyUserRepository"]


@cache
def _user_is_active() -> Select[Any]:
    """Built once, when mapped: through the class, so the store's criterion applies."""
    return select(users.c.is_active).select_from(User).where(users.c.id == bindparam("id"))


@cache
def _first_taken() -> Select[Any]:
    return (
        select(users.c.username, users.c.email)
        .select_from(User)
        .where(
            or_(
                users.c.username.in_(bindparam("usernames", expanding=True)),
                users.c.email.in_(bindparam("emails", expanding=True)),
            )
        )
        .order_by(users.c.id)
        .limit(1)
    )


def _rowcount(result: Any) -> int:
    return int(result.rowcount)


class SqlAlchemyUserRepository(SqlAlchemyRepository, UserRepository):
    async def add(self, user: User) -> None:
        await self._add(user)

    async def add_many(self, users: Sequence[User]) -> None:
        # One flush: a single multi-row INSERT, ids returned in the order given.
        await self._add(*users)

    async def first_taken(
        self, usernames: Collection[str], emails: Collection[str]
    ) -> tuple[str, str] | None:
        async with storage_errors():
            row = (
                await self._session.execute(
                    _first_taken(), {"usernames": list(usernames), "emails": list(emails)}
                )
            ).first()
        if row is None:
            return None
        username, email = row
        return ("username", username) if username in usernames else ("email", email)

    async def get(self, user_id: int) -> User | None:
        async with storage_errors():
            return await self._session.get(User, user_id)

    async def is_active(self, user_id: int) -> bool | None:
        session = self._session
        held = session.identity_map.get(inspect(User).identity_key_from_primary_key((user_id,)))
        if held is not None:  # loaded in this unit, perhaps changed and not yet flushed
            return bool(held.is_active)
        # One column, no entity: placing an order asks only this of the user.
        async with storage_errors():
            active = await session.scalar(_user_is_active(), {"id": user_id})
        return None if active is None else bool(active)

    async def get_by_email(self, email: str) -> User | None:
        async with storage_errors():
            result = await self._session.execute(select(User).where(users.c.email == email))
            return result.scalars().first()

    async def get_by_username(self, username: str) -> User | None:
        async with storage_errors():
            result = await self._session.execute(select(User).where(users.c.username == username))
            return result.scalars().first()

    async def deactivate_not_updated_since(self, cutoff: datetime, now: datetime) -> int:
        statement = (
            update(User)
            .where(users.c.is_active.is_(True), users.c.updated_at < cutoff)
            .values(
                is_active=False,
                updated_at=now,
                token_generation=users.c.token_generation + 1,
            )
            .execution_options(synchronize_session="fetch")
        )
        async with storage_errors():
            result = await self._session.execute(statement)
        return _rowcount(result)

    async def delete_inactive_without_orders(self) -> int:
        # Their notifications go too: the foreign key cascades. A user with credit movements
        # keeps their history, as one with orders does.
        statement = (
            delete(User)
            .where(
                users.c.is_active.is_(False),
                ~exists().where(orders.c.user_id == users.c.id),
                ~exists().where(ledger_entries.c.user_id == users.c.id),
            )
            .execution_options(synchronize_session="fetch")
        )
        async with storage_errors():
            result = await self._session.execute(statement)
        return _rowcount(result)
