"""Order-number suffixes from the operating system's secure random source."""

from __future__ import annotations

import secrets

from application.shared.ports import OrderNumbers

__all__ = ["RandomOrderNumbers"]


class RandomOrderNumbers(OrderNumbers):
    def suffix(self) -> str:
        """Six upper-case hex digits: 16.7 million possible numbers within each second."""
        return secrets.token_hex(3).upper()
