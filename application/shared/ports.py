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
    @abc.abstractmethod
    def hash(self, password: str) -> str: ...

    @abc.abstractmethod
    def verify(self, hashed: str, password: str) -> bool: ...


class OrderNumbers(abc.ABC):
    @abc.abstractmethod
    def suffix(self) -> str:
        """Six upper-case hex digits that make an order number unique within its second."""
