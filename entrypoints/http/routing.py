"""How the resource routers are declared, and how the app takes their operations.

`resource_router(prefix, tag, *statuses)` declares the routes of one resource: each one
refuses query parameters it does not declare (`StrictQueryRoute`), is named after its endpoint
function in OpenAPI, and documents the error statuses every operation of the resource shares.

`add_operations(app, router)` makes the router's operations the app's own routes, each one
documenting what its access rule may answer before it runs (`document_rule`). FastAPI's
`include_router` keeps an included router as one nested route that every request walks into,
with bookkeeping of its own at each level; on a product read that walk was about a tenth of
the worker's CPU (bench/results/2026-11-23.md). A route declared on a router is already
complete (its path carries the prefix, its tags and responses are merged in), so taking it as
it is changes nothing in the answers, nor in /openapi.json but what `document_rule` adds.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute

from application.shared.access import Rule
from entrypoints.http.access import SCHEME_NAME, Gate, rule_of
from entrypoints.http.errors import error_responses
from entrypoints.http.listing import StrictQueryRoute
from entrypoints.http.openapi import operation_id

__all__ = ["add_operations", "document_rule", "resource_router"]

# What each rule may answer before the operation runs. A token that is not valid is a 401
# wherever it is sent, open operations included: a client that believes it is signed in must
# hear that it is not. A customer where only an admin may go is a 403.
_REFUSALS: Final[Mapping[Rule, tuple[int, ...]]] = {
    Rule.ANYONE: (401,),
    Rule.SIGNED_IN: (401,),
    Rule.ADMIN: (401, 403),
}


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
    is refused here, so an app with one cannot even be built; and so is one whose rule is
    not its first dependency. FastAPI runs dependencies in order: a list's query, parsed
    first, would answer an anonymous caller's bad filter 422 instead of 401."""
    for route in router.routes:
        if not isinstance(route, APIRoute):
            raise TypeError(f"{route!r}: only operations are added; include other routes")
        rule = rule_of(route)
        if rule is None:
            methods = ",".join(sorted(route.methods or ()))
            raise TypeError(
                f"{methods} {route.path} names no access rule: give it an `actor: Anyone | "
                "SignedIn | Admin` parameter (entrypoints/http/access.py)"
            )
        if not isinstance(route.dependant.dependencies[0].call, Gate):
            raise TypeError(
                f"{route.path}: name the `actor` before every other dependency, so that its "
                "rule refuses a caller before anything looks at their input"
            )
        document_rule(route, rule)
        app.router.routes.append(route)


def document_rule(route: APIRoute, rule: Rule) -> None:
    """Add to the operation's OpenAPI entry the refusals of its rule, and for an operation
    open to anyone the token it takes but does not need. (The token of the other rules is
    documented as required by their gate's security dependency.)"""
    for status, response in error_responses(*_REFUSALS[rule]).items():
        route.responses.setdefault(status, response)
    if rule is Rule.ANYONE:
        # A requirement met by nothing (`{}`) or by the bearer token: /docs sends the token
        # once signed in (an admin sees more of the catalog), and no client believes it
        # needs one.
        optional_token: list[dict[str, list[str]]] = [{}, {SCHEME_NAME: []}]
        route.openapi_extra = {**(route.openapi_extra or {}), "security": optional_token}
