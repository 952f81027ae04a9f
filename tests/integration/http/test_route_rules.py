"""Deny by default: every operation names who may call it, and the rule of each one is the
one written down here.

The table below is the access rule of every operation, by method and path. A new operation,
or a changed rule, fails `test_each_operation_has_the_rule_of_the_table` until the table says
the same: a rule is changed on purpose, never by accident. What each rule lets through is
tests/integration/http/test_access.py.
"""

from __future__ import annotations

from typing import Annotated

import pytest
from fastapi import Depends, FastAPI, Request
from fastapi.routing import APIRoute
from starlette.routing import Mount, Route

from application.shared.access import Principal, Rule
from entrypoints.http.access import Admin, Anyone, rule_of
from entrypoints.http.app import create_app
from entrypoints.http.routers import health
from entrypoints.http.routing import add_operations, resource_router
from entrypoints.settings import Settings

ANYONE, SIGNED_IN, ADMIN = Rule.ANYONE, Rule.SIGNED_IN, Rule.ADMIN

RULES: dict[str, Rule] = {
    # the service
    "GET /": ANYONE,
    "GET /health": ANYONE,
    "GET /health/db": ANYONE,
    # signing in
    "POST /auth/token": ANYONE,
    "POST /auth/refresh": ANYONE,
    "POST /auth/logout": ANYONE,
    # the catalogue: read by anyone, changed by admins
    "GET /categories/": ANYONE,
    "GET /categories/tree": ANYONE,
    "GET /categories/{category_id:int}": ANYONE,
    "GET /categories/{category_id:int}/products": ANYONE,
    "POST /categories/": ADMIN,
    "PATCH /categories/{category_id:int}": ADMIN,
    "DELETE /categories/{category_id:int}": ADMIN,
    "GET /products/": ANYONE,
    "GET /products/{product_id:int}": ANYONE,
    "GET /products/low-stock": ANYONE,
    "GET /products/by-category-stats": ANYONE,
    "GET /products/with-category": ANYONE,
    "GET /products/by-sku/{sku}": ANYONE,
    "GET /products/by-slug/{slug}": ANYONE,
    "POST /products/": ADMIN,
    "PATCH /products/{product_id:int}": ADMIN,
    "DELETE /products/{product_id:int}": ADMIN,
    "POST /products/{product_id:int}/stock-adjustments": ADMIN,
    # accounts: signing up is open; one's own account needs a sign-in; the rest is for
    # admins, except reading one account, where the use case lets its owner through
    "POST /users/": ANYONE,
    "GET /users/me": SIGNED_IN,
    "PATCH /users/me": SIGNED_IN,
    "GET /users/{user_id:int}": SIGNED_IN,
    "GET /users/by-email/{email}": SIGNED_IN,
    "GET /users/{user_id:int}/orders": SIGNED_IN,
    "POST /users/bulk": ADMIN,
    "GET /users/": ADMIN,
    "GET /users/stats/counts": ADMIN,
    "GET /users/top-spenders": ADMIN,
    "POST /users/maintenance/deactivate-stale": ADMIN,
    "POST /users/maintenance/purge-inactive": ADMIN,
    "PUT /users/{user_id:int}": ADMIN,
    "PATCH /users/{user_id:int}": ADMIN,
    "DELETE /users/{user_id:int}": ADMIN,
    "GET /exports/users": ADMIN,
    # orders: a signed-in caller, the use case deciding whose; figures over all for admins
    "POST /orders/": SIGNED_IN,
    "GET /orders/": SIGNED_IN,
    "GET /orders/user/{user_id:int}": SIGNED_IN,
    "GET /orders/{order_id:int}": SIGNED_IN,
    "GET /orders/{order_id:int}/details": SIGNED_IN,
    "PATCH /orders/{order_id:int}/status": SIGNED_IN,
    "POST /orders/{order_id:int}/payments": SIGNED_IN,
    "GET /orders/stats/summary": ADMIN,
    # content: published posts and tags read by anyone; writing a post needs a sign-in, the
    # use case deciding whose post it is (another user's is a 404)
    "POST /posts/": SIGNED_IN,
    "GET /posts/": ANYONE,
    "GET /posts/trash": SIGNED_IN,
    "GET /posts/{post_id:int}": ANYONE,
    "GET /posts/by-slug/{slug}": ANYONE,
    "PATCH /posts/{post_id:int}": SIGNED_IN,
    "POST /posts/{post_id:int}/publish": SIGNED_IN,
    "POST /posts/{post_id:int}/archive": SIGNED_IN,
    "POST /posts/{post_id:int}/draft": SIGNED_IN,
    "DELETE /posts/{post_id:int}": SIGNED_IN,
    "POST /posts/{post_id:int}/restore": SIGNED_IN,
    "GET /tags/": ANYONE,
    "GET /tags/{slug}/posts": ANYONE,
    "GET /users/{user_id:int}/posts": ANYONE,
    # items: a signed-in caller, the use case deciding whose (the owner's, or an admin's)
    "POST /items/": SIGNED_IN,
    "GET /items/": SIGNED_IN,
    "GET /items/{item_id:int}": SIGNED_IN,
    "PATCH /items/{item_id:int}": SIGNED_IN,
    "DELETE /items/{item_id:int}": SIGNED_IN,
    "POST /items/{item_id:int}/transfer": SIGNED_IN,
    # notifications: always the caller's own
    "GET /users/me/notifications": SIGNED_IN,
    "GET /users/me/notifications/unread-count": SIGNED_IN,
    "POST /notifications/{notification_id:int}/read": SIGNED_IN,
    "POST /notifications/read-all": SIGNED_IN,
    # the wallet: one's own money for a signed-in caller, the use case deciding whose
    # transfer; credits enter by an admin's grant; the reconciliation is an admin's
    "POST /transfers/": SIGNED_IN,
    "GET /transfers/": SIGNED_IN,
    "GET /transfers/{transfer_id:int}": SIGNED_IN,
    "GET /users/me/balance": SIGNED_IN,
    "GET /users/me/ledger": SIGNED_IN,
    "POST /users/{user_id:int}/credit-grants": ADMIN,
    "GET /admin/ledger/reconciliation": ADMIN,
}

