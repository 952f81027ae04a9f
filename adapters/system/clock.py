"""The clock of the machine, in UTC."""

from __future__ import annotations

from datetime import UTC, datetime

from application.shared.ports import Clock

__all__ = ["SystemClock"]


class SystemClock(Clock):
    def now(self) -> datetime:
        return datetime.now(UTC)
