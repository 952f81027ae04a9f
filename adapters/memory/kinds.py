"""What the in-memory storage knows of one kind of record, declared once, as data.

    kind = RecordKind(
        Notification,
        "notification",
        references=(Reference("user_id", User, OnDelete.CASCADE),),
    )

A `RecordKind` says what the SQL schema says of a table: its unique constraints
(`UniqueRule`), its foreign keys (`Reference`: the id must name a stored record, and what
happens when that record is deleted), and, for an aggregate stored as one record, the inner
parts that get ids of their own (`Part`). The store, the transaction and the deletes read
these declarations and know nothing else of any kind. Invariant: a declaration is only data and
checks; nothing in this module holds state.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from adapters.memory.tracking import Entity
from domain.shared.errors import DuplicateValue

__all__ = ["OnDelete", "Part", "RecordKind", "Reference", "UniqueRule"]

E = TypeVar("E", bound=Entity)


@dataclass(frozen=True)
class UniqueRule(Generic[E]):
    """A unique constraint: `key` must not repeat; `DuplicateValue` reports `field`.

    A key of None is never a duplicate: as in SQL, where NULLs in a unique constraint are
    distinct, two products named alike without a category do not collide. `shown` is the value
    the error reports when it is not the key itself.
    """

    field: str
    key: Callable[[E], Hashable | None]
    shown: Callable[[E], object] | None = None


class OnDelete(enum.Enum):
    """What a reference does when the row it points to is deleted, as `ON DELETE` says."""

    SET_NULL = "set null"  # the field becomes None; no version bump, no timestamp
    CASCADE = "cascade"  # the referring row is deleted too
    RESTRICT = "restrict"  # the delete is refused with `InUse`


@dataclass(frozen=True)
class Part(Generic[E]):
    """Inner entities stored inside an aggregate (an order's items), numbered on their own.

    `name` names their id counter: like a table's own sequence, ids of parts are unique across
    every aggregate, not only within one.
    """

    name: str
    of: Callable[[E], Iterable[Entity]]


@dataclass(frozen=True)
class Reference(Generic[E]):
    """A foreign key: `field` holds the id of a stored `to` entity, or None.

    Like the foreign key, it is checked both ways: a record added or committed naming a `to`
    that is not there is refused (`NotFound`), and `on_delete` says what deleting a `to` does.

    With `within`, the field is on the aggregate's inner parts (an order's items refer to
    products), not on the record itself. `named` is how a refused delete names the referring
    rows ("order lines"); by default "<kind> records".
    """

    field: str
    to: type[Entity]
    on_delete: OnDelete
    within: Part[E] | None = None
    named: str | None = None

    def holders(self, row: E) -> Iterable[object]:
        """The objects that carry `field`: the row itself, or its parts."""
        return (row,) if self.within is None else self.within.of(row)

    def keys(self, row: E) -> Iterable[int]:
        """The ids `row` refers to through this reference (None refers to nothing)."""
        for holder in self.holders(row):
            key = getattr(holder, self.field)
            if key is not None:
                yield key

    def refers_to(self, row: E, key: int) -> bool:
        return any(getattr(holder, self.field) == key for holder in self.holders(row))

    def clear(self, row: E, key: int) -> None:
        """SET NULL: forget `key`, and change nothing else (the version stays as it is)."""
        for holder in self.holders(row):
            if getattr(holder, self.field) == key:
                setattr(holder, self.field, None)


@dataclass(frozen=True, eq=False)
class RecordKind(Generic[E]):
    """One kind of stored record: its entity class and the schema rules it obeys.

    `name` names the id counter and the entity in `DuplicateValue` and `InUse`. Compared by
    identity: a kind is declared once. Its records belong to a store, each store's apart from
    the others', unless `per_store` is False (the stores themselves).
    """

    entity: type[E]
    name: str
    unique: Sequence[UniqueRule[E]] = ()
    references: Sequence[Reference[E]] = ()
    parts: Sequence[Part[E]] = ()
    per_store: bool = True

    def check_unique(self, visible: Iterable[E], candidates: Sequence[E]) -> None:
        """Raise `DuplicateValue` if a candidate shares a key with another visible record.

        `visible` may include the candidates themselves; a record never collides with itself.
        """
        if not candidates or not self.unique:
            return
        rows = list(visible)
        for rule in self.unique:
            taken: dict[Hashable, list[E]] = {}
            for row in rows:
                key = rule.key(row)
                if key is not None:
                    taken.setdefault(key, []).append(row)
            for candidate in candidates:
                key = rule.key(candidate)
                if key is None:
                    continue
                if any(other is not candidate for other in taken.get(key, ())):
                    shown = key if rule.shown is None else rule.shown(candidate)
                    raise DuplicateValue(self.name, rule.field, shown)

    def parts_of(self, row: E) -> Iterable[tuple[str, Entity]]:
        """Every inner part of `row`, with the name of its id counter."""
        for part in self.parts:
            for inner in part.of(row):
                yield part.name, inner
