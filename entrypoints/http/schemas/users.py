"""Users on the wire. The password goes in, its hash never comes out.

UserBase ─┬─ UserCreate   (+ password, is_superuser)  POST /users/, /users/bulk
          ├─ UserReplace  (+ is_active, password?)     PUT /users/{id}
          └─ UserPublic   (+ id, flags, credits, timestamps)
UserPatch: every field optional                        PATCH /users/{id}
OwnUserPatch: UserPatch without is_active              PATCH /users/me

Whoever changes their own password or email sends `current_password` too.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import MISSING, AfterValidator, BaseModel, Field, Strict
from pydantic_core import PydanticCustomError

from application.identity.handlers import MAX_BULK_USERS
from domain.identity.user import PasswordPolicy
from entrypoints.http.schemas.fields import (
    CONTROL_FREE_PATTERN,
    MULTI_LINE,
    SINGLE_LINE,
    Count,
    Id,
    Matches,
    Money,
    PublicModel,
    RequestModel,
    UtcDatetime,
)

__all__ = [
    "EMAIL_MAX_LENGTH",
    "EMAIL_PATTERN",
    "BulkUsersCreate",
    "EmailAddress",
    "OwnUserPatch",
    "TopSpenderPublic",
    "UserCountsPublic",
    "UserCreate",
    "UserPatch",
    "UserPublic",
    "UserReplace",
]

# The domain's own rules, published so clients know them; the domain checks them again.
Username = Annotated[
    str,
    Strict(),
    Field(description="3-50 letters, digits or underscores."),
    Matches(r"^[A-Za-z0-9_]{3,50}$", "must be 3-50 letters, digits or underscores"),
]
EMAIL_PATTERN = (
    r"^[A-Za-z0-9.!#$%&*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)
EMAIL_MAX_LENGTH = 254
EmailAddress = Annotated[
    str,
    Strict(),
    Field(
        max_length=EMAIL_MAX_LENGTH,
        description="Compared case-insensitively; stored in lower case.",
        examples=["john@example.com"],
    ),
    Matches(EMAIL_PATTERN, "must be a valid email address"),
]


def _password_policy(password: str) -> str:
    # The domain's policy, asked here too so that every broken rule is answered at once,
    # alongside whatever else the body got wrong, in the same problem as the rest.
    broken = PasswordPolicy.broken_rules(password)
    if broken:
        raise PydanticCustomError("password_policy", "{rules}", {"rules": "; ".join(broken)})
    return password


Password = Annotated[
    str,
    Strict(),
    AfterValidator(_password_policy),
    Field(
        description=f"{PasswordPolicy.MIN_LENGTH}-{PasswordPolicy.MAX_LENGTH} characters with at "
        "least one upper-case letter and one digit (of any script), no control characters.",
        # The lengths and characters JSON Schema can say; an upper-case letter and a digit of
        # any script (`str.isupper`, `str.isdigit`) have no portable pattern.
        json_schema_extra={
            "minLength": PasswordPolicy.MIN_LENGTH,
            "maxLength": PasswordPolicy.MAX_LENGTH,
            "pattern": CONTROL_FREE_PATTERN,
        },
    ),
]
CurrentPassword = Annotated[
    str,
    Strict(),
    Field(
        min_length=1,
        max_length=PasswordPolicy.MAX_LENGTH,
        description="The account's password now: needed to change your own password or email.",
    ),
]
FullName = Annotated[str, Strict(), Field(max_length=100), SINGLE_LINE]
Bio = Annotated[str, Strict(), Field(max_length=1000), MULTI_LINE]


class UserBase(BaseModel):
    username: Username
    email: EmailAddress
    full_name: FullName | None = None
    bio: Bio | None = None


class UserCreate(UserBase, RequestModel):
    password: Password
    is_superuser: Annotated[
        bool, Strict(), Field(description="An admin account: only an admin may create one.")
    ] = False


class BulkUsersCreate(RequestModel):
    users: list[UserCreate] = Field(
        min_length=1,
        max_length=MAX_BULK_USERS,
        description=f"1 to {MAX_BULK_USERS} accounts, stored all together or not at all.",
    )


class UserReplace(UserBase, RequestModel):
    """A full update: profile fields left out become empty; the password changes only if sent."""

    is_active: Annotated[bool, Strict()]
    password: Password | None = None
    current_password: CurrentPassword | None = None


class UserPatch(RequestModel):
    """A partial update: only the fields sent change. `null` empties full_name or bio."""

    username: Username | MISSING = MISSING
    email: EmailAddress | MISSING = MISSING
    full_name: FullName | MISSING | None = MISSING
    bio: Bio | MISSING | None = MISSING
    is_active: Annotated[bool, Strict()] | MISSING = MISSING
    password: Password | MISSING = MISSING
    current_password: CurrentPassword | MISSING = MISSING

    def changes(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.model_fields_set}


class OwnUserPatch(RequestModel):
    """Your own account: only the fields sent change. A new password or email needs
    `current_password`; a new password signs every session out."""

    username: Username | MISSING = MISSING
    email: EmailAddress | MISSING = MISSING
    full_name: FullName | MISSING | None = MISSING
    bio: Bio | MISSING | None = MISSING
    password: Password | MISSING = MISSING
    current_password: CurrentPassword | MISSING = MISSING

    def changes(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.model_fields_set}


class UserPublic(UserBase, PublicModel):
    id: int
    is_active: bool
    is_superuser: bool
    credits: Money
    created_at: UtcDatetime
    updated_at: UtcDatetime


class UserCountsPublic(PublicModel):
    total: int
    active: int


class TopSpenderPublic(PublicModel):
    user_id: Id
    username: str
    email: str
    order_count: int
    total_spent: Money


class DeactivatedPublic(PublicModel):
    deactivated: Count


class DeletedPublic(PublicModel):
    deleted: Count
