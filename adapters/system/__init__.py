"""System adapters: the machine's clock and its secure random source."""

from __future__ import annotations

from adapters.system.clock import SystemClock
from adapters.system.order_numbers import RandomOrderNumbers

__all__ = ["RandomOrderNumbers", "SystemClock"]
