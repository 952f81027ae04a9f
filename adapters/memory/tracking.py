"""What one transaction sees of one kind of entity: committed rows overlaid by private copies.

    committed rows (the store)          identity map (this transaction)
    {1: user₁, 2: user₂}       get(1) ─► {1: copy of user₁}      + new {3: user₃}
                                                                 + deleted {2}
    commit ─► store = {1: copy of the private user₁, 3: copy of user₃}

The same id gives the same object for the whole transaction; committed rows are never handed
out, so a change that is not committed cannot leak into the store.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

__all__ = ["Entity", "Snapshot", "Tracked", "key_of"]


class Entity(Protocol):
    id: int | None


E = TypeVar("E", bound=Entity)


def key_of(entity: Entity) -> int:
    """The id of an entity that storage has already seen."""
    if entity.id is None:
        raise ValueError(f"{type(entity).__name__} has no id: it was never added")
    return entity.id


def _overwrite(entity: object, state: dict[str, Any]) -> None:
    # In place, because the caller may hold a reference to the entity.
    attributes = vars(entity)
    attributes.clear()
    attributes.update(state)


@dataclass(frozen=True)
class Snapshot(Generic[E]):
    """The state of a `Tracked` when a savepoint began."""

    states: dict[int, tuple[E, dict[str, Any]]]
    new: frozenset[int]
    deleted: frozenset[int]


class Tracked(Generic[E]):
    def __init__(self, committed: dict[int, E]) -> None:
        self._committed = committed
        self._identity: dict[int, E] = {}
        self._new: set[int] = set()
        self._deleted: set[int] = set()

    # -- reading -------------------------------------------------------------------------
    def get(self, key: int) -> E | None:
        """The private copy of entity `key`, loaded on first use; None if absent or deleted."""
        if key in self._deleted:
            return None
        found = self._identity.get(key)
        if found is None:
            row = self._committed.get(key)
            if row is None:
                return None
            found = self._identity[key] = copy.deepcopy(row)
        return found

    def load_where(self, predicate: Callable[[E], bool]) -> list[E]:
        """Private copies of every visible entity that satisfies `predicate`, in id order."""
        keys = sorted(key_of(entity) for entity in self.peek() if predicate(entity))
        return [entity for entity in map(self.get, keys) if entity is not None]

    def peek(self) -> Iterator[E]:
        """Every visible entity, without loading it. Read only: committed rows show through."""
        for key, entity in self._identity.items():
            if key not in self._deleted:
                yield entity
        for key, row in self._committed.items():
            if key not in self._identity and key not in self._deleted:
                yield row

    def peek_one(self, key: int) -> E | None:
        """Entity `key` as this transaction sees it, without loading it. Read only."""
        if key in self._deleted:
            return None
        return self._identity.get(key, self._committed.get(key))

    def loaded(self) -> list[E]:
        """Every entity this transaction loaded or added, in id order: those it may change."""
        return [self._identity[key] for key in sorted(self._identity)]

    # -- writing -------------------------------------------------------------------------
    def add(self, key: int, entity: E) -> None:
        self._identity[key] = entity
        self._new.add(key)

    def is_tracking(self, entity: E) -> bool:
        return entity.id is not None and self._identity.get(entity.id) is entity

    def delete(self, key: int) -> None:
        self._identity.pop(key, None)
        if key in self._new:
            self._new.discard(key)  # never committed: nothing to remove from the store
        else:
            self._deleted.add(key)

    def write_back(self) -> None:
        """Make this transaction's view the committed state. Synchronous, hence atomic."""
        for key in self._deleted:
            self._committed.pop(key, None)
        for key, entity in self._identity.items():
            self._committed[key] = copy.deepcopy(entity)
        self._new.clear()
        self._deleted.clear()

    # -- savepoints ----------------------------------------------------------------------
    def snapshot(self) -> Snapshot[E]:
        return Snapshot(
            states={key: (e, copy.deepcopy(vars(e))) for key, e in self._identity.items()},
            new=frozenset(self._new),
            deleted=frozenset(self._deleted),
        )

    def restore(self, snapshot: Snapshot[E]) -> None:
        """Undo what happened since `snapshot`, keeping the objects callers already hold."""
        current = self._identity
        self._identity = {}
        for key, (entity, state) in snapshot.states.items():
            _overwrite(entity, state)
            self._identity[key] = entity
        for key, entity in current.items():
            row = self._committed.get(key)
            if key not in self._identity and row is not None:
                # Loaded inside the savepoint: back to the committed state, same object.
                _overwrite(entity, copy.deepcopy(vars(row)))
                self._identity[key] = entity
        self._new = set(snapshot.new)
        self._deleted = set(snapshot.deleted)
