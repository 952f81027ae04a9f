"""How the resource routers are declared, and how the app takes their operations.

`resource_router(prefix, tag, *statuses)` declares the routes of one resource: each one
refuses query parameters it does not declare (`StrictQueryRoute`), is named after its endpoint
function in OpenAPI, and documents the error statuses every operation of the resource shares.

`add_operations(app, router)` makes the router's operations the app's own routes. FastAPI's
`include_router` keeps an included router as one nested route that every request walks into,
with bookkeeping of its own at each level; on a product read that walk was about a tenth of
the worker's CPU (bench/results/2026-11-23.md). A route declared on a router is already
complete (its path carries the prefix, its tags and responses are merged in), so taking it as
it is changes nothing in the answers or in /openapi.json.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute

from entrypoints.http.access import rule_of
from entrypoints.http.errors import error_responses
from entrypoints.http.listing import StrictQueryRoute
from entrypoints.http.openapi import operation_id

__all__ = ["add_operations", "resource_router"]


def resource_router(prefix: str, tag: str, *statuses: int) -> APIRouter:
    """The router of one resource; `statuses` are the errors any of its operations may answer."""
    return APIRouter(
        prefix=prefix,
        tags=[tag],
        responses=error_responses(*statuses),
        route_class=StrictQueryRoute,
        generate_unique_id_function=operation_id,
    )


def add_operations(app: FastAPI, router: APIRouter) -> None:
    """Append the operations of `router` to the app's routes, in their order.

    Deny by default: an operation that names no access rule (entrypoints/http/access.py)
    is refused here, so an app with one cannot even be built."""
    for route in router.routes:
        if not isinstance(route, APIRoute):
            raise TypeError(f"{route!r}: only operations are added; include other routes")
        if rule_of(route) is None:
            methods = ",".join(sorted(route.methods or ()))
            raise TypeError(
                f"{methods} {route.path} names no access rule: give it an `actor: Anyone | "
                "SignedIn | Admin` parameter (entrypoints/http/access.py)"
            )
        app.router.routes.append(route)
