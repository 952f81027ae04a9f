"""What the in-memory query fakes share: the committed store they read, and money rounding.

Like the SQL read side, a query fake sees what was committed and nothing else (it reads the
store, never a transaction, and takes no lock), and returns frozen read models, never entities.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

from adapters.memory.store import InMemoryStore
from domain.shared.money import CENT

__all__ = ["InMemoryQueries", "money"]


class InMemoryQueries:
    """The base of every query fake: it reads one store's committed rows."""

    def __init__(self, store: InMemoryStore) -> None:
        self._store = store


def money(amount: Decimal) -> Decimal:
    """A sum rounded to cents as the SQL adapters round it: half to even (averages:
    `application.shared.decimals.average`)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_EVEN)
