"""Stores over HTTP: one app serves two shops, and neither ever shows anything of the other.

Main (the suite's store, whose admin is the suite's) and north, opened by the operator's use
case as `storefront stores create` runs it, with an admin of its own made as
`storefront create-admin --store north` makes one. Each shop holds the same names: a
customer ann (with a password of her own in each store), a category Tools, a product LAMP-1
in it, and an order of ann's; their ids and figures differ.

Where a request acts: a token acts in the store it was signed in to; an anonymous request in
the store `X-Store` names, or in main. A token with an `X-Store` naming another store is a
403; an unknown or deactivated store is a 404. This module's app looks its stores up on every
request (`store_cache_seconds=0`), so a deactivated store answers 404 from the next request.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from application.identity.commands import CreateAdmin
from application.stores.commands import DeactivateStore, OpenStore
from entrypoints.container import NO_STORE_ID, Container
from entrypoints.settings import Settings
from tests.integration.http.api import Account, Clients, MovableClock, assert_problem

NORTH = "north"
NORTH_ADMIN = Account("north_admin", "north_admin@example.com", "NorthAdmin123")
ANN = {"username": "ann_stores", "email": "ann@stores.example", "full_name": "Ann"}
PASSWORDS = {"main": "MainPass123", NORTH: "NorthPass123"}


@pytest.fixture(scope="module")
def settings(settings: Settings) -> Settings:
    """The suite's settings, with no cache of stores: a deactivated store is found so at once."""
    return settings.model_copy(update={"store_cache_seconds": 0})


@dataclass
class Shop:
    """One store's side: its admin's client, an anonymous client that names the store, and
    what the fixture made there through the API."""

    slug: str
    admin: httpx.AsyncClient
    anonymous: httpx.AsyncClient
    ann: dict[str, Any]
    ann_client: httpx.AsyncClient
    tools: dict[str, Any]
    lamp: dict[str, Any]
    order: dict[str, Any]


@dataclass
class Shops:
    main: Shop
    north: Shop

    def other(self, shop: Shop) -> Shop:
        return self.north if shop is self.main else self.main


def named(clients: Clients, store: str | None) -> httpx.AsyncClient:
    """A client without a token that names `store` in X-Store (main's names none)."""
    client = clients.anonymous()
    if store is not None:
        client.headers["X-Store"] = store
    return client


async def signed_in(
    clients: Clients, store: str | None, login: str, password: str
) -> httpx.AsyncClient:
    """A client holding a token signed in to `store` (through X-Store), sending no X-Store
    of its own afterwards: the token names its store."""
    signing_in = named(clients, store)
    response = await signing_in.post("/auth/token", data={"username": login, "password": password})
    assert response.status_code == 200, response.text
    client = clients.anonymous()
    client.headers["Authorization"] = f"Bearer {response.json()['access_token']}"
    return client


