"""The Idempotency-Key header: a retried write is answered again, never executed twice.

On POST /orders/, POST /orders/{id}/payments and POST /products/{id}/stock-adjustments. A
key is the caller's own: another caller's same key is another request.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

import httpx
import pytest

from tests.integration.http.api import Api, MovableClock, assert_problem, field_errors

KEY = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"


def new_key() -> str:
    return f"retry-{secrets.token_hex(8)}"


async def _post(
    api: Api, path: str, body: dict[str, Any], key: str, by: httpx.AsyncClient | None = None
) -> httpx.Response:
    return await (by or api.client).post(path, json=body, headers={KEY: key})


async def _stock(api: Api, product_id: int) -> int:
    stock: int = (await api.client.get(f"/products/{product_id}")).json()["stock_quantity"]
    return stock


async def _orders_of(api: Api, user_id: int) -> list[dict[str, Any]]:
    response = await api.client.get(f"/orders/user/{user_id}")
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def test_retrying_an_order_with_its_key_replays_the_answer_and_places_it_once(
    api: Api,
) -> None:
    customer = await api.customer()
    product = await api.product(price="12.50", stock_quantity=10)
    body = {"items": [{"product_id": product["id"], "quantity": 2}]}
    key = new_key()

    first = await _post(api, "/orders/", body, key, by=customer.client)
    second = await _post(api, "/orders/", body, key, by=customer.client)

    assert first.status_code == second.status_code == 201
    assert REPLAYED not in first.headers
    assert second.headers[REPLAYED] == "true"
    assert second.content == first.content
    assert [order["id"] for order in await _orders_of(api, customer.id)] == [first.json()["id"]]
    assert await _stock(api, product["id"]) == 8


async def test_a_key_is_the_callers_own_so_another_customers_same_key_places_their_order(
    api: Api,
) -> None:
    first_customer, second_customer = await api.customer(), await api.customer()
    product = await api.product(stock_quantity=10)
    body = {"items": [{"product_id": product["id"], "quantity": 1}]}
    key = new_key()

    first = await _post(api, "/orders/", body, key, by=first_customer.client)
    second = await _post(api, "/orders/", body, key, by=second_customer.client)

    # Replaying the first answer would hand the second customer someone else's order.
    assert (first.status_code, second.status_code) == (201, 201)
    assert REPLAYED not in second.headers
    assert first.json()["user_id"] == first_customer.id
    assert second.json()["user_id"] == second_customer.id
    assert await _stock(api, product["id"]) == 8


async def test_the_fresh_answer_is_the_order_as_it_is_read_back(api: Api) -> None:
    user = await api.user()
    product = await api.product()
    body = {"user_id": user["id"], "items": [{"product_id": product["id"], "quantity": 1}]}

    placed = await _post(api, "/orders/", body, new_key())

    read_back = await api.client.get(f"/orders/{placed.json()['id']}")
    assert placed.json() == read_back.json()


async def test_the_same_key_with_another_body_is_refused_and_changes_nothing(api: Api) -> None:
    user = await api.user()
    product = await api.product(stock_quantity=10)
    key = new_key()
    one = {"user_id": user["id"], "items": [{"product_id": product["id"], "quantity": 1}]}
    two = {"user_id": user["id"], "items": [{"product_id": product["id"], "quantity": 5}]}
    await _post(api, "/orders/", one, key)

    response = await _post(api, "/orders/", two, key)

    problem = assert_problem(response, 422, "invalid-value")
    assert field_errors(problem) == {KEY}
    assert len(await _orders_of(api, user["id"])) == 1
    assert await _stock(api, product["id"]) == 9


async def test_the_same_body_in_another_key_order_is_the_same_request(api: Api) -> None:
    user = await api.user()
    product = await api.product()
    key = new_key()
    items = [{"product_id": product["id"], "quantity": 1}]

    first = await _post(api, "/orders/", {"user_id": user["id"], "items": items}, key)
    second = await _post(api, "/orders/", {"items": items, "user_id": user["id"]}, key)

    assert second.headers[REPLAYED] == "true"
    assert second.content == first.content


@pytest.mark.parametrize(
    "key",
    [
        pytest.param("", id="empty"),
        pytest.param("k" * 256, id="256-characters"),
        pytest.param("tab\tinside", id="control-character"),
    ],
)
async def test_a_key_that_is_not_1_to_255_printable_ascii_characters_is_refused(
    api: Api, key: str
) -> None:
    user = await api.user()
    product = await api.product(stock_quantity=5)
    body = {"user_id": user["id"], "items": [{"product_id": product["id"], "quantity": 1}]}

    response = await _post(api, "/orders/", body, key)

    problem = assert_problem(response, 422)
    assert field_errors(problem) == {KEY}
    assert await _stock(api, product["id"]) == 5


async def test_a_key_of_255_printable_characters_is_accepted(api: Api) -> None:
    user = await api.user()
    product = await api.product()
    body = {"user_id": user["id"], "items": [{"product_id": product["id"], "quantity": 1}]}
    key = (new_key() + "~ !" * 100)[:254] + "."

    first = await _post(api, "/orders/", body, key)
    second = await _post(api, "/orders/", body, key)

    assert (first.status_code, second.status_code) == (201, 201)
    assert second.headers[REPLAYED] == "true"


async def test_a_refused_request_stores_nothing_so_its_retry_runs_again(api: Api) -> None:
    user = await api.user()
    product = await api.product(stock_quantity=1)
    body = {"user_id": user["id"], "items": [{"product_id": product["id"], "quantity": 3}]}
    key = new_key()

    refused = await _post(api, "/orders/", body, key)
    await api.client.post(f"/products/{product['id']}/stock-adjustments", json={"delta": 5})
    retried = await _post(api, "/orders/", body, key)

    assert_problem(refused, 409, "insufficient-stock")
    assert retried.status_code == 201
    assert REPLAYED not in retried.headers
    assert await _stock(api, product["id"]) == 3


async def test_a_key_past_its_expiry_is_used_afresh(api: Api, movable_clock: MovableClock) -> None:
    user = await api.user()
    product = await api.product(stock_quantity=10)
    body = {"user_id": user["id"], "items": [{"product_id": product["id"], "quantity": 1}]}
    key = new_key()
    first = await _post(api, "/orders/", body, key)

    movable_clock.shift = timedelta(hours=24, seconds=1)
    again = await _post(api, "/orders/", body, key)
    replayed = await _post(api, "/orders/", body, key)

    assert again.status_code == 201
    assert REPLAYED not in again.headers
    assert again.json()["id"] != first.json()["id"]
    assert replayed.content == again.content
    assert await _stock(api, product["id"]) == 8


async def test_a_key_is_scoped_to_its_operation(api: Api) -> None:
    user = await api.user()
    product = await api.product(stock_quantity=10)
    key = new_key()
    order = {"user_id": user["id"], "items": [{"product_id": product["id"], "quantity": 1}]}

    placed = await _post(api, "/orders/", order, key)
    adjusted = await _post(api, f"/products/{product['id']}/stock-adjustments", {"delta": 4}, key)

    assert (placed.status_code, adjusted.status_code) == (201, 200)
    assert REPLAYED not in adjusted.headers
    assert await _stock(api, product["id"]) == 13


async def test_retrying_a_payment_with_its_key_replays_it_instead_of_a_conflict(
    api: Api,
) -> None:
    customer = await api.customer()
    product = await api.product()
    order = await api.order(None, (product["id"], 1), by=customer.client)
    path = f"/orders/{order['id']}/payments"
    key = new_key()

    first = await _post(api, path, {"method": "card"}, key, by=customer.client)
    second = await _post(api, path, {"method": "card"}, key, by=customer.client)
    unkeyed = await customer.client.post(path, json={"method": "card"})

    assert first.status_code == second.status_code == 201
    assert second.headers[REPLAYED] == "true"
    assert second.content == first.content
    assert_problem(unkeyed, 409)
    details = (await api.client.get(f"/orders/{order['id']}/details")).json()
    assert [payment["id"] for payment in details["payments"]] == [first.json()["id"]]


async def test_retrying_a_stock_adjustment_with_its_key_moves_the_stock_once(api: Api) -> None:
    product = await api.product(stock_quantity=10)
    path = f"/products/{product['id']}/stock-adjustments"
    key = new_key()

    first = await _post(api, path, {"delta": -3}, key)
    second = await _post(api, path, {"delta": -3}, key)

    assert first.status_code == second.status_code == 200
    assert second.headers[REPLAYED] == "true"
    assert second.content == first.content
    assert first.json()["stock_quantity"] == 7
    assert await _stock(api, product["id"]) == 7


async def test_without_a_key_every_request_is_executed(api: Api) -> None:
    product = await api.product(stock_quantity=10)
    path = f"/products/{product['id']}/stock-adjustments"

    first = await api.client.post(path, json={"delta": 2})
    second = await api.client.post(path, json={"delta": 2})

    assert REPLAYED not in first.headers
    assert REPLAYED not in second.headers
    assert await _stock(api, product["id"]) == 14


async def test_the_openapi_document_declares_the_header_on_the_retryable_writes(
    api: Api,
) -> None:
    paths = (await api.client.get("/openapi.json")).json()["paths"]

    def header_names(path: str, method: str) -> set[str]:
        parameters = paths[path][method].get("parameters", [])
        return {p["name"] for p in parameters if p["in"] == "header"}

    assert KEY in header_names("/orders/", "post")
    assert KEY in header_names("/orders/{order_id}/payments", "post")
    assert KEY in header_names("/products/{product_id}/stock-adjustments", "post")
    assert KEY not in header_names("/products/", "post")
