"""The committed state of the in-memory storage: what every unit of work starts from.

The store owns its entities: nothing outside this package ever holds a reference to one of
them. Units of work read private copies and write copies back on commit; the query fakes
build frozen read models from them. It holds one table per registered record kind and knows
nothing else of any of them.

Each shop's rows are apart: `of_store(store_id)` is the part of the storage that holds one
store's rows, and a unit of work or query fake made over it sees those rows and no other, as
the SQL adapters see one store's rows only. Its unique rules hold within it, so two stores may
both sell "WH-001". The parts share the id counters (ids are unique across stores, as SQL's
sequences make them, so another store's id is simply not found) and the writer lock; the
stores themselves (`per_store=False` kinds) are kept once, visible from every part.
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

    def __init__(self, whole: InMemoryStore | None = None) -> None:
        # One table per record kind, made when the kind is first used.
        self._tables: dict[type, dict[int, Any]] = {}
        self.idempotency_keys: dict[tuple[str, str], IdempotencyRecord] = {}
        self._whole = self if whole is None else whole
        self._parts: dict[int, InMemoryStore] = {}
        self._last_ids: dict[str, int] = {} if whole is None else whole._last_ids
        # One writer at a time, like SQLite's BEGIN IMMEDIATE: a unit of work holds it from
        # entry to exit, so concurrent use cases queue instead of losing updates.
        self.write_lock: asyncio.Lock = asyncio.Lock() if whole is None else whole.write_lock

    def of_store(self, store_id: int) -> InMemoryStore:
        """The part that holds the rows of store `store_id` (made on first use, then kept)."""
        whole = self._whole
        part = whole._parts.get(store_id)
        if part is None:
            part = whole._parts[store_id] = InMemoryStore(whole)
        return part

    def rows(self, entity: type[E]) -> dict[int, E]:
        """The committed `entity` records by id. Read them; only a commit writes here."""
        owner = self if kind_of(entity).per_store else self._whole
        table = owner._tables.get(entity)
        if table is None:
            table = owner._tables[entity] = {}
        return table

    def next_id(self, counter: str) -> int:
        """The next id of `counter` (a kind's or a part's name), starting at 1."""
        value = self._last_ids.get(counter, 0) + 1
        self._last_ids[counter] = value
        return value
