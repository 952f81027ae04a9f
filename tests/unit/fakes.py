"""The moment unit tests start at (order numbers and timestamps in their assertions follow it).

The stand-ins for time, order numbers and hashing are shared with every other suite:
tests/support/fakes.py."""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["START"]

START = datetime(2026, 1, 15, 12, 0, 0, tzinfo=UTC)
