"""The committed state of the in-memory storage: what every unit of work starts from.

The store owns its entities: nothing outside this package ever holds a reference to one of
them. Units of work read private copies and write copies back on commit; the query fakes
build frozen read models from them. It holds one table per registered record kind and knows
nothing else of any of them.
"""

from __future__ import annotations

import asyncio
from typing import Any, TypeVar

from adapters.memory.registry import kind_of
from adapters.memory.tracking import Entity
from application.shared.idempotency.store import IdempotencyRecord

__all__ = ["InMemoryStore"]

E = TypeVar("E", bound=Entity)


class InMemoryStore:
    """Committed rows per record kind, id counters, and the store-wide writer lock.

    An aggregate is one row: an order is stored with its items and payments. Counters behave
    like database sequences: an id, once given, is never given again, even if the transaction
    that took it rolled back.
    """

    def __init__(self) -> None:
        # One table per record kind, made when the kind is first used.
        self._tables: dict[type, dict[int, Any]] = {}
        self.idempotency_keys: dict[tuple[str, str], IdempotencyRecord] = {}
        self._last_ids: dict[str, int] = {}
        # One writer at a time, like SQLite's BEGIN IMMEDIATE: a unit of work holds it from
        # entry to exit, so concurrent use cases queue instead of losing updates.
        self.write_lock = asyncio.Lock()

    def rows(self, entity: type[E]) -> dict[int, E]:
        """The committed `entity` records by id. Read them; only a commit writes here."""
        table = self._tables.get(entity)
        if table is None:
            kind_of(entity)  # refuses a class that is not a registered kind
            table = self._tables[entity] = {}
        return table

    def next_id(self, counter: str) -> int:
        """The next id of `counter` (a kind's or a part's name), starting at 1."""
        value = self._last_ids.get(counter, 0) + 1
        self._last_ids[counter] = value
        return value
