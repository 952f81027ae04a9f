"""The system clock tells aware UTC time."""

from __future__ import annotations

from datetime import UTC, timedelta

from adapters.system import SystemClock


def test_the_system_clock_is_timezone_aware_utc():
    now = SystemClock().now()
    assert now.tzinfo is UTC
    assert now.utcoffset() == timedelta(0)