async def created(client: httpx.AsyncClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await client.post(path, json=body)
    assert response.status_code == 201, response.text
    made: dict[str, Any] = response.json()
    return made


async def open_shop(
    clients: Clients, admin: httpx.AsyncClient, store: str | None, *, stock: int, bought: int
) -> Shop:
    slug = store or "main"
    anonymous = named(clients, store)
    ann = await created(anonymous, "/users/", {**ANN, "password": PASSWORDS[slug]})
    ann_client = await signed_in(clients, store, ANN["username"], PASSWORDS[slug])
    tools = await created(admin, "/categories/", {"name": "Tools"})
    lamp = await created(
        admin,
        "/products/",
        {
            "name": "Lamp",
            "sku": "LAMP-1",
            "price": "10.00",
            "stock_quantity": stock,
            "category_id": tools["id"],
        },
    )
    order = await created(
        ann_client, "/orders/", {"items": [{"product_id": lamp["id"], "quantity": bought}]}
    )
    return Shop(slug, admin, anonymous, ann, ann_client, tools, lamp, order)


@pytest.fixture(scope="module")
async def shops(container: Container, clients: Clients, client: httpx.AsyncClient) -> Shops:
    operator = container.store_scopes()(NO_STORE_ID)
    north = await operator.open_store()(OpenStore(NORTH, "North"))
    assert north.id is not None
    await container.store_scopes()(north.id).create_admin()(
        CreateAdmin(NORTH_ADMIN.username, NORTH_ADMIN.email, NORTH_ADMIN.password)
    )
    north_admin = await signed_in(clients, NORTH, NORTH_ADMIN.username, NORTH_ADMIN.password)
    return Shops(
        main=await open_shop(clients, client, None, stock=10, bought=2),
        north=await open_shop(clients, north_admin, NORTH, stock=4, bought=1),
    )


def ids(response: httpx.Response, key: str = "id") -> list[int]:
    """The ids a list answered: `key` names the field, or the nested object whose id it is
    (/products/with-category nests each product)."""
    assert response.status_code == 200, response.text
    body = response.json()
    items = body["items"] if isinstance(body, dict) else body
    found = [item[key] for item in items]
    return [one["id"] if isinstance(one, dict) else one for one in found]


# ----------------------------------------------------------------- the same names, two stores
async def test_the_same_names_live_in_both_stores_as_different_objects(shops: Shops) -> None:
    main, north = shops.main, shops.north

    for key in ("ann", "tools", "lamp", "order"):
        assert getattr(main, key)["id"] != getattr(north, key)["id"], key
    assert (main.lamp["sku"], main.lamp["slug"]) == (north.lamp["sku"], north.lamp["slug"])
    assert main.ann["email"] == north.ann["email"]


@pytest.mark.parametrize("side", ["main", "north"])
async def test_every_list_stat_and_export_shows_only_its_stores_own(
    shops: Shops, side: str
) -> None:
    shop: Shop = getattr(shops, side)
    other = shops.other(shop)
    admin = shop.admin
    export = (await admin.get("/exports/users")).text

    # What each list shows, and which of the fixture's objects it would show of either store.
    listed: dict[str, tuple[list[int], str]] = {
        "users": (ids(await admin.get("/users/", params={"page_size": 100})), "ann"),
        "export": ([int(row["id"]) for row in csv.DictReader(io.StringIO(export))], "ann"),
        "top spenders": (ids(await admin.get("/users/top-spenders"), "user_id"), "ann"),
        "categories": (ids(await admin.get("/categories/", params={"page_size": 100})), "tools"),
        "tree": (ids(await admin.get("/categories/tree")), "tools"),
        "category stats": (
            ids(await admin.get("/products/by-category-stats"), "category_id"),
            "tools",
        ),
        "products": (ids(await admin.get("/products/", params={"page_size": 100})), "lamp"),
        "with category": (ids(await admin.get("/products/with-category"), "product"), "lamp"),
        "low stock": (ids(await admin.get("/products/low-stock", params={"threshold": 9})), "lamp"),
        "orders": (ids(await admin.get("/orders/", params={"page_size": 100})), "order"),
        "a user's orders": (ids(await admin.get(f"/users/{shop.ann['id']}/orders")), "order"),
    }

    for what, (found, kind) in listed.items():
        ours, theirs = getattr(shop, kind)["id"], getattr(other, kind)["id"]
        assert ours in found, what
        assert theirs not in found, what
    # The fixture made every product and order of the module's stores.
    for what in ("products", "with category", "low stock"):
        assert listed[what][0] == [shop.lamp["id"]], what
    for what in ("orders", "a user's orders"):
        assert listed[what][0] == [shop.order["id"]], what
    assert listed["top spenders"][0] == [shop.ann["id"]]


async def test_a_new_store_counts_and_sums_its_own_rows_only(shops: Shops) -> None:
    north = shops.north.admin

    counts = (await north.get("/users/stats/counts")).json()
    summary = (await north.get("/orders/stats/summary")).json()
    categories = (await north.get("/categories/")).json()
    export = list(csv.DictReader(io.StringIO((await north.get("/exports/users")).text)))

    # North's admin and ann; Tools and nothing else (the default categories are main's);
    # ann's one lamp.
    assert (counts["total"], counts["active"]) == (2, 2)
    assert [row["username"] for row in export] == [NORTH_ADMIN.username, ANN["username"]]
    assert [item["name"] for item in categories["items"]] == ["Tools"]
    assert (summary["total_orders"], summary["total_revenue"]) == (1, "10.00")


@pytest.mark.parametrize("side", ["main", "north"])
async def test_lookups_by_name_find_their_stores_own(shops: Shops, side: str) -> None:
    shop: Shop = getattr(shops, side)

    by_sku = await shop.admin.get("/products/by-sku/LAMP-1")
    by_slug = await shop.admin.get("/products/by-slug/lamp")
    by_email = await shop.admin.get(f"/users/by-email/{ANN['email']}")
    me = await shop.ann_client.get("/users/me")

    assert [r.json()["id"] for r in (by_sku, by_slug)] == [shop.lamp["id"]] * 2
    assert [r.json()["id"] for r in (by_email, me)] == [shop.ann["id"]] * 2


# ----------------------------------------------------------------------- another store's ids
@pytest.mark.parametrize("side", ["main", "north"])
async def test_another_stores_ids_are_404_to_an_admin(shops: Shops, side: str) -> None:
    shop: Shop = getattr(shops, side)
    other = shops.other(shop)
    ann, tools, lamp = other.ann["id"], other.tools["id"], other.lamp["id"]
    order = other.order["id"]
    theirs = [f"/users/{ann}", f"/categories/{tools}", f"/products/{lamp}", f"/orders/{order}"]
    before = [(await other.admin.get(path)).json() for path in theirs]
    version = before[2]["version"]  # the lamp's, as its own store reads it now
    admin = shop.admin
    calls = [
        admin.get(f"/users/{ann}"),
        admin.get(f"/users/{ann}/orders"),
        admin.get(f"/orders/user/{ann}"),
        admin.patch(f"/users/{ann}", json={"full_name": "Someone"}),
        admin.delete(f"/users/{ann}"),
        admin.get(f"/categories/{tools}"),
        admin.get(f"/categories/{tools}/products"),
        admin.patch(f"/categories/{tools}", json={"name": "Saws"}),
        admin.delete(f"/categories/{tools}"),
        admin.get(f"/products/{lamp}"),
        admin.patch(f"/products/{lamp}", json={"name": "Lantern", "version": version}),
        admin.post(f"/products/{lamp}/stock-adjustments", json={"delta": 5}),
        admin.delete(f"/products/{lamp}"),
        admin.get(f"/orders/{order}"),
        admin.get(f"/orders/{order}/details"),
        admin.patch(f"/orders/{order}/status", params={"new_status": "confirmed"}),
        admin.post(f"/orders/{order}/payments", json={"method": "card"}),
        admin.post(f"/users/{ann}/credit-grants", json={"amount": "5.00", "reason": "x"}),
        admin.post("/transfers/", json={"to_user_id": ann, "amount": "1.00"}),
    ]

    for call in calls:
        response = await call
        assert_problem(response, 404, "not-found")
    # Nothing of the other store changed.
    assert [(await other.admin.get(path)).json() for path in theirs] == before


async def test_another_stores_ids_are_404_to_a_customer_and_to_their_order(shops: Shops) -> None:
    main, north = shops.main, shops.north

    foreign_order = await main.ann_client.get(f"/orders/{north.order['id']}")
    foreign_product = await main.ann_client.post(
        "/orders/", json={"items": [{"product_id": north.lamp["id"], "quantity": 1}]}
    )
    foreign_lamp = await main.anonymous.get(f"/products/{north.lamp['id']}")

    for response in (foreign_order, foreign_product, foreign_lamp):
        assert_problem(response, 404, "not-found")


async def test_credits_never_cross_stores_and_each_ledger_balances_alone(shops: Shops) -> None:
    main, north = shops.main, shops.north
    for shop in (main, north):
        await created(
            shop.admin, f"/users/{shop.ann['id']}/credit-grants", {"amount": "8.00", "reason": "x"}
        )
    main_admin = (await main.admin.get("/users/me")).json()["id"]
    to_main = await created(
        main.ann_client, "/transfers/", {"to_user_id": main_admin, "amount": "3.00"}
    )

    # North's ann sends to main's ann's id: no such user in north.
    across = await north.ann_client.post(
        "/transfers/", json={"to_user_id": main.ann["id"], "amount": "1.00"}
    )

    assert_problem(across, 404, "not-found")
    assert_problem(await north.admin.get(f"/transfers/{to_main['id']}"), 404, "not-found")
    assert ids(await north.admin.get("/transfers/")) == []
    assert (await north.ann_client.get("/users/me/balance")).json()["balance"] == "8.00"
    assert (await main.ann_client.get("/users/me/balance")).json()["balance"] == "5.00"
    for shop in (main, north):
        reconciled = (await shop.admin.get("/admin/ledger/reconciliation")).json()
        assert reconciled["differences"] == []
        users = (await shop.admin.get("/users/", params={"page_size": 1})).json()["total"]
        assert reconciled["users_checked"] == users


async def test_an_admin_places_no_order_for_another_stores_user(shops: Shops) -> None:
    main, north = shops.main, shops.north

    response = await main.admin.post(
        "/orders/",
        json={
            "user_id": north.ann["id"],
            "items": [{"product_id": main.lamp["id"], "quantity": 1}],
        },
    )

    assert_problem(response, 404, "not-found")
    assert ids(await main.admin.get("/orders/")) == [main.order["id"]]


# ----------------------------------------------------------------------- which store, and who
async def test_a_token_with_an_x_store_naming_another_store_is_403(shops: Shops) -> None:
    for shop in (shops.main, shops.north):
        other = shops.other(shop).slug
        contradicted = await shop.admin.get("/products/", headers={"X-Store": other})
        agreeing = await shop.admin.get("/products/", headers={"X-Store": shop.slug})

        assert_problem(contradicted, 403, "forbidden")
        assert ids(agreeing) == [shop.lamp["id"]]


@pytest.mark.parametrize("slug", ["nowhere", "B", "not a slug", "-main"])
async def test_an_unknown_store_is_404(clients: Clients, slug: str) -> None:
    response = await named(clients, slug).get("/products/")

    assert_problem(response, 404, "not-found")


async def test_a_deactivated_store_is_404_from_the_next_request(
    container: Container, clients: Clients
) -> None:
    operator = container.store_scopes()(NO_STORE_ID)
    await operator.open_store()(OpenStore("closing-down", "Closing down"))
    anonymous = named(clients, "closing-down")
    await created(anonymous, "/users/", {**ANN, "password": PASSWORDS["main"]})
    customer = await signed_in(clients, "closing-down", ANN["username"], PASSWORDS["main"])
    before = [await anonymous.get("/products/"), await customer.get("/users/me")]

    await operator.deactivate_store()(DeactivateStore("closing-down"))
    after = [await anonymous.get("/products/"), await customer.get("/users/me")]

    assert [response.status_code for response in before] == [200, 200]
    for response in after:
        assert_problem(response, 404, "not-found")


async def test_an_anonymous_sign_up_and_sign_in_act_in_the_store_x_store_names(
    shops: Shops, container: Container, clock: MovableClock
) -> None:
    north = shops.north
    response = await north.anonymous.post(
        "/auth/token", data={"username": ANN["username"], "password": PASSWORDS[NORTH]}
    )
    token = response.json()["access_token"]

    # Signed up in north (the fixture's POST /users/ with X-Store: north), not in main.
    assert north.ann["id"] in ids(await north.admin.get("/users/"))
    assert north.ann["id"] not in ids(await shops.main.admin.get("/users/"))
    assert container.access_tokens().read(token, clock.now()).store == NORTH
    me = await north.ann_client.get("/users/me")
    assert me.json()["id"] == north.ann["id"]


async def test_the_same_username_signs_in_to_each_store_with_its_own_password(
    shops: Shops,
) -> None:
    attempts = {
        ("main", "main"): await shops.main.anonymous.post(
            "/auth/token", data={"username": ANN["username"], "password": PASSWORDS["main"]}
        ),
        ("main", NORTH): await shops.main.anonymous.post(
            "/auth/token", data={"username": ANN["username"], "password": PASSWORDS[NORTH]}
        ),
        (NORTH, NORTH): await shops.north.anonymous.post(
            "/auth/token", data={"username": ANN["username"], "password": PASSWORDS[NORTH]}
        ),
        (NORTH, "main"): await shops.north.anonymous.post(
            "/auth/token", data={"username": ANN["username"], "password": PASSWORDS["main"]}
        ),
    }

    assert {key: r.status_code for key, r in attempts.items()} == {
        ("main", "main"): 200,
        ("main", NORTH): 401,
        (NORTH, NORTH): 200,
        (NORTH, "main"): 401,
    }


async def test_a_refresh_token_works_in_its_own_store_only(shops: Shops) -> None:
    north = shops.north
    signed = await north.anonymous.post(
        "/auth/token", data={"username": ANN["username"], "password": PASSWORDS[NORTH]}
    )
    refresh_token = signed.json()["refresh_token"]

    in_main = await shops.main.anonymous.post(
        "/auth/refresh", json={"refresh_token": refresh_token}
    )
    in_north = await north.anonymous.post("/auth/refresh", json={"refresh_token": refresh_token})

    assert_problem(in_main, 401, "unauthenticated")
    assert in_north.status_code == 200, in_north.text
    # The new access token acts in north, where it was signed in.
    me = await north.anonymous.get(
        "/users/me", headers={"Authorization": f"Bearer {in_north.json()['access_token']}"}
    )
    assert me.json()["id"] == north.ann["id"]
