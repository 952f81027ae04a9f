"""The user and the value objects that guard its fields."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from domain.shared.errors import DuplicateValue, InsufficientCredits, InvalidValue
from domain.shared.money import ZERO, to_money
from domain.shared.patch import UNSET, Maybe, Unset
from domain.shared.text import ensure_single_line, has_control_characters, optional_text

__all__ = ["Email", "PasswordPolicy", "User", "Username", "refuse_duplicates_within"]

_USERNAME = re.compile(r"^[A-Za-z0-9_]{3,50}$")
# Deliberately plain: one @, a dotted domain, ASCII only, no white space or quotes.
_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)


@dataclass(frozen=True)
class Username:
    """3-50 letters, digits or underscores."""

    value: str

    def __post_init__(self) -> None:
        if not _USERNAME.fullmatch(self.value):
            raise InvalidValue("username", "must be 3-50 letters, digits or underscores")


@dataclass(frozen=True)
class Email:
    """An email address, kept lower-case so that equality is case-insensitive."""

    value: str

    MAX_LENGTH = 254

    def __post_init__(self) -> None:
        if len(self.value) > self.MAX_LENGTH or not _EMAIL.fullmatch(self.value):
            raise InvalidValue("email", "is not a valid email address")
        if self.value != self.value.lower():
            raise InvalidValue("email", "must be normalised with Email.parse")

    @classmethod
    def parse(cls, raw: str) -> Email:
        return cls(ensure_single_line(raw, "email").strip().lower())


class PasswordPolicy:
    """8-100 characters, with at least one upper-case letter and one digit, and no control
    characters. Letters and digits of any script count (`str.isupper`, `str.isdigit`).

    This is the one definition of the rule: the HTTP edge asks `broken_rules` too, so a client
    hears of every rule a password breaks in one answer, whichever layer refuses it."""

    MIN_LENGTH = 8
    MAX_LENGTH = 100

    @classmethod
    def broken_rules(cls, password: str) -> tuple[str, ...]:
        """What is wrong with `password`, one phrase per broken rule; empty if nothing is."""
        broken: list[str] = []
        if not cls.MIN_LENGTH <= len(password) <= cls.MAX_LENGTH:
            broken.append(f"must be {cls.MIN_LENGTH}-{cls.MAX_LENGTH} characters long")
        if not any(c.isupper() for c in password):
            broken.append("needs an upper-case letter")
        if not any(c.isdigit() for c in password):
            broken.append("needs a digit")
        if has_control_characters(password):
            broken.append("must not contain control characters")
        return tuple(broken)

    @classmethod
    def check(cls, password: str) -> str:
        broken = cls.broken_rules(password)
        if broken:
            raise InvalidValue("password", "; ".join(broken))
        return password


def _full_name(value: str | None) -> str | None:
    return optional_text(value, "full_name", max_length=100, multiline=False)


def _bio(value: str | None) -> str | None:
    return optional_text(value, "bio", max_length=1000, multiline=True)


@dataclass(eq=False)
class User:
    """A person with an account. Identity is the id; equality is identity."""

    username: str
    email: str
    hashed_password: str
    created_at: datetime
    updated_at: datetime
    full_name: str | None = None
    bio: str | None = None
    is_active: bool = True
    is_superuser: bool = False
    credits: Decimal = ZERO
    # Moves on whenever the tokens issued so far must stop working: a new password, a
    # deactivation. An access token names the generation it was issued in.
    token_generation: int = 0
    id: int | None = field(default=None)

    @classmethod
    def register(
        cls,
        *,
        username: str,
        email: str,
        hashed_password: str,
        now: datetime,
        full_name: str | None = None,
        bio: str | None = None,
        is_superuser: bool = False,
    ) -> User:
        """A new, active account with no credits (an admin only when asked)."""
        return cls(
            username=Username(username).value,
            email=Email.parse(email).value,
            hashed_password=hashed_password,
            full_name=_full_name(full_name),
            bio=_bio(bio),
            is_superuser=is_superuser,
            created_at=now,
            updated_at=now,
        )

    def revise(
        self,
        now: datetime,
        *,
        username: Maybe[str] = UNSET,
        email: Maybe[str] = UNSET,
        full_name: Maybe[str | None] = UNSET,
        bio: Maybe[str | None] = UNSET,
        is_active: Maybe[bool] = UNSET,
        hashed_password: Maybe[str] = UNSET,
    ) -> None:
        """Change the given fields as one edit; fields left UNSET keep their value.

        Every value is checked before any is set, so a refused edit changes nothing; an edit
        whose every value equals the current one is no change, and leaves `updated_at`. A
        new password or a deactivation ends every token issued so far."""
        changes: dict[str, object] = {}
        if not isinstance(username, Unset):
            changes["username"] = Username(username).value
        if not isinstance(email, Unset):
            changes["email"] = Email.parse(email).value
        if not isinstance(full_name, Unset):
            changes["full_name"] = _full_name(full_name)
        if not isinstance(bio, Unset):
            changes["bio"] = _bio(bio)
        if not isinstance(is_active, Unset):
            changes["is_active"] = is_active
        if not isinstance(hashed_password, Unset):
            changes["hashed_password"] = hashed_password
        changed = {key: value for key, value in changes.items() if getattr(self, key) != value}
        if not changed:
            return
        for key, value in changed.items():
            setattr(self, key, value)
        if "hashed_password" in changed or changed.get("is_active") is False:
            self.end_sessions()
        self.updated_at = now

    def end_sessions(self) -> None:
        """Every access token issued so far is refused from now on."""
        self.token_generation += 1

    def change_username(self, username: str, now: datetime) -> None:
        self.username = Username(username).value
        self.updated_at = now

    def change_email(self, email: str, now: datetime) -> None:
        self.email = Email.parse(email).value
        self.updated_at = now

    def change_profile(self, *, full_name: str | None, bio: str | None, now: datetime) -> None:
        self.full_name = _full_name(full_name)
        self.bio = _bio(bio)
        self.updated_at = now

    def change_password(self, hashed_password: str, now: datetime) -> None:
        self.hashed_password = hashed_password
        self.end_sessions()
        self.updated_at = now

    def rehash_password(self, hashed_password: str) -> None:
        """The same password under a stronger hash: not an edit, sessions go on."""
        self.hashed_password = hashed_password

    def set_active(self, active: bool, now: datetime) -> None:
        if self.is_active and not active:
            self.end_sessions()
        self.is_active = active
        self.updated_at = now

    def deactivate(self, now: datetime) -> None:
        self.set_active(False, now)

    def credit(self, amount: Decimal, now: datetime) -> None:
        amount = _positive(amount)
        self.credits = to_money(self.credits + amount, "credits")
        self.updated_at = now

    def debit(self, amount: Decimal, now: datetime) -> None:
        amount = _positive(amount)
        if self.credits < amount:
            raise InsufficientCredits(
                f"user {self.id} has {self.credits} credits, {amount} requested"
            )
        self.credits = self.credits - amount
        self.updated_at = now


def refuse_duplicates_within(users: Sequence[User]) -> None:
    """A batch of new accounts may not repeat a username or an email among themselves."""
    for name in ("username", "email"):
        seen: set[str] = set()
        for user in users:
            value = getattr(user, name)
            if value in seen:
                raise DuplicateValue("user", name, value)
            seen.add(value)


def _positive(amount: Decimal) -> Decimal:
    amount = to_money(amount)
    if amount <= 0:
        raise InvalidValue("amount", "must be greater than zero")
    return amount
