"""The domain's errors: one small tree, mapped to HTTP problems in exactly one place.

DomainError
├── InvalidValue            a value breaks a rule (422)
├── NotFound                no entity with that key (404)
└── Conflict                the request conflicts with the current state (409)
    ├── DuplicateValue      a unique field is already taken
    ├── InsufficientStock   a reservation or stock change would go below zero
    ├── InsufficientCredits a debit would go below zero
    ├── InvalidTransition   the status machine does not allow the move
    ├── StaleVersion        the client read an older version (optimistic lock)
    ├── CycleDetected       a category would become its own ancestor
    ├── Inactive            a deactivated user or product was asked to take part
    └── InUse               an entity others still refer to cannot be deleted
"""

from __future__ import annotations

__all__ = [
    "Conflict",
    "CycleDetected",
    "DomainError",
    "DuplicateValue",
    "InUse",
    "Inactive",
    "InsufficientCredits",
    "InsufficientStock",
    "InvalidTransition",
    "InvalidValue",
    "NotFound",
    "StaleVersion",
]


class DomainError(Exception):
    """Base of every error the domain raises on purpose."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class InvalidValue(DomainError):
    """A value breaks a rule of the domain; `field` names the input that carried it."""

    def __init__(self, field: str, detail: str) -> None:
        super().__init__(f"{field}: {detail}")
        self.field = field
        self.reason = detail


class NotFound(DomainError):
    def __init__(self, entity: str, key: object, *, by: str = "id") -> None:
        super().__init__(f"{entity} with {by} {key!r} not found")
        self.entity = entity
        self.key = key


class Conflict(DomainError):
    """The request is well-formed but conflicts with the current state."""


class DuplicateValue(Conflict):
    def __init__(self, entity: str, field: str, value: object | None = None) -> None:
        shown = f" {value!r}" if value is not None else ""
        super().__init__(f"{entity} {field}{shown} already exists")
        self.entity = entity
        self.field = field


class InsufficientStock(Conflict):
    def __init__(self, product_id: int | None, requested: int, available: int) -> None:
        super().__init__(f"product {product_id} has {available} in stock, {requested} requested")
        self.product_id = product_id
        self.requested = requested
        self.available = available


class InsufficientCredits(Conflict):
    pass


class InvalidTransition(Conflict):
    """`current` and `target` are statuses; `detail` replaces the plain "cannot move" sentence
    when the move has a name of its own (paying an order moves it from pending to confirmed)."""

    def __init__(
        self, entity: str, current: str, target: str, *, detail: str | None = None
    ) -> None:
        super().__init__(detail or f"{entity} cannot move from {current} to {target}")
        self.current = current
        self.target = target


class StaleVersion(Conflict):
    def __init__(self, entity: str, key: object, expected: int, actual: int) -> None:
        super().__init__(
            f"{entity} {key} is at version {actual}, the request was based on {expected}"
        )
        self.expected = expected
        self.actual = actual


class CycleDetected(Conflict):
    pass


class Inactive(Conflict):
    pass


class InUse(Conflict):
    pass
