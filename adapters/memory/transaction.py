"""One in-memory transaction: every record kind as it sees them, and how it commits.

Everything here is derived from the registered record kinds (`adapters.memory.kinds`): a
`Tracked` per kind, the unique checks, the reference checks (a record names only records that
are there), the ids of new records and of their inner parts, what a delete does to the records
that refer to the deleted one, savepoints and the write-back.
Invariant: no kind is named here; a new kind needs no change to this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from adapters.memory.kinds import OnDelete, RecordKind, Reference
from adapters.memory.registry import kind_of, record_kinds
from adapters.memory.store import InMemoryStore
from adapters.memory.tracking import Entity, Snapshot, Tracked, key_of
from domain.shared.errors import InUse, NotFound

__all__ = ["Transaction", "TransactionSnapshot"]

E = TypeVar("E", bound=Entity)

TransactionSnapshot = Mapping[type, Snapshot[Any]]
"""The state of every kind's `Tracked` when a savepoint began, by entity class."""

_Row = tuple[RecordKind[Any], int]
"""A stored record, named by its kind and id."""


class Transaction:
    def __init__(self, store: InMemoryStore) -> None:
        self.store = store
        self._tracked: dict[type, Tracked[Any]] = {
            kind.entity: Tracked(store.rows(kind.entity)) for kind in record_kinds()
        }

    def rows(self, entity: type[E]) -> Tracked[E]:
        """The `entity` records as this transaction sees them."""
        tracked = self._tracked.get(entity)
        if tracked is None:
            kind_of(entity)  # says why when the class is not a registered kind at all
            raise LookupError(f"{entity.__name__} was registered after this transaction began")
        return tracked

    # -- writing -------------------------------------------------------------------------
    def add(self, entity: Entity) -> None:
        """Track a new record: check its unique rules, then its references, as SQL checks
        its constraints, and give it and its parts ids.

        Adding a record this transaction already tracks changes nothing, as with a session.
        """
        kind = kind_of(type(entity))
        rows = self.rows(kind.entity)
        if rows.is_tracking(entity):
            return
        kind.check_unique(rows.peek(), [entity])
        self._check_references(kind, entity)
        if entity.id is not None:
            raise ValueError(f"{kind.name} {entity.id} is stored already")
        entity.id = self.store.next_id(kind.name)
        rows.add(entity.id, entity)
        self._number_parts(kind, entity)

    def delete(self, entity: Entity) -> None:
        """Delete a record and do what the foreign keys that refer to it do.

        Like one DELETE statement, it is all or nothing: every record the cascades reach is
        found and every RESTRICT checked before anything changes.
        """
        doomed = self._with_cascades(kind_of(type(entity)), key_of(entity))
        for kind, key in doomed:
            self._refuse_if_restricted(kind, key, doomed)
        for kind, key in doomed:
            for referrer, reference in _references_to(kind):
                if reference.on_delete is OnDelete.SET_NULL:
                    self._set_null(referrer, reference, key)
        for kind, key in doomed:
            self.rows(kind.entity).delete(key)

    def _set_null(self, referrer: RecordKind[Any], reference: Reference[Any], key: int) -> None:
        # On the private copies: a SET NULL is a change this transaction commits or drops.
        for row in self.rows(referrer.entity).load_where(lambda row: reference.refers_to(row, key)):
            reference.clear(row, key)

    def _with_cascades(self, kind: RecordKind[Any], key: int) -> list[_Row]:
        """The record and, transitively, every record an ON DELETE CASCADE takes with it."""
        doomed: list[_Row] = []
        waiting: list[_Row] = [(kind, key)]
        while waiting:
            row = waiting.pop()
            if row in doomed:
                continue
            doomed.append(row)
            for referrer, reference in _references_to(row[0]):
                if reference.on_delete is OnDelete.CASCADE:
                    waiting.extend(
                        (referrer, key_of(other))
                        for other in self.rows(referrer.entity).peek()
                        if reference.refers_to(other, row[1])
                    )
        return doomed

    def _refuse_if_restricted(self, kind: RecordKind[Any], key: int, doomed: list[_Row]) -> None:
        for referrer, reference in _references_to(kind):
            if reference.on_delete is not OnDelete.RESTRICT:
                continue
            for other in self.rows(referrer.entity).peek():
                if (referrer, key_of(other)) not in doomed and reference.refers_to(other, key):
                    holders = reference.named or f"{referrer.name} records"
                    raise InUse(f"{kind.name} {key} is on {holders} and cannot be deleted")

    def number_parts(self) -> None:
        """Give ids to the inner parts of every loaded record that have none yet."""
        for kind in record_kinds():
            if kind.parts:
                for row in self.rows(kind.entity).loaded():
                    self._number_parts(kind, row)

    def _number_parts(self, kind: RecordKind[Any], row: Entity) -> None:
        for counter, part in kind.parts_of(row):
            if part.id is None:
                part.id = self.store.next_id(counter)

    def _check_references(self, kind: RecordKind[Any], row: Entity) -> None:
        """What a foreign key does on INSERT and UPDATE: every id `row` names, through each
        reference in the order they are declared, is a record this transaction sees."""
        for reference in kind.references:
            referred = self.rows(reference.to)
            for key in reference.keys(row):
                if referred.peek_one(key) is None:
                    raise NotFound(kind_of(reference.to).name, key)

    # -- commit --------------------------------------------------------------------------
    def check_unique(self) -> None:
        """Every unique rule, over the records this transaction may have changed."""
        for kind in record_kinds():
            rows = self.rows(kind.entity)
            kind.check_unique(rows.peek(), rows.loaded())

    def check_references(self) -> None:
        """Every reference of the records this transaction may have changed (a product moved
        to another category after it was loaded, a line added to an order)."""
        for kind in record_kinds():
            if kind.references:
                for row in self.rows(kind.entity).loaded():
                    self._check_references(kind, row)

    def commit(self) -> None:
        """Check first, then write everything; no await in between, so no one sees half."""
        self.check_unique()
        self.check_references()
        self.number_parts()
        for tracked in self._tracked.values():
            tracked.write_back()

    # -- savepoints ----------------------------------------------------------------------
    def snapshot(self) -> TransactionSnapshot:
        return {entity: tracked.snapshot() for entity, tracked in self._tracked.items()}

    def restore(self, snapshot: TransactionSnapshot) -> None:
        for entity, tracked in self._tracked.items():
            tracked.restore(snapshot[entity])


def _references_to(kind: RecordKind[Any]) -> list[tuple[RecordKind[Any], Reference[Any]]]:
    """Every declared reference to `kind`'s records, with the kind that declares it."""
    return [
        (referrer, reference)
        for referrer in record_kinds()
        for reference in referrer.references
        if reference.to is kind.entity
    ]