# Routes that are not operations, and so name no rule: the documentation, open to anyone.
PUBLIC_PAGES = {
    "/openapi.json",
    "/docs",
    "/docs/oauth2-redirect",
    "/redoc",
    "/docs/assets",
}


def _app() -> FastAPI:
    return create_app(Settings(_env_file=None, database_url="memory://"))


def _operations(app: FastAPI) -> dict[str, APIRoute]:
    return {
        f"{method} {route.path}": route
        for route in app.routes
        if isinstance(route, APIRoute)
        for method in sorted(route.methods or ())
    }


def test_each_operation_has_the_rule_of_the_table() -> None:
    rules = {name: rule_of(route) for name, route in _operations(_app()).items()}

    assert rules == RULES


def test_every_operation_names_a_rule() -> None:
    unruled = [name for name, route in _operations(_app()).items() if rule_of(route) is None]

    assert unruled == []


def test_every_route_that_is_not_an_operation_is_a_documentation_page() -> None:
    others = [route for route in _app().routes if not isinstance(route, APIRoute)]

    assert {route.path for route in others if isinstance(route, Route | Mount)} == PUBLIC_PAGES
    assert all(isinstance(route, Route | Mount) for route in others)
    assert all(
        route.methods <= {"GET", "HEAD"}
        for route in others
        if isinstance(route, Route) and route.methods is not None
    )


async def _unruled(request: Request) -> dict[str, str]:
    return {}


def test_an_app_with_an_operation_that_names_no_rule_cannot_be_built(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rogue = resource_router("/rogue", "rogue", 500)
    rogue.add_api_route("/", _unruled, methods=["GET"])
    monkeypatch.setattr(health, "router", rogue)

    with pytest.raises(TypeError, match="GET /rogue/ names no access rule"):
        _app()


def test_a_dependency_that_is_not_a_rule_does_not_count_as_one() -> None:
    router = resource_router("/rogue", "rogue", 500)

    async def who(request: Request) -> Principal:
        return Principal.anonymous()

    @router.get("/")
    async def looks_guarded(actor: Annotated[Principal, Depends(who)]) -> dict[str, str]:
        return {}

    with pytest.raises(TypeError, match="names no access rule"):
        add_operations(FastAPI(), router)


def test_an_operation_that_names_two_rules_is_refused() -> None:
    router = resource_router("/rogue", "rogue", 500)

    @router.get("/")
    async def two_rules(first: Anyone, second: Admin) -> dict[str, str]:
        return {}

    with pytest.raises(TypeError, match="one access rule, not several"):
        add_operations(FastAPI(), router)


def test_an_operation_with_a_rule_is_added() -> None:
    app = FastAPI()
    router = resource_router("/guarded", "guarded", 500)

    @router.get("/")
    async def guarded(actor: Admin) -> dict[str, str]:
        return {}

    add_operations(app, router)

    (route,) = [r for r in app.routes if isinstance(r, APIRoute)]
    assert (route.path, rule_of(route)) == ("/guarded/", ADMIN)
