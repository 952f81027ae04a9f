"""The identity use cases."""

from __future__ import annotations

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
from application.shared.handler import Handler
from application.shared.ports import Clock, PasswordHasher
from application.shared.unit_of_work import UnitOfWork
from domain.identity.user import Email, PasswordPolicy, User
from domain.shared.errors import DuplicateValue, InvalidValue, NotFound
from domain.shared.patch import Unset

__all__ = [
    "DeactivateStaleUsersHandler",
    "DeactivateUserHandler",
    "PatchUserHandler",
    "PurgeInactiveUsersHandler",
    "RegisterUserHandler",
    "RegisterUsersHandler",
    "ReplaceUserHandler",
]

MAX_BULK_USERS = 100
MAX_STALE_DAYS = 36_500


async def _get_user(uow: UnitOfWork, user_id: int) -> User:
    user = await uow.users.get(user_id)
    if user is None:
        raise NotFound("user", user_id)
    return user


class _UserHandler:
    def __init__(self, uow: UnitOfWork, clock: Clock, hasher: PasswordHasher) -> None:
        self.uow = uow
        self.clock = clock
        self.hasher = hasher

    def _new_user(self, cmd: RegisterUser) -> User:
        # Validate everything before paying for a hash.
        PasswordPolicy.check(cmd.password)
        draft = User.register(
            username=cmd.username,
            email=cmd.email,
            hashed_password="",
            full_name=cmd.full_name,
            bio=cmd.bio,
            now=self.clock.now(),
        )
        draft.hashed_password = self.hasher.hash(cmd.password)
        return draft


class RegisterUserHandler(_UserHandler, Handler[RegisterUser, User]):
    async def handle(self, command: RegisterUser) -> User:
        user = self._new_user(command)
        async with self.uow as uow:
            await uow.users.add(user)
            await uow.commit()
        return user


class RegisterUsersHandler(_UserHandler, Handler[RegisterUsers, list[User]]):
    async def handle(self, command: RegisterUsers) -> list[User]:
        if not 1 <= len(command.users) <= MAX_BULK_USERS:
            raise InvalidValue("users", f"send 1 to {MAX_BULK_USERS} users")
        users = [self._new_user(one) for one in command.users]
        _refuse_duplicates_within(users)
        async with self.uow as uow:
            await uow.users.add_many(users)
            await uow.commit()
        return users


def _refuse_duplicates_within(users: list[User]) -> None:
    for field in ("username", "email"):
        seen: set[str] = set()
        for user in users:
            value = getattr(user, field)
            if value in seen:
                raise DuplicateValue("user", field, value)
            seen.add(value)


class ReplaceUserHandler(_UserHandler, Handler[ReplaceUser, User]):
    async def handle(self, command: ReplaceUser) -> User:
        hashed = (
            self.hasher.hash(PasswordPolicy.check(command.password))
            if command.password is not None
            else None
        )
        async with self.uow as uow:
            user = await _get_user(uow, command.user_id)
            now = self.clock.now()
            user.change_username(command.username, now)
            user.change_email(command.email, now)
            user.change_profile(full_name=command.full_name, bio=command.bio, now=now)
            user.set_active(command.is_active, now)
            if hashed is not None:
                user.change_password(hashed, now)
            await uow.commit()
        return user


class PatchUserHandler(_UserHandler, Handler[PatchUser, User]):
    async def handle(self, command: PatchUser) -> User:
        hashed = (
            None
            if isinstance(command.password, Unset)
            else self.hasher.hash(PasswordPolicy.check(command.password))
        )
        async with self.uow as uow:
            user = await _get_user(uow, command.user_id)
            now = self.clock.now()
            if not isinstance(command.username, Unset):
                user.change_username(command.username, now)
            if not isinstance(command.email, Unset):
                user.change_email(command.email, now)
            if not (isinstance(command.full_name, Unset) and isinstance(command.bio, Unset)):
                user.change_profile(
                    full_name=user.full_name
                    if isinstance(command.full_name, Unset)
                    else command.full_name,
                    bio=user.bio if isinstance(command.bio, Unset) else command.bio,
                    now=now,
                )
            if not isinstance(command.is_active, Unset):
                user.set_active(command.is_active, now)
            if hashed is not None:
                user.change_password(hashed, now)
            await uow.commit()
        return user


class DeactivateUserHandler(Handler[DeactivateUser, User]):
    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self.uow = uow
        self.clock = clock

    async def handle(self, command: DeactivateUser) -> User:
        async with self.uow as uow:
            user = await _get_user(uow, command.user_id)
            user.deactivate(self.clock.now())
            await uow.commit()
        return user


class DeactivateStaleUsersHandler(Handler[DeactivateStaleUsers, int]):
    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self.uow = uow
        self.clock = clock

    async def handle(self, command: DeactivateStaleUsers) -> int:
        if not 1 <= command.days <= MAX_STALE_DAYS:
            raise InvalidValue("days", f"must be between 1 and {MAX_STALE_DAYS}")
        now = self.clock.now()
        async with self.uow as uow:
            count = await uow.users.deactivate_not_updated_since(
                now - timedelta(days=command.days), now
            )
            await uow.commit()
        return count


class PurgeInactiveUsersHandler(Handler[PurgeInactiveUsers, int]):
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    async def handle(self, command: PurgeInactiveUsers) -> int:
        async with self.uow as uow:
            count = await uow.users.delete_inactive_without_orders()
            await uow.commit()
        return count


def normalise_email(raw: str) -> str:
    """The form emails are stored and looked up in."""
    return Email.parse(raw).value
