"""What the identity use cases are asked to do."""

from __future__ import annotations

from dataclasses import dataclass

from application.shared.access import MAIN_STORE
from domain.shared.patch import UNSET, Maybe

__all__ = [
    "Authenticate",
    "CreateAdmin",
    "DeactivateStaleUsers",
    "DeactivateUser",
    "LogIn",
    "LogOut",
    "PatchUser",
    "PurgeInactiveUsers",
    "Refresh",
    "RegisterUser",
    "RegisterUsers",
    "ReplaceUser",
]


@dataclass(frozen=True)
class RegisterUser:
    username: str
    email: str
    password: str
    full_name: str | None = None
    bio: str | None = None
    # Only an admin may create an admin.
    is_superuser: bool = False


@dataclass(frozen=True)
class RegisterUsers:
    """All of them or none of them."""

    users: tuple[RegisterUser, ...]


@dataclass(frozen=True)
class ReplaceUser:
    """A full update (PUT): every profile field is given; a password only when it changes."""

    user_id: int
    username: str
    email: str
    full_name: str | None
    bio: str | None
    is_active: bool
    password: str | None = None
    # Asked of whoever changes their own password or email.
    current_password: str | None = None

    def as_patch(self) -> PatchUser:
        """The same edit as a PATCH that sends every field."""
        return PatchUser(
            user_id=self.user_id,
            username=self.username,
            email=self.email,
            full_name=self.full_name,
            bio=self.bio,
            is_active=self.is_active,
            password=UNSET if self.password is None else self.password,
            current_password=self.current_password,
        )


@dataclass(frozen=True)
class PatchUser:
    """A partial update (PATCH): only the fields given change; a new password is re-hashed."""

    user_id: int
    username: Maybe[str] = UNSET
    email: Maybe[str] = UNSET
    full_name: Maybe[str | None] = UNSET
    bio: Maybe[str | None] = UNSET
    is_active: Maybe[bool] = UNSET
    password: Maybe[str] = UNSET
    # Asked of whoever changes their own password or email.
    current_password: str | None = None


@dataclass(frozen=True)
class DeactivateUser:
    """Deleting a user is deactivating it: its history stays."""

    user_id: int


@dataclass(frozen=True)
class DeactivateStaleUsers:
    """Deactivate active users not updated for `days` days."""

    days: int


@dataclass(frozen=True)
class PurgeInactiveUsers:
    """Delete inactive users that have no orders."""


@dataclass(frozen=True)
class LogIn:
    """`login` is a username, or an email when it has an @."""

    login: str
    password: str
    store: str = MAIN_STORE


@dataclass(frozen=True)
class Refresh:
    refresh_token: str
    store: str = MAIN_STORE


@dataclass(frozen=True)
class LogOut:
    refresh_token: str


@dataclass(frozen=True)
class Authenticate:
    """A bearer access token, as presented."""

    token: str


@dataclass(frozen=True)
class CreateAdmin:
    """An admin account, from the operator. With `existing_ok`, an admin of that username
    already there is enough."""

    username: str
    email: str
    password: str
    existing_ok: bool = False
