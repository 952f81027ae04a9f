"""Driven ports that are not storage: time, password hashing, order numbers."""

from __future__ import annotations

import abc
from datetime import datetime

__all__ = ["Clock", "OrderNumbers", "PasswordHasher"]


class Clock(abc.ABC):
    @abc.abstractmethod
    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""


class PasswordHasher(abc.ABC):
    """Hashing is slow on purpose (tenths of a second of CPU): an adapter that does real work
    does it off the event loop, so that other requests go on while a password is hashed."""

    @abc.abstractmethod
    async def hash(self, password: str) -> str: ...

    @abc.abstractmethod
    async def verify(self, hashed: str, password: str) -> bool: ...

    @abc.abstractmethod
    async def verify_nobody(self, password: str) -> bool:
        """Cost what `verify` costs and answer False: what a sign-in with an unknown name
        does, so that its answer takes as long as a wrong password's."""

    @abc.abstractmethod
    def needs_rehash(self, hashed: str) -> bool:
        """Whether `hashed` was made with other parameters than those the hasher uses now
        (the password is hashed again at its next successful sign-in)."""


class OrderNumbers(abc.ABC):
    @abc.abstractmethod
    def suffix(self) -> str:
        """Six upper-case hex digits that make an order number unique within its second."""
