"""How a route reaches the use cases of its store: `use_cases(request).place_order()`.

The `UseCases` container (entrypoints/use_cases.py) lists every use case and query port and
names no adapter; the composition root fills one per store. The route's access gate
(entrypoints/http/access.py) found the request's store and put that store's use cases in the
request's state; a route cannot run without its gate, so it cannot reach another store's.
Calling a use-case member gives a fresh handler, so every request has its own unit of work
and no session is ever shared; a query port holds nothing of a request, so one serves all the
requests of its store.

The service pages, which belong to no store, ask the app's `storage_health(request)` instead.

Every route takes what it needs this one way, in its body. A FastAPI dependency would read
the same, and cost each request a resolution step that is a measurable part of a cheap read.
"""

from __future__ import annotations

from typing import cast

from fastapi import Request

from application.shared.health import StorageHealth
from entrypoints.use_cases import UseCases

__all__ = ["storage_health", "use_cases"]


def use_cases(request: Request) -> UseCases:
    """The use cases of the request's store; call a member for a fresh use case or the
    shared query port."""
    return cast(UseCases, request.state.use_cases)


def storage_health(request: Request) -> StorageHealth:
    """Whether the app's storage answers: the same port for every store, reached without one."""
    return cast(StorageHealth, request.app.state.container.storage_health())
