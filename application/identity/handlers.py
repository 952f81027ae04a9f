"""The identity use cases: accounts, their changes and their clean-up.

Each one is a callable whose body is its whole transaction (see application/ordering/handlers.py
for the pattern). Passwords are checked and hashed before the transaction begins: a hash is
slow on purpose, and no lock should wait for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from application.identity.commands import (
    DeactivateStaleUsers,
    DeactivateUser,
    PatchUser,
    PurgeInactiveUsers,
    RegisterUser,
    RegisterUsers,
    ReplaceUser,
)
from application.shared.ports import Clock, PasswordHasher
from application.shared.retry import retried_on_contention
from application.shared.unit_of_work import UnitOfWork
from domain.identity.user import Email, PasswordPolicy, User, refuse_duplicates_within
from domain.shared.errors import InvalidValue, NotFound
from domain.shared.patch import UNSET, Unset

__all__ = [
    "DeactivateStaleUsersHandler",
    "DeactivateUserHandler",
    "PatchUserHandler",
    "PurgeInactiveUsersHandler",
    "RegisterUserHandler",
    "RegisterUsersHandler",
    "ReplaceUserHandler",
    "normalise_email",
]

MAX_BULK_USERS = 100
MAX_STALE_DAYS = 36_500


@dataclass(frozen=True)
class RegisterUserHandler:
    uow: UnitOfWork
    clock: Clock
    hasher: PasswordHasher

    @retried_on_contention
    async def __call__(self, command: RegisterUser) -> User:
        user = _new_user(command, self.clock, self.hasher)
        async with self.uow as uow:
            await uow.users.add(user)
            await uow.commit()
        return user


@dataclass(frozen=True)
class RegisterUsersHandler:
    """All of the batch or none of it."""

    uow: UnitOfWork
    clock: Clock
    hasher: PasswordHasher

    @retried_on_contention
    async def __call__(self, command: RegisterUsers) -> list[User]:
        if not 1 <= len(command.users) <= MAX_BULK_USERS:
            raise InvalidValue("users", f"send 1 to {MAX_BULK_USERS} users")
        users = [_new_user(one, self.clock, self.hasher) for one in command.users]
        refuse_duplicates_within(users)
        async with self.uow as uow:
            await uow.users.add_many(users)
            await uow.commit()
        return users


@dataclass(frozen=True)
class ReplaceUserHandler:
    """PUT: every field given; the password only when one is sent."""

    uow: UnitOfWork
    clock: Clock
    hasher: PasswordHasher

    @retried_on_contention
    async def __call__(self, command: ReplaceUser) -> User:
        hashed = UNSET if command.password is None else _hash(command.password, self.hasher)
        async with self.uow as uow:
            user = await _user(uow, command.user_id)
            user.revise(
                self.clock.now(),
                username=command.username,
                email=command.email,
                full_name=command.full_name,
                bio=command.bio,
                is_active=command.is_active,
                hashed_password=hashed,
            )
            await uow.commit()
        return user


@dataclass(frozen=True)
class PatchUserHandler:
    """PATCH: the fields sent; a new password is hashed again."""

    uow: UnitOfWork
    clock: Clock
    hasher: PasswordHasher

    @retried_on_contention
    async def __call__(self, command: PatchUser) -> User:
        hashed = (
            UNSET if isinstance(command.password, Unset) else _hash(command.password, self.hasher)
        )
        async with self.uow as uow:
            user = await _user(uow, command.user_id)
            user.revise(
                self.clock.now(),
                username=command.username,
                email=command.email,
                full_name=command.full_name,
                bio=command.bio,
                is_active=command.is_active,
                hashed_password=hashed,
            )
            await uow.commit()
        return user


@dataclass(frozen=True)
class DeactivateUserHandler:
    """A soft delete: the account stays, with its orders."""

    uow: UnitOfWork
    clock: Clock

    @retried_on_contention
    async def __call__(self, command: DeactivateUser) -> User:
        async with self.uow as uow:
            user = await _user(uow, command.user_id)
            user.deactivate(self.clock.now())
            await uow.commit()
        return user


@dataclass(frozen=True)
class DeactivateStaleUsersHandler:
    uow: UnitOfWork
    clock: Clock

    @retried_on_contention
    async def __call__(self, command: DeactivateStaleUsers) -> int:
        if not 1 <= command.days <= MAX_STALE_DAYS:
            raise InvalidValue("days", f"must be between 1 and {MAX_STALE_DAYS}")
        now = self.clock.now()
        async with self.uow as uow:
            count = await uow.users.deactivate_not_updated_since(
                now - timedelta(days=command.days), now
            )
            await uow.commit()
        return count


@dataclass(frozen=True)
class PurgeInactiveUsersHandler:
    """Delete inactive users who never ordered; order history is never destroyed."""

    uow: UnitOfWork

    @retried_on_contention
    async def __call__(self, command: PurgeInactiveUsers) -> int:
        async with self.uow as uow:
            count = await uow.users.delete_inactive_without_orders()
            await uow.commit()
        return count


# -- steps the use cases share -------------------------------------------------------------
async def _user(uow: UnitOfWork, user_id: int) -> User:
    user = await uow.users.get(user_id)
    if user is None:
        raise NotFound("user", user_id)
    return user


def _hash(password: str, hasher: PasswordHasher) -> str:
    return hasher.hash(PasswordPolicy.check(password))


def _new_user(command: RegisterUser, clock: Clock, hasher: PasswordHasher) -> User:
    # Everything is validated before paying for a hash.
    PasswordPolicy.check(command.password)
    draft = User.register(
        username=command.username,
        email=command.email,
        hashed_password="",
        full_name=command.full_name,
        bio=command.bio,
        now=clock.now(),
    )
    draft.hashed_password = hasher.hash(command.password)
    return draft


def normalise_email(raw: str) -> str:
    """The form emails are stored and looked up in."""
    return Email.parse(raw).value
