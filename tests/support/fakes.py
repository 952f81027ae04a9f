"""Deterministic stand-ins for the driven ports that are not storage: time, order numbers,
password hashing. The container's own providers are overridden with these in tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from application.shared.ports import Clock, OrderNumbers, PasswordHasher

__all__ = ["START", "CountingOrderNumbers", "PlainHasher", "SteppingClock"]

# Microseconds included, as databases keep them.
START = datetime(2026, 3, 1, 9, 30, 0, 123456, tzinfo=UTC)


class SteppingClock(Clock):
    """Time stands still until a test moves it."""

    def __init__(self, now: datetime = START) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> datetime:
        self.current += timedelta(**delta)
        return self.current


class CountingOrderNumbers(OrderNumbers):
    """Suffixes 000001, 000002, ...: order numbers predictable, unique and alike on every
    backend."""

    def __init__(self) -> None:
        self.count = 0

    def suffix(self) -> str:
        self.count += 1
        return f"{self.count:06X}"


class PlainHasher(PasswordHasher):
    """Not a hash at all: storage tests care where it is stored, not how it is made."""

    async def hash(self, password: str) -> str:
        return f"plain${password}"

    async def verify(self, hashed: str, password: str) -> bool:
        return hashed == f"plain${password}"

    async def verify_nobody(self, password: str) -> bool:
        return False

    def needs_rehash(self, hashed: str) -> bool:
        return not hashed.startswith("plain$")
