"""Errors the application raises besides the domain's own.

DomainError (domain.shared.errors)
└── InvalidValue
    └── InvalidQuery     a list query names an unknown field, operator or sort key (422)
ApplicationError
├── Unavailable          storage cannot be reached or is too busy right now (503)
│   └── Contention       a deadlock, serialization failure or busy lock: safe to retry
└── RequestInProgress    the same idempotency key is still being executed (409)
"""

from __future__ import annotations

from domain.shared.errors import Conflict, InvalidValue

__all__ = ["ApplicationError", "Contention", "InvalidQuery", "RequestInProgress", "Unavailable"]


class InvalidQuery(InvalidValue):
    """A list query names something outside its whitelist, or a value of the wrong kind."""


class ApplicationError(Exception):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class Unavailable(ApplicationError):
    """The storage cannot serve the request now; nothing was changed."""


class Contention(Unavailable):
    """Lock contention (deadlock, serialization failure, busy database).

    The transaction was rolled back as a whole, so running the use case again is safe."""


class RequestInProgress(Conflict):
    """A request with the same idempotency key is still being executed."""
