"""Who acts, and the rules that say what they may do.

    Principal           who acts: a user id (none when anonymous), a role, a store
    Rule                who may call an operation at all: ANYONE, SIGNED_IN or ADMIN;
                        `rule.check(principal)` refuses everyone else (deny by default)
    Principal.owns(id)  the object-level rule: a customer's own things, or an admin

The HTTP edge turns a bearer token into a `Principal` and nothing more: every decision is
made here and in the use cases. Each route names its `Rule` once, in its signature
(entrypoints/http/access.py), and a route without one cannot be built. Use cases that load an
object someone owns take the principal too and apply `owns`: another customer's object is
`NotFound`, exactly as if it did not exist, so that ids leak nothing. An object a customer may
see but not change (a product, their own confirmed order's status) is `Forbidden`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, StrEnum

from application.shared.errors import ApplicationError
from domain.shared.errors import NotFound
from domain.stores.store import MAIN_STORE

__all__ = [
    "MAIN_STORE",
    "Forbidden",
    "Principal",
    "Role",
    "Rule",
    "Unauthenticated",
]


class Role(StrEnum):
    ANONYMOUS = "anonymous"
    CUSTOMER = "customer"
    ADMIN = "admin"


class Unauthenticated(ApplicationError):
    """No valid credentials were given where they are needed (401)."""


class Forbidden(ApplicationError):
    """The caller is known, and may not do this (403)."""


@dataclass(frozen=True, slots=True)
class Principal:
    """Who acts, as the use cases see them: never a token, only what it proved."""

    role: Role
    user_id: int | None = None
    store: str = MAIN_STORE

    @classmethod
    def anonymous(cls, store: str = MAIN_STORE) -> Principal:
        return cls(Role.ANONYMOUS, None, store)

    @classmethod
    def user(cls, user_id: int, *, is_admin: bool, store: str = MAIN_STORE) -> Principal:
        return cls(Role.ADMIN if is_admin else Role.CUSTOMER, user_id, store)

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def is_signed_in(self) -> bool:
        return self.user_id is not None

    def owns(self, owner_id: int | None) -> bool:
        """Whether the caller may see and act on what `owner_id` owns: their own, or any
        when an admin."""
        return self.is_admin or (self.user_id is not None and self.user_id == owner_id)

    def visible(self, owner_id: int | None, entity: str, key: object) -> None:
        """Refuse an object the caller does not own exactly as a missing one: `NotFound`."""
        if not self.owns(owner_id):
            raise NotFound(entity, key)

    def acting_user(self) -> int:
        """The caller's user id; only signed-in callers reach a use case that asks for it."""
        if self.user_id is None:
            raise Unauthenticated("sign in first")
        return self.user_id


class Rule(Enum):
    """Who may call an operation at all. Finer rules, about whose object it is, are applied
    by the use case that loads the object (`Principal.owns`)."""

    ANYONE = "anyone"
    SIGNED_IN = "signed in"
    ADMIN = "admin"

    def check(self, principal: Principal) -> Principal:
        """`principal` when the rule lets them through; otherwise 401 for an anonymous
        caller and 403 for a signed-in one."""
        if self is Rule.ANYONE:
            return principal
        if not principal.is_signed_in:
            raise Unauthenticated("this operation needs a bearer token: sign in first")
        if self is Rule.ADMIN and not principal.is_admin:
            raise Forbidden("only an admin may do this")
        return principal
