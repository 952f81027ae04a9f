"""Who may do what: every operation, called by an anonymous caller, a customer and an admin.

    the service pages, signing in, refreshing, signing out   anyone
    signing up                        anyone; only an admin may create an admin (403 otherwise)
    reading categories and products   anyone; an inactive product exists for admins only
    changing the catalogue or stock   401 anonymous, 403 customer, admin
    one's own account (/users/me)     401 anonymous; any signed-in user
    other accounts, lists, figures,   401 anonymous; a customer hears 404 for one account
      clean-ups, exports                (as if there were none), 403 for anything else; admin
    placing an order                  401 anonymous; a customer for themself only (403 for
                                        another); an admin for anyone
    reading, paying, cancelling       401 anonymous; a customer their own orders (another's
      an order                          is a 404) and cancels only while pending; admin any
    confirming, shipping, delivering; 401 anonymous, 403 customer, admin
      the figures over all orders
    items                             401 anonymous; a customer their own (another's is a
                                        404); an admin any of the store
    notifications                     401 anonymous; anyone signed in, their own only
    one's own balance, ledger,        401 anonymous; any signed-in user, their own money only
      transfers
    granting credits, reconciling     401 anonymous, 403 customer, admin

A refused call changes nothing: where it matters, the tests check that the admin's call that
follows finds everything as it was. Which object is whose, for every route with an id in its
path, is tests/integration/http/test_bola.py.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from tests.integration.http.api import Api, Customer, assert_problem, token_pair


@dataclass(frozen=True)
class Call:
    """One request, and a GET (sent as the admin) whose answer a refused call must leave as it
    was."""

    method: str
    path: str
    json: Any = None
    params: dict[str, Any] = field(default_factory=dict)
    probe: str | None = None

    async def by(self, client: httpx.AsyncClient) -> httpx.Response:
        return await client.request(
            self.method, self.path, json=self.json, params=self.params or None
        )


async def _refused_alike(api: Api, customer: Customer, call: Call, customer_status: int) -> None:
    """Anonymous: 401; the customer: `customer_status`; and neither changed a thing."""
    before = (await api.client.get(call.probe)).json() if call.probe else None

    anonymous = await call.by(api.anonymous)
    as_customer = await call.by(customer.client)

    assert_problem(anonymous, 401, "unauthenticated")
    assert anonymous.headers["www-authenticate"] == "Bearer"
    assert_problem(as_customer, customer_status)
    if call.probe:
        assert (await api.client.get(call.probe)).json() == before


# ------------------------------------------------------------------------------ open to anyone
@pytest.mark.parametrize(
    "path",
    ["/", "/health", "/health/db", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"],
)
async def test_the_service_pages_are_open_to_anyone(api: Api, path: str) -> None:
    customer = await api.customer()

    answers = [await caller.get(path) for caller in (api.anonymous, customer.client, api.client)]

    assert [answer.status_code for answer in answers] == [200, 200, 200]


async def test_anyone_signs_in_refreshes_and_signs_out(api: Api) -> None:
    customer = await api.customer()

    for caller in (api.anonymous, customer.client, api.client):
        pair = await token_pair(caller, customer.user["username"])
        refreshed = await caller.post(
            "/auth/refresh", json={"refresh_token": pair["refresh_token"]}
        )
        assert refreshed.status_code == 200, refreshed.text
        out = await caller.post(
            "/auth/logout", json={"refresh_token": refreshed.json()["refresh_token"]}
        )
        assert out.status_code == 204


# ------------------------------------------------------------------------------ signing up
async def test_anyone_signs_up_a_customer(api: Api) -> None:
    customer = await api.customer()

    made = [
        await caller.post("/users/", json=api.new_user())
        for caller in (api.anonymous, customer.client, api.client)
    ]

    assert [answer.status_code for answer in made] == [201, 201, 201]
    assert [answer.json()["is_superuser"] for answer in made] == [False, False, False]


async def test_only_an_admin_creates_an_admin(api: Api) -> None:
    customer = await api.customer()
    wanted = api.new_user(is_superuser=True)

    anonymous = await api.anonymous.post("/users/", json=wanted)
    as_customer = await customer.client.post("/users/", json=wanted)
    not_made = await api.client.get(f"/users/by-email/{wanted['email']}")
    as_admin = await api.client.post("/users/", json=wanted)

    assert_problem(anonymous, 403, "forbidden")
    assert_problem(as_customer, 403, "forbidden")
    assert_problem(not_made, 404, "not-found")
    assert as_admin.status_code == 201, as_admin.text
    assert as_admin.json()["is_superuser"] is True
    # The new admin is one: they may do what only admins may.
    new_admin = await token_pair(api.anonymous, wanted["username"])
    listed = await api.anonymous.get(
        "/users/", headers={"Authorization": f"Bearer {new_admin['access_token']}"}
    )
    assert listed.status_code == 200, listed.text


# ------------------------------------------------------------------------------ the catalogue
async def test_anyone_reads_the_categories_and_the_products(api: Api) -> None:
    customer = await api.customer()
    category = await api.category()
    product = await api.product(category_id=category["id"])
    # Lists kept to the test's own category: an admin's would show other tests' inactive
    # products too.
    filed = {"category_id": category["id"]}
    reads: list[tuple[str, dict[str, Any]]] = [
        ("/categories/", {}),
        ("/categories/tree", {}),
        (f"/categories/{category['id']}", {}),
        (f"/categories/{category['id']}/products", {}),
        ("/products/", filed),
        (f"/products/{product['id']}", {}),
        (f"/products/by-sku/{product['sku']}", {}),
        (f"/products/by-slug/{product['slug']}", {}),
        ("/products/low-stock", {**filed, "threshold": 100}),
        ("/products/with-category", filed),
        ("/products/by-category-stats", {}),
    ]

    for path, params in reads:
        answers = [
            await caller.get(path, params=params)
            for caller in (api.anonymous, customer.client, api.client)
        ]
        assert [answer.status_code for answer in answers] == [200, 200, 200], path
        assert answers[0].json() == answers[1].json() == answers[2].json(), path


async def test_an_inactive_product_is_there_for_admins_only(api: Api) -> None:
    customer = await api.customer()
    category = await api.category()
    active = await api.product(category_id=category["id"], stock_quantity=1)
    hidden = await api.product(category_id=category["id"], stock_quantity=1, is_active=False)
    in_category = {"category_id": category["id"]}
    lists = [
        ("/products/", in_category),
        ("/products/low-stock", {**in_category, "threshold": 5}),
        (f"/categories/{category['id']}/products", {}),
    ]
    one = [
        f"/products/{hidden['id']}",
        f"/products/by-sku/{hidden['sku']}",
        f"/products/by-slug/{hidden['slug']}",
    ]

    for caller in (api.anonymous, customer.client):
        for path, params in lists:
            page = (await caller.get(path, params=params)).json()
            assert [p["id"] for p in page["items"]] == [active["id"]], path
            assert page["total"] == 1, path
        with_category = await caller.get("/products/with-category", params=in_category)
        assert [row["product"]["id"] for row in with_category.json()["items"]] == [active["id"]]
        # Asking for inactive products by name is no way around it.
        asked = await caller.get("/products/", params={**in_category, "is_active": "false"})
        assert asked.json()["items"] == []
        for path in one:
            assert_problem(await caller.get(path), 404, "not-found")

    for path, params in lists:
        page = (await api.client.get(path, params=params)).json()
        assert {p["id"] for p in page["items"]} == {active["id"], hidden["id"]}, path
    for path in one:
        shown = await api.client.get(path)
        assert shown.status_code == 200, path
        assert shown.json()["is_active"] is False


async def _new_category(api: Api) -> tuple[Call, int]:
    return Call("POST", "/categories/", {"name": api.unique("Refused")}), 201


async def _rename_category(api: Api) -> tuple[Call, int]:
    category = await api.category()
    path = f"/categories/{category['id']}"
    return Call("PATCH", path, {"name": api.unique("Renamed")}, probe=path), 200


async def _delete_category(api: Api) -> tuple[Call, int]:
    path = f"/categories/{(await api.category())['id']}"
    return Call("DELETE", path, probe=path), 204


async def _new_product(api: Api) -> tuple[Call, int]:
    name = api.unique("Refused")
    body = {"name": name, "sku": name.replace("_", "-"), "price": "5.00"}
    return Call("POST", "/products/", body), 201


async def _update_product(api: Api) -> tuple[Call, int]:
    path = f"/products/{(await api.product())['id']}"
    # Version 1 must still be the current one when the admin sends it.
    return Call("PATCH", path, {"version": 1, "price": "0.01"}, probe=path), 200


async def _delete_product(api: Api) -> tuple[Call, int]:
    path = f"/products/{(await api.product())['id']}"
    return Call("DELETE", path, probe=path), 204


async def _adjust_stock(api: Api) -> tuple[Call, int]:
    product = await api.product()
    path = f"/products/{product['id']}"
    return Call("POST", f"{path}/stock-adjustments", {"delta": -1}, probe=path), 200


# ------------------------------------------------------------------------------ accounts
async def _list_users(api: Api) -> tuple[Call, int]:
    return Call("GET", "/users/"), 200


async def _bulk_users(api: Api) -> tuple[Call, int]:
    return Call("POST", "/users/bulk", {"users": [api.new_user(), api.new_user()]}), 201


async def _count_users(api: Api) -> tuple[Call, int]:
    return Call("GET", "/users/stats/counts"), 200


async def _top_spenders(api: Api) -> tuple[Call, int]:
    return Call("GET", "/users/top-spenders"), 200


async def _deactivate_stale(api: Api) -> tuple[Call, int]:
    stale = {"days": 1}
    return Call("POST", "/users/maintenance/deactivate-stale", params=stale), 200


async def _purge_inactive(api: Api) -> tuple[Call, int]:
    user = await api.user()
    await api.client.delete(f"/users/{user['id']}")
    # The inactive user without orders is still there after the refused calls.
    return Call("POST", "/users/maintenance/purge-inactive", probe=f"/users/{user['id']}"), 200


async def _replace_user(api: Api) -> tuple[Call, int]:
    user = await api.user()
    path = f"/users/{user['id']}"
    body = {"username": user["username"], "email": user["email"], "is_active": False}
    return Call("PUT", path, body, probe=path), 200


async def _patch_user(api: Api) -> tuple[Call, int]:
    path = f"/users/{(await api.user())['id']}"
    return Call("PATCH", path, {"full_name": "Taken Over"}, probe=path), 200


async def _deactivate_user(api: Api) -> tuple[Call, int]:
    path = f"/users/{(await api.user())['id']}"
    return Call("DELETE", path, probe=path), 204


async def _export_users(api: Api) -> tuple[Call, int]:
    return Call("GET", "/exports/users"), 200


# ------------------------------------------------------------------------------ orders
async def _order_stats(api: Api) -> tuple[Call, int]:
    return Call("GET", "/orders/stats/summary"), 200


# ------------------------------------------------------------------------------ wallet
async def _grant_credits(api: Api) -> tuple[Call, int]:
    user_id = (await api.user())["id"]
    body = {"amount": "10.00", "reason": "Goodwill"}
    return Call("POST", f"/users/{user_id}/credit-grants", body, probe=f"/users/{user_id}"), 201


async def _reconcile_ledger(api: Api) -> tuple[Call, int]:
    return Call("GET", "/admin/ledger/reconciliation"), 200


Make = Callable[[Api], Awaitable[tuple[Call, int]]]
# Refused to anonymous callers (401) and to customers (403); done for an admin.
ADMIN_ONLY: dict[str, Make] = {
    "create a category": _new_category,
    "change a category": _rename_category,
    "delete a category": _delete_category,
    "create a product": _new_product,
    "change a product": _update_product,
    "delete a product": _delete_product,
    "adjust stock": _adjust_stock,
    "list users": _list_users,
    "create users in bulk": _bulk_users,
    "count users": _count_users,
    "rank top spenders": _top_spenders,
    "deactivate stale users": _deactivate_stale,
    "purge inactive users": _purge_inactive,
    "replace a user": _replace_user,
    "change a user": _patch_user,
    "deactivate a user": _deactivate_user,
    "export users": _export_users,
    "order figures": _order_stats,
    "grant credits": _grant_credits,
    "reconcile the ledger": _reconcile_ledger,
}


@pytest.mark.parametrize("make", ADMIN_ONLY.values(), ids=ADMIN_ONLY.keys())
async def test_what_only_an_admin_may_do(api: Api, make: Make) -> None:
    customer = await api.customer()
    call, done = await make(api)

    await _refused_alike(api, customer, call, 403)
    as_admin = await call.by(api.client)

    assert as_admin.status_code == done, as_admin.text


async def test_one_account_is_read_by_its_owner_or_an_admin_and_is_a_404_to_others(
    api: Api,
) -> None:
    owner, other = await api.customer(), await api.customer()
    paths = [
        f"/users/{owner.id}",
        f"/users/by-email/{owner.user['email']}",
        f"/users/{owner.id}/orders",
        f"/orders/user/{owner.id}",
    ]

    for path in paths:
        await _refused_alike(api, other, Call("GET", path), 404)
        assert (await owner.client.get(path)).status_code == 200, path
        assert (await api.client.get(path)).status_code == 200, path


async def test_ones_own_account_needs_a_sign_in_and_nothing_more(api: Api) -> None:
    customer = await api.customer()
    admin = (await api.client.get("/users/me")).json()

    anonymous_read = await api.anonymous.get("/users/me")
    anonymous_edit = await api.anonymous.patch("/users/me", json={"full_name": "Nobody"})
    edited = await customer.client.patch("/users/me", json={"full_name": "Somebody"})

    assert_problem(anonymous_read, 401, "unauthenticated")
    assert_problem(anonymous_edit, 401, "unauthenticated")
    assert (await customer.client.get("/users/me")).json()["id"] == customer.id
    assert edited.json()["full_name"] == "Somebody"
    assert admin["is_superuser"] is True
    assert (await api.client.patch("/users/me", json={"bio": "Runs the shop"})).status_code == 200


async def test_a_customer_may_not_edit_their_account_through_the_admins_routes(
    api: Api,
) -> None:
    customer = await api.customer()

    patched = await customer.client.patch(f"/users/{customer.id}", json={"full_name": "Me"})
    deleted = await customer.client.delete(f"/users/{customer.id}")

    assert_problem(patched, 403, "forbidden")
    assert_problem(deleted, 403, "forbidden")
    assert (await customer.client.get("/users/me")).json() == customer.user


async def test_ones_own_money_needs_a_sign_in_and_shows_only_ones_own(api: Api) -> None:
    owner, other = await api.customer(), await api.customer()
    await api.created(f"/users/{owner.id}/credit-grants", {"amount": "7.00", "reason": "test"})
    sent = await api.created(
        "/transfers/", {"to_user_id": other.id, "amount": "2.00"}, by=owner.client
    )
    third = await api.customer()
    calls = [
        Call("GET", "/users/me/balance"),
        Call("GET", "/users/me/ledger"),
        Call("GET", "/transfers/"),
        Call("POST", "/transfers/", {"to_user_id": other.id, "amount": "1.00"}),
    ]

    for call in calls:
        assert_problem(await call.by(api.anonymous), 401, "unauthenticated")
    # Each sees their own figures only; a stranger to the transfer sees nothing of it.
    assert (await owner.client.get("/users/me/balance")).json() == {
        "user_id": owner.id,
        "balance": "5.00",
    }
    assert (await other.client.get("/users/me/balance")).json()["balance"] == "2.00"
    assert [e["user_id"] for e in (await other.client.get("/users/me/ledger")).json()["items"]] == [
        other.id
    ]
    assert (await third.client.get("/transfers/")).json()["total"] == 0
    assert [t["id"] for t in (await other.client.get("/transfers/")).json()["items"]] == [
        sent["id"]
    ]
    # A customer never sends from someone else's credits: the sender is always the caller.
    smuggled = await third.client.post(
        "/transfers/", json={"to_user_id": other.id, "amount": "1.00", "from_user_id": owner.id}
    )
    assert_problem(smuggled, 422)
    assert (await owner.client.get("/users/me/balance")).json()["balance"] == "5.00"


# ------------------------------------------------------------------------------ placing orders
async def test_a_customer_orders_for_themself_only(api: Api) -> None:
    customer, other = await api.customer(), await api.customer()
    product = await api.product(stock_quantity=10)
    items = [{"product_id": product["id"], "quantity": 1}]

    anonymous = await api.anonymous.post("/orders/", json={"items": items})
    for_another = await customer.client.post("/orders/", json={"user_id": other.id, "items": items})
    implicit = await customer.client.post("/orders/", json={"items": items})
    explicit = await customer.client.post("/orders/", json={"user_id": customer.id, "items": items})

    assert_problem(anonymous, 401, "unauthenticated")
    assert_problem(for_another, 403, "forbidden")
    assert (implicit.status_code, explicit.status_code) == (201, 201)
    assert implicit.json()["user_id"] == explicit.json()["user_id"] == customer.id
    assert (await api.client.get(f"/orders/user/{other.id}")).json()["total"] == 0
    stock = (await api.client.get(f"/products/{product['id']}")).json()["stock_quantity"]
    assert stock == 8


async def test_an_admin_orders_for_anyone(api: Api) -> None:
    customer = await api.customer()
    product = await api.product()

    order = await api.order(customer.id, (product["id"], 1))
    own = await api.order(None, (product["id"], 1))

    admin = (await api.client.get("/users/me")).json()
    assert order["user_id"] == customer.id
    assert own["user_id"] == admin["id"]
    assert (await customer.client.get(f"/orders/{order['id']}")).status_code == 200


# ------------------------------------------------------------------------------ orders placed
async def test_a_customer_lists_only_their_own_orders(api: Api) -> None:
    customer, other = await api.customer(), await api.customer()
    product = await api.product()
    mine = await api.order(None, (product["id"], 1), by=customer.client)
    theirs = await api.order(None, (product["id"], 1), by=other.client)

    listed = await customer.client.get("/orders/", params={"page_size": 100})
    asked_for_theirs = await customer.client.get("/orders/", params={"user_id": other.id})
    all_of_them = await api.client.get(
        "/orders/", params={"id__in": f"{mine['id']},{theirs['id']}"}
    )

    assert_problem(await api.anonymous.get("/orders/"), 401, "unauthenticated")
    assert [order["id"] for order in listed.json()["items"]] == [mine["id"]]
    assert listed.json()["total"] == 1
    assert asked_for_theirs.json()["items"] == []
    assert {order["id"] for order in all_of_them.json()["items"]} == {mine["id"], theirs["id"]}


async def test_a_customer_reads_pays_and_cancels_their_own_orders_only(api: Api) -> None:
    customer, other = await api.customer(), await api.customer()
    product = await api.product()
    to_pay = await api.order(None, (product["id"], 1), by=customer.client)
    to_cancel = await api.order(None, (product["id"], 1), by=customer.client)
    paths = [f"/orders/{to_pay['id']}", f"/orders/{to_pay['id']}/details"]
    pay = Call("POST", f"/orders/{to_pay['id']}/payments", {"method": "card"}, probe=paths[0])
    cancel = Call(
        "PATCH",
        f"/orders/{to_cancel['id']}/status",
        params={"new_status": "cancelled"},
        probe=f"/orders/{to_cancel['id']}",
    )

    for path in paths:
        await _refused_alike(api, other, Call("GET", path), 404)
        assert (await customer.client.get(path)).status_code == 200, path
    await _refused_alike(api, other, pay, 404)
    await _refused_alike(api, other, cancel, 404)
    paid = await pay.by(customer.client)
    cancelled = await cancel.by(customer.client)

    assert paid.status_code == 201, paid.text
    assert cancelled.json()["status"] == "cancelled"


async def test_an_admin_reads_and_pays_anyones_order(api: Api) -> None:
    customer = await api.customer()
    product = await api.product()
    order = await api.order(None, (product["id"], 1), by=customer.client)

    read = await api.client.get(f"/orders/{order['id']}/details")
    paid = await api.client.post(f"/orders/{order['id']}/payments", json={"method": "card"})

    assert read.json()["user"]["id"] == customer.id
    assert paid.status_code == 201, paid.text


@pytest.mark.parametrize("status", ["confirmed", "shipped", "delivered"])
async def test_only_an_admin_moves_an_order_along(api: Api, status: str) -> None:
    customer = await api.customer()
    product = await api.product()
    order = await api.order(None, (product["id"], 1), by=customer.client)
    path = f"/orders/{order['id']}/status"
    steps = ["confirmed", "shipped", "delivered"]
    for earlier in steps[: steps.index(status)]:
        await api.client.patch(path, params={"new_status": earlier})
    move = Call("PATCH", path, params={"new_status": status}, probe=f"/orders/{order['id']}")

    await _refused_alike(api, customer, move, 403)
    as_admin = await move.by(api.client)

    assert as_admin.json()["status"] == status


async def test_a_customer_cancels_only_while_the_order_is_pending(api: Api) -> None:
    customer = await api.customer()
    product = await api.product()
    order = await api.order(None, (product["id"], 1), by=customer.client)
    path = f"/orders/{order['id']}/status"
    await api.client.patch(path, params={"new_status": "confirmed"})

    too_late = await customer.client.patch(path, params={"new_status": "cancelled"})
    by_admin = await api.client.patch(path, params={"new_status": "cancelled"})

    assert_problem(too_late, 403, "forbidden")
    assert by_admin.json()["status"] == "cancelled"


@pytest.mark.parametrize(
    "call",
    [
        Call("POST", "/items/", json={"name": "Lamp", "price": "1.00"}),
        Call("GET", "/items/"),
        Call("GET", "/users/me/notifications"),
        Call("GET", "/users/me/notifications/unread-count"),
        Call("POST", "/notifications/read-all"),
    ],
    ids=lambda call: f"{call.method} {call.path}",
)
async def test_items_and_notifications_need_a_sign_in_and_nothing_more(
    api: Api, call: Call
) -> None:
    customer = await api.customer()

    anonymous = await call.by(api.anonymous)
    as_customer = await call.by(customer.client)
    as_admin = await call.by(api.client)

    assert_problem(anonymous, 401, "unauthenticated")
    assert as_customer.status_code in (200, 201), as_customer.text
    assert as_admin.status_code in (200, 201), as_admin.text
