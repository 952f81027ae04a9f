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


class OrderNumbers(abc.ABC):
    @abc.abstractmethod
    def suffix(self) -> str:
        """Six upper-case hex digits that make an order number unique within its second."""
