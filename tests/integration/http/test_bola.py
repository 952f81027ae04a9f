"""Whose object it is: every route with a key in its path, called by whoever may act on the
object, by another customer and by an anonymous caller.

A customer's account and orders answer their owner (and admins). To another customer they do
not exist: the answer is the 404 of a key nobody has, word for word but for the key, so that
trying ids tells nothing. Catalogue objects belong to no customer: they are read by anyone
(an inactive product by admins only, a 404 to everyone else) and changed by admins only (a
403 to a customer, who may see them). Changing an account is for admins only, its owner
included (the owner has /users/me).

The refused calls are made first, and must leave the object as it was; then the call of the
one who may succeeds. The cases are checked against the app's route table, so that a new
route with a key in its path cannot be forgotten here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx
import pytest
from fastapi.routing import APIRoute

from entrypoints.http.app import create_app
from entrypoints.settings import Settings
from tests.integration.http.api import Api, Customer, assert_problem

NOBODYS_ID = 2_147_483_647


@dataclass(frozen=True)
class Case:
    """One call on one object, and what each caller hears.

    `template` is the path with `{}` for the object's key; `absent` is a key nobody has,
    whose 404 another customer's 404 (and an anonymous caller's, if a 404) must read like."""

    method: str
    template: str
    key: object
    by: Literal["owner", "admin"]
    succeeds: int
    other: int
    anonymous: int
    absent: object = None
    json: Any = None
    params: dict[str, Any] = field(default_factory=dict)
    probe: str | None = None  # read by the admin before and after the refused calls

    async def send(self, client: httpx.AsyncClient, key: object = None) -> httpx.Response:
        path = self.template.format(self.key if key is None else key)
        return await client.request(self.method, path, json=self.json, params=self.params or None)


Build = Callable[[Api, Customer], Awaitable[Case]]


async def _order(api: Api, owner: Customer) -> int:
    product = await api.product()
    order_id: int = (await api.order(None, (product["id"], 1), by=owner.client))["id"]
    return order_id


async def _inactive_product(api: Api) -> dict[str, Any]:
    return await api.product(is_active=False)


# ------------------------------------------------------------------------------ products
async def _get_product(api: Api, owner: Customer) -> Case:
    product = await _inactive_product(api)
    return Case("GET", "/products/{}", product["id"], "admin", 200, 404, 404, absent=NOBODYS_ID)


async def _get_product_by_sku(api: Api, owner: Customer) -> Case:
    product = await _inactive_product(api)
    return Case(
        "GET", "/products/by-sku/{}", product["sku"], "admin", 200, 404, 404, absent="NO-SUCH-SKU"
    )


async def _get_product_by_slug(api: Api, owner: Customer) -> Case:
    product = await _inactive_product(api)
    return Case(
        "GET", "/products/by-slug/{}", product["slug"], "admin", 200, 404, 404, absent="no-such"
    )


async def _update_product(api: Api, owner: Customer) -> Case:
    product_id = (await api.product())["id"]
    return Case(
        "PATCH",
        "/products/{}",
        product_id,
        "admin",
        200,
        403,
        401,
        json={"version": 1, "price": "0.01"},
        probe=f"/products/{product_id}",
    )


async def _delete_product(api: Api, owner: Customer) -> Case:
    product_id = (await api.product())["id"]
    return Case(
        "DELETE",
        "/products/{}",
        product_id,
        "admin",
        204,
        403,
        401,
        probe=f"/products/{product_id}",
    )


async def _adjust_stock(api: Api, owner: Customer) -> Case:
    product_id = (await api.product())["id"]
    return Case(
        "POST",
        "/products/{}/stock-adjustments",
        product_id,
        "admin",
        200,
        403,
        401,
        json={"delta": -50},
        probe=f"/products/{product_id}",
    )


# ------------------------------------------------------------------------------ categories
async def _get_category(api: Api, owner: Customer) -> Case:
    category_id = (await api.category())["id"]
    return Case("GET", "/categories/{}", category_id, "owner", 200, 200, 200)


async def _list_category_products(api: Api, owner: Customer) -> Case:
    category_id = (await api.category())["id"]
    return Case("GET", "/categories/{}/products", category_id, "owner", 200, 200, 200)


async def _update_category(api: Api, owner: Customer) -> Case:
    category_id = (await api.category())["id"]
    return Case(
        "PATCH",
        "/categories/{}",
        category_id,
        "admin",
        200,
        403,
        401,
        json={"description": "Changed"},
        probe=f"/categories/{category_id}",
    )


async def _delete_category(api: Api, owner: Customer) -> Case:
    category_id = (await api.category())["id"]
    return Case(
        "DELETE",
        "/categories/{}",
        category_id,
        "admin",
        204,
        403,
        401,
        probe=f"/categories/{category_id}",
    )


# ------------------------------------------------------------------------------ accounts
async def _get_user(api: Api, owner: Customer) -> Case:
    return Case("GET", "/users/{}", owner.id, "owner", 200, 404, 401, absent=NOBODYS_ID)


async def _get_user_by_email(api: Api, owner: Customer) -> Case:
    return Case(
        "GET",
        "/users/by-email/{}",
        owner.user["email"],
        "owner",
        200,
        404,
        401,
        absent=f"{api.unique('nobody')}@example.com",
    )


async def _list_user_orders(api: Api, owner: Customer) -> Case:
    await _order(api, owner)
    return Case("GET", "/users/{}/orders", owner.id, "owner", 200, 404, 401, absent=NOBODYS_ID)


async def _replace_user(api: Api, owner: Customer) -> Case:
    body = {"username": owner.user["username"], "email": owner.user["email"], "is_active": True}
    return Case(
        "PUT",
        "/users/{}",
        owner.id,
        "admin",
        200,
        403,
        401,
        json={**body, "full_name": "Replaced"},
        probe=f"/users/{owner.id}",
    )


async def _patch_user(api: Api, owner: Customer) -> Case:
    return Case(
        "PATCH",
        "/users/{}",
        owner.id,
        "admin",
        200,
        403,
        401,
        json={"full_name": "Taken Over"},
        probe=f"/users/{owner.id}",
    )


async def _deactivate_user(api: Api, owner: Customer) -> Case:
    return Case("DELETE", "/users/{}", owner.id, "admin", 204, 403, 401, probe=f"/users/{owner.id}")


# ------------------------------------------------------------------------------ orders
async def _list_orders_of_user(api: Api, owner: Customer) -> Case:
    await _order(api, owner)
    return Case("GET", "/orders/user/{}", owner.id, "owner", 200, 404, 401, absent=NOBODYS_ID)


async def _get_order(api: Api, owner: Customer) -> Case:
    order_id = await _order(api, owner)
    return Case("GET", "/orders/{}", order_id, "owner", 200, 404, 401, absent=NOBODYS_ID)


async def _get_order_details(api: Api, owner: Customer) -> Case:
    order_id = await _order(api, owner)
    return Case("GET", "/orders/{}/details", order_id, "owner", 200, 404, 401, absent=NOBODYS_ID)


async def _cancel_order(api: Api, owner: Customer) -> Case:
    order_id = await _order(api, owner)
    return Case(
        "PATCH",
        "/orders/{}/status",
        order_id,
        "owner",
        200,
        404,
        401,
        absent=NOBODYS_ID,
        params={"new_status": "cancelled"},
        probe=f"/orders/{order_id}",
    )


async def _pay_order(api: Api, owner: Customer) -> Case:
    order_id = await _order(api, owner)
    return Case(
        "POST",
        "/orders/{}/payments",
        order_id,
        "owner",
        201,
        404,
        401,
        absent=NOBODYS_ID,
        json={"method": "card"},
        probe=f"/orders/{order_id}/details",
    )


# ------------------------------------------------------------------------------ items
async def _item(api: Api, owner: Customer) -> int:
    item_id: int = (
        await api.created("/items/", {"name": api.unique("Item"), "price": "5.00"}, by=owner.client)
    )["id"]
    return item_id


async def _get_item(api: Api, owner: Customer) -> Case:
    item_id = await _item(api, owner)
    return Case("GET", "/items/{}", item_id, "owner", 200, 404, 401, absent=NOBODYS_ID)


async def _update_item(api: Api, owner: Customer) -> Case:
    item_id = await _item(api, owner)
    return Case(
        "PATCH",
        "/items/{}",
        item_id,
        "owner",
        200,
        404,
        401,
        absent=NOBODYS_ID,
        json={"version": 1, "name": "Taken Over"},
        probe=f"/items/{item_id}",
    )


async def _delete_item(api: Api, owner: Customer) -> Case:
    item_id = await _item(api, owner)
    return Case(
        "DELETE",
        "/items/{}",
        item_id,
        "owner",
        204,
        404,
        401,
        absent=NOBODYS_ID,
        probe=f"/items/{item_id}",
    )


async def _transfer_item(api: Api, owner: Customer) -> Case:
    item_id = await _item(api, owner)
    receiver = await api.user()
    return Case(
        "POST",
        "/items/{}/transfer",
        item_id,
        "owner",
        201,
        404,
        401,
        absent=NOBODYS_ID,
        json={"new_owner_id": receiver["id"], "version": 1},
        probe=f"/items/{item_id}",
    )


# ------------------------------------------------------------------------------ notifications
async def _mark_notification_read(api: Api, owner: Customer) -> Case:
    await _order(api, owner)  # which leaves the owner a notification
    mine = (await owner.client.get("/users/me/notifications")).json()["items"]
    return Case(
        "POST", "/notifications/{}/read", mine[0]["id"], "owner", 200, 404, 401, absent=NOBODYS_ID
    )


# ------------------------------------------------------------------------------ wallet
async def _get_transfer(api: Api, owner: Customer) -> Case:
    recipient = await api.user()
    await api.created(f"/users/{owner.id}/credit-grants", {"amount": "5.00", "reason": "test"})
    transfer = await api.created(
        "/transfers/", {"to_user_id": recipient["id"], "amount": "1.00"}, by=owner.client
    )
    return Case("GET", "/transfers/{}", transfer["id"], "owner", 200, 404, 401, absent=NOBODYS_ID)


async def _grant_credits(api: Api, owner: Customer) -> Case:
    return Case(
        "POST",
        "/users/{}/credit-grants",
        owner.id,
        "admin",
        201,
        403,
        401,
        json={"amount": "1000.00", "reason": "Taken"},
        probe=f"/users/{owner.id}",
    )


# One case for each operation with a key in its path, by method and route path.
# --------------------------------------------------------------------------------- posts
# A draft (or a deleted post) is its author's: another user's is a 404, by id and by slug.
async def _post(api: Api, owner: Customer, *then: str) -> dict[str, Any]:
    """A draft `owner` wrote, then moved by `owner` along `then` (`archive`, `delete`...)."""
    body = {"title": api.unique("Post"), "content": "Words.", "tags": ["bola"]}
    post = await api.created("/posts/", body, by=owner.client)
    for step in then:
        if step == "delete":
            answer = await owner.client.delete(f"/posts/{post['id']}")
        else:
            answer = await owner.client.post(f"/posts/{post['id']}/{step}")
        assert answer.status_code in (200, 204), answer.text
    return post


async def _get_post(api: Api, owner: Customer) -> Case:
    post = await _post(api, owner)
    return Case("GET", "/posts/{}", post["id"], "owner", 200, 404, 404, absent=NOBODYS_ID)


async def _get_post_by_slug(api: Api, owner: Customer) -> Case:
    post = await _post(api, owner)
    return Case(
        "GET", "/posts/by-slug/{}", post["slug"], "owner", 200, 404, 404, absent="no-such-post"
    )


async def _update_post(api: Api, owner: Customer) -> Case:
    post = await _post(api, owner)
    return Case(
        "PATCH",
        "/posts/{}",
        post["id"],
        "owner",
        200,
        404,
        401,
        absent=NOBODYS_ID,
        json={"version": 1, "title": "Taken over"},
        probe=f"/posts/{post['id']}",
    )


def _move_post(step: str, *before: str) -> Build:
    async def build(api: Api, owner: Customer) -> Case:
        post = await _post(api, owner, *before)
        return Case(
            "POST",
            f"/posts/{{}}/{step}",
            post["id"],
            "owner",
            200,
            404,
            401,
            absent=NOBODYS_ID,
            probe=f"/posts/{post['id']}" if "delete" not in before else "/posts/trash",
        )

    return build


async def _delete_post(api: Api, owner: Customer) -> Case:
    post = await _post(api, owner)
    return Case(
        "DELETE",
        "/posts/{}",
        post["id"],
        "owner",
        204,
        404,
        401,
        absent=NOBODYS_ID,
        probe=f"/posts/{post['id']}",
    )


async def _list_tag_posts(api: Api, owner: Customer) -> Case:
    await _post(api, owner, "publish")
    return Case("GET", "/tags/{}/posts", "bola", "owner", 200, 200, 200)


async def _list_user_posts(api: Api, owner: Customer) -> Case:
    return Case("GET", "/users/{}/posts", owner.id, "owner", 200, 200, 200)


CASES: dict[str, Build] = {
    "GET /products/{product_id:int}": _get_product,
    "GET /products/by-sku/{sku}": _get_product_by_sku,
    "GET /products/by-slug/{slug}": _get_product_by_slug,
    "PATCH /products/{product_id:int}": _update_product,
    "DELETE /products/{product_id:int}": _delete_product,
    "POST /products/{product_id:int}/stock-adjustments": _adjust_stock,
    "GET /categories/{category_id:int}": _get_category,
    "GET /categories/{category_id:int}/products": _list_category_products,
    "PATCH /categories/{category_id:int}": _update_category,
    "DELETE /categories/{category_id:int}": _delete_category,
    "GET /users/{user_id:int}": _get_user,
    "GET /users/by-email/{email}": _get_user_by_email,
    "GET /users/{user_id:int}/orders": _list_user_orders,
    "PUT /users/{user_id:int}": _replace_user,
    "PATCH /users/{user_id:int}": _patch_user,
    "DELETE /users/{user_id:int}": _deactivate_user,
    "GET /orders/user/{user_id:int}": _list_orders_of_user,
    "GET /orders/{order_id:int}": _get_order,
    "GET /orders/{order_id:int}/details": _get_order_details,
    "PATCH /orders/{order_id:int}/status": _cancel_order,
    "POST /orders/{order_id:int}/payments": _pay_order,
    "GET /posts/{post_id:int}": _get_post,
    "GET /posts/by-slug/{slug}": _get_post_by_slug,
    "PATCH /posts/{post_id:int}": _update_post,
    "POST /posts/{post_id:int}/publish": _move_post("publish"),
    "POST /posts/{post_id:int}/archive": _move_post("archive"),
    "POST /posts/{post_id:int}/draft": _move_post("draft", "archive"),
    "DELETE /posts/{post_id:int}": _delete_post,
    "POST /posts/{post_id:int}/restore": _move_post("restore", "delete"),
    "GET /tags/{slug}/posts": _list_tag_posts,
    "GET /users/{user_id:int}/posts": _list_user_posts,
    "GET /items/{item_id:int}": _get_item,
    "PATCH /items/{item_id:int}": _update_item,
    "DELETE /items/{item_id:int}": _delete_item,
    "POST /items/{item_id:int}/transfer": _transfer_item,
    "POST /notifications/{notification_id:int}/read": _mark_notification_read,
    "GET /transfers/{transfer_id:int}": _get_transfer,
    "POST /users/{user_id:int}/credit-grants": _grant_credits,
}


def test_every_operation_with_a_key_in_its_path_has_a_case() -> None:
    app = create_app(Settings(_env_file=None, database_url="memory://"))

    keyed = {
        f"{method} {route.path}"
        for route in app.routes
        if isinstance(route, APIRoute) and "{" in route.path
        for method in route.methods or ()
    }

    assert keyed == set(CASES)


def _reads_like_absent(answer: httpx.Response, absent: httpx.Response, case: Case) -> None:
    """`answer` is the 404 of a key nobody has, but for the key it names."""
    problem = assert_problem(answer, 404, "not-found")
    nowhere = assert_problem(absent, 404, "not-found")
    assert problem == {
        **nowhere,
        "detail": nowhere["detail"].replace(str(case.absent), str(case.key)),
    }


@pytest.mark.parametrize("operation", CASES)
async def test_only_whoever_may_reaches_the_object(api: Api, operation: str) -> None:
    owner, other = await api.customer(), await api.customer()
    case = await CASES[operation](api, owner)
    before = (await api.client.get(case.probe)).json() if case.probe else None

    anonymous = await case.send(api.anonymous)
    as_other = await case.send(other.client)
    after = (await api.client.get(case.probe)).json() if case.probe else None
    done = await case.send(owner.client if case.by == "owner" else api.client)

    assert (anonymous.status_code, as_other.status_code) == (case.anonymous, case.other)
    assert after == before
    assert done.status_code == case.succeeds, done.text
    if case.other == 404:
        _reads_like_absent(as_other, await case.send(other.client, case.absent), case)
    if case.anonymous == 404:
        _reads_like_absent(anonymous, await case.send(api.anonymous, case.absent), case)
    if case.anonymous == 401:
        assert_problem(anonymous, 401, "unauthenticated")
    if case.other == 403:
        assert_problem(as_other, 403, "forbidden")
