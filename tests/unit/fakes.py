"""Deterministic stand-ins for the driven ports that are not storage: time and order numbers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from application.shared.ports import Clock, OrderNumbers

__all__ = ["START", "CountingOrderNumbers", "FixedClock"]

START = datetime(2026, 1, 15, 12, 0, 0, tzinfo=UTC)


class FixedClock(Clock):
    """Time stands still until a test moves it."""

    def __init__(self, now: datetime = START) -> None:
        self._now = now

    def now(self) -> datetime:
        return self._now

    def advance(self, **delta: float) -> datetime:
        self._now += timedelta(**delta)
        return self._now


class CountingOrderNumbers(OrderNumbers):
    """Suffixes 000001, 000002, ... so that order numbers are predictable and unique."""

    def __init__(self) -> None:
        self._count = 0

    def suffix(self) -> str:
        self._count += 1
        return f"{self._count:06X}"
