"""The identity use cases: accounts, their changes and their clean-up.

Each one is a callable whose body is its whole transaction (see application/ordering/handlers.py
for the pattern). Passwords are hashed after everything else was checked, and before the
transaction begins: a hash is slow on purpose, no refused request should pay for one, and
no lock should wait for it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta

from application.identity.commands import (
    CreateAdmin,
    DeactivateStaleUsers,
    DeactivateUser,
    PatchUser,
    PurgeInactiveUsers,
    RegisterUser,
    RegisterUsers,
    ReplaceUser,
)
from application.shared.access import Forbidden, Principal
from application.shared.ports import Clock, PasswordHasher
from application.shared.retry import retried_on_contention
from application.shared.unit_of_work import UnitOfWork
from domain.identity.user import Email, PasswordPolicy, User, refuse_duplicates_within
from domain.shared.errors import DuplicateValue, InvalidValue, NotFound
from domain.shared.patch import UNSET, Unset

__all__ = [
    "CreateAdminHandler",
    "DeactivateStaleUsersHandler",
    "DeactivateUserHandler",
    "EditUserHandler",
    "PurgeInactiveUsersHandler",
    "RegisterUserHandler",
    "RegisterUsersHandler",
    "normalise_email",
]

# A batch is one transaction and one multi-row INSERT, and costs one deliberately slow hash
# per user: the cap bounds both the transaction and the CPU one request can claim.
MAX_BULK_USERS = 100
MAX_STALE_DAYS = 36_500


@dataclass(frozen=True)
class RegisterUserHandler:
    """Sign-up: anyone may create a customer account; only an admin may create an admin."""

    uow: UnitOfWork
    clock: Clock
    hasher: PasswordHasher

    @retried_on_contention
    async def __call__(self, actor: Principal, command: RegisterUser) -> User:
        if command.is_superuser and not actor.is_admin:
            raise Forbidden("only an admin may create an admin")
        user = _draft(command, self.clock.now())
        user.hashed_password = await self.hasher.hash(command.password)
        async with self.uow as uow:
            await uow.users.add(user)
            await uow.commit()
        return user


@dataclass(frozen=True)
class RegisterUsersHandler:
    """All of the batch or none of it, and a refused batch costs no hash.

    Every field of every user, the usernames and emails repeated within the batch, and those
    already taken (one query, in a short transaction of its own) are checked before the
    first password is hashed. The hashes are then made outside any transaction, so no lock
    waits for them; a name taken meanwhile is still refused by the unique constraints when
    the batch is stored."""

    uow: UnitOfWork
    clock: Clock
    hasher: PasswordHasher

    @retried_on_contention
    async def __call__(self, command: RegisterUsers) -> list[User]:
        if not 1 <= len(command.users) <= MAX_BULK_USERS:
            raise InvalidValue("users", f"send 1 to {MAX_BULK_USERS} users")
        now = self.clock.now()
        users = [_draft(one, now) for one in command.users]
        refuse_duplicates_within(users)
        async with self.uow as uow:
            await _refuse_taken(uow, users)
        hashes = await asyncio.gather(*(self.hasher.hash(one.password) for one in command.users))
        for user, hashed in zip(users, hashes, strict=True):
            user.hashed_password = hashed
        async with self.uow as uow:
            await uow.users.add_many(users)
            await uow.commit()
        return users


@dataclass(frozen=True)
class EditUserHandler:
    """One edit of an account: PUT sends every field (`ReplaceUser`, the password only when it
    changes), PATCH only the fields to change (`PatchUser`). A new password is hashed again,
    before the transaction begins, and ends every session of the account.

    Who may: an admin edits anyone; a customer only their own profile, never whether it is
    active. Whoever changes their own password or email gives the current password first, so
    that a stolen access token cannot take the account over."""

    uow: UnitOfWork
    clock: Clock
    hasher: PasswordHasher

    @retried_on_contention
    async def __call__(self, actor: Principal, command: PatchUser | ReplaceUser) -> User:
        edit = command.as_patch() if isinstance(command, ReplaceUser) else command
        own = edit.user_id == actor.user_id
        if not own and not actor.is_admin:
            raise NotFound("user", edit.user_id)
        if not actor.is_admin and not isinstance(edit.is_active, Unset):
            raise Forbidden("only an admin may activate or deactivate an account")
        if own and _changes_credentials(edit):
            await self._confirm(edit)
        hashed = (
            UNSET if isinstance(edit.password, Unset) else await _hash(edit.password, self.hasher)
        )
        async with self.uow as uow:
            user = await _user(uow, edit.user_id)
            generation = user.token_generation
            user.revise(
                self.clock.now(),
                username=edit.username,
                email=edit.email,
                full_name=edit.full_name,
                bio=edit.bio,
                is_active=edit.is_active,
                hashed_password=hashed,
            )
            if user.token_generation != generation:
                await uow.refresh_tokens.revoke_all_of(edit.user_id, self.clock.now())
            await uow.commit()
        return user

    async def _confirm(self, edit: PatchUser) -> None:
        """The current password, checked outside any transaction (a hash is slow)."""
        if edit.current_password is None:
            raise InvalidValue(
                "current_password", "is required to change your own password or email"
            )
        async with self.uow as uow:
            user = await _user(uow, edit.user_id)
        if not await self.hasher.verify(user.hashed_password, edit.current_password):
            raise InvalidValue("current_password", "is not the account's password")


@dataclass(frozen=True)
class CreateAdminHandler:
    """An admin account, for the operator: the command line's `create-admin` and the
    start-up admin of the settings. Not reachable over HTTP.

    With `existing_ok`, an admin of that username already there is the answer (the start-up
    admin is made sure of at every start); any other account of that name is a conflict."""

    uow: UnitOfWork
    clock: Clock
    hasher: PasswordHasher

    @retried_on_contention
    async def __call__(self, command: CreateAdmin) -> tuple[User, bool]:
        async with self.uow as uow:
            existing = await uow.users.get_by_username(command.username)
        if existing is not None:
            if command.existing_ok and existing.is_superuser:
                return existing, False
            raise DuplicateValue("user", "username", command.username)
        new = RegisterUser(command.username, command.email, command.password, is_superuser=True)
        user = _draft(new, self.clock.now())
        user.hashed_password = await self.hasher.hash(command.password)
        async with self.uow as uow:
            await uow.users.add(user)
            await uow.commit()
        return user, True


@dataclass(frozen=True)
class DeactivateUserHandler:
    """A soft delete: the account stays, with its orders."""

    uow: UnitOfWork
    clock: Clock

    @retried_on_contention
    async def __call__(self, command: DeactivateUser) -> User:
        now = self.clock.now()
        async with self.uow as uow:
            user = await _user(uow, command.user_id)
            user.deactivate(now)
            await uow.refresh_tokens.revoke_all_of(command.user_id, now)
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


def _changes_credentials(edit: PatchUser) -> bool:
    return not isinstance(edit.password, Unset) or not isinstance(edit.email, Unset)


async def _hash(password: str, hasher: PasswordHasher) -> str:
    return await hasher.hash(PasswordPolicy.check(password))


def _draft(command: RegisterUser, now: datetime) -> User:
    """The new user, every field checked, its password not yet hashed (the caller hashes it
    once nothing else can refuse the request)."""
    PasswordPolicy.check(command.password)
    return User.register(
        username=command.username,
        email=command.email,
        hashed_password="",
        full_name=command.full_name,
        bio=command.bio,
        is_superuser=command.is_superuser,
        now=now,
    )


async def _refuse_taken(uow: UnitOfWork, users: list[User]) -> None:
    taken = await uow.users.first_taken(
        [user.username for user in users], [user.email for user in users]
    )
    if taken is not None:
        field, value = taken
        raise DuplicateValue("user", field, value)


def normalise_email(raw: str) -> str:
    """The form emails are stored and looked up in."""
    return Email.parse(raw).value
