"""/orders: placing orders, moving them along, paying, and the figures over all of them.

What a customer does with their own orders (placing, reading, paying, cancelling) is done as
that customer; the rest as an admin. Who may do what is test_access.py."""

from __future__ import annotations

import re
from decimal import Decimal

import httpx

from tests.integration.http.api import Api, assert_problem, field_errors


async def _stock(api: Api, product_id: int) -> int:
    stock: int = (await api.client.get(f"/products/{product_id}")).json()["stock_quantity"]
    return stock


async def test_placing_an_order_prices_it_and_reserves_the_stock(api: Api) -> None:
    customer = await api.customer()
    product = await api.product(price=79.99, stock_quantity=50)

    # No user_id: a customer's order is their own.
    response = await customer.client.post(
        "/orders/",
        json={
            "items": [{"product_id": product["id"], "quantity": 2}],
            "shipping_address": "1 Main Street",
        },
    )

    assert response.status_code == 201
    order = response.json()
    assert re.fullmatch(r"ORD-\d{14}-[0-9A-F]{6}", order["order_number"])
    assert (order["user_id"], order["status"]) == (customer.id, "pending")
    assert order["total_amount"] == "159.98"
    assert order["shipping_address"] == "1 Main Street"
    (item,) = order["items"]
    assert (item["product_id"], item["quantity"]) == (product["id"], 2)
    assert (item["unit_price"], item["total_price"]) == ("79.99", "159.98")
    assert await _stock(api, product["id"]) == 48


async def test_lines_naming_the_same_product_are_merged(api: Api) -> None:
    user = await api.user()
    product = await api.product(price="2.50")

    order = await api.order(user["id"], (product["id"], 1), (product["id"], 3))

    assert [(i["product_id"], i["quantity"]) for i in order["items"]] == [(product["id"], 4)]
    assert order["total_amount"] == "10.00"


async def test_too_little_stock_is_a_409_and_nothing_is_reserved(api: Api) -> None:
    user = await api.user()
    plenty = await api.product(stock_quantity=10)
    scarce = await api.product(stock_quantity=1)

    response = await api.client.post(
        "/orders/",
        json={
            "user_id": user["id"],
            "items": [
                {"product_id": plenty["id"], "quantity": 5},
                {"product_id": scarce["id"], "quantity": 2},
            ],
        },
    )

    assert_problem(response, 409, "insufficient-stock")
    assert await _stock(api, plenty["id"]) == 10
    assert (await api.client.get(f"/users/{user['id']}/orders")).json()["total"] == 0


async def test_an_unknown_product_or_user_is_a_404(api: Api) -> None:
    user = await api.user()
    product = await api.product()

    no_product = await api.client.post(
        "/orders/",
        json={"user_id": user["id"], "items": [{"product_id": 2147483647, "quantity": 1}]},
    )
    no_user = await api.client.post(
        "/orders/",
        json={"user_id": 2147483647, "items": [{"product_id": product["id"], "quantity": 1}]},
    )

    assert_problem(no_product, 404, "not-found")
    assert_problem(no_user, 404, "not-found")


async def test_an_inactive_user_cannot_order(api: Api) -> None:
    user = await api.user()
    product = await api.product()
    await api.client.delete(f"/users/{user['id']}")

    response = await api.client.post(
        "/orders/",
        json={"user_id": user["id"], "items": [{"product_id": product["id"], "quantity": 1}]},
    )

    assert_problem(response, 409, "inactive")


async def test_an_order_needs_at_least_one_item(api: Api) -> None:
    user = await api.user()

    response = await api.client.post("/orders/", json={"user_id": user["id"], "items": []})

    assert field_errors(assert_problem(response, 422)) == {"items"}


async def test_an_order_is_read_with_its_items(api: Api) -> None:
    customer = await api.customer()
    product = await api.product()
    order = await api.order(None, (product["id"], 3), by=customer.client)

    response = await customer.client.get(f"/orders/{order['id']}")

    assert response.status_code == 200
    assert response.json() == order


async def test_an_unknown_order_is_a_404(client: httpx.AsyncClient) -> None:
    assert_problem(await client.get("/orders/2147483647"), 404, "not-found")
    assert_problem(await client.get("/orders/2147483647/details"), 404, "not-found")


async def test_order_details_carry_the_user_the_products_and_the_payments(api: Api) -> None:
    customer = await api.customer()
    user = customer.user
    product = await api.product(price="4.00")
    order = await api.order(None, (product["id"], 2), by=customer.client)
    await customer.client.post(f"/orders/{order['id']}/payments", json={"method": "card"})

    response = await customer.client.get(f"/orders/{order['id']}/details")

    assert response.status_code == 200
    details = response.json()
    assert details["status"] == "confirmed"
    assert details["user"] == {
        "id": user["id"],
        "username": user["username"],
        "email": user["email"],
        "full_name": user["full_name"],
    }
    (item,) = details["items"]
    assert item["product"] == {
        "id": product["id"],
        "name": product["name"],
        "sku": product["sku"],
        "slug": product["slug"],
    }
    (payment,) = details["payments"]
    assert (payment["amount"], payment["method"]) == ("8.00", "card")


async def test_orders_are_listed_and_filtered_by_status(api: Api) -> None:
    user = await api.user()
    product = await api.product()
    pending = await api.order(user["id"], (product["id"], 1))
    confirmed = await api.order(user["id"], (product["id"], 1))
    await api.client.patch(f"/orders/{confirmed['id']}/status", params={"new_status": "confirmed"})

    response = await api.client.get("/orders/", params={"user_id": user["id"], "status": "pending"})

    assert response.status_code == 200
    assert [o["id"] for o in response.json()["items"]] == [pending["id"]]


async def test_a_users_orders_are_listed_newest_first(api: Api) -> None:
    user = await api.user()
    product = await api.product()
    older = await api.order(user["id"], (product["id"], 1))
    newer = await api.order(user["id"], (product["id"], 1))

    response = await api.client.get(f"/orders/user/{user['id']}", params={"page_size": 1})

    assert response.status_code == 200
    page = response.json()
    assert (page["total"], page["has_next"]) == (2, True)
    assert [o["id"] for o in page["items"]] == [newer["id"]]
    assert older["id"] != newer["id"]
    assert_problem(await api.client.get("/orders/user/2147483647"), 404, "not-found")


async def test_an_order_moves_along_its_status_machine(api: Api) -> None:
    user = await api.user()
    product = await api.product()
    order = await api.order(user["id"], (product["id"], 1))

    for status in ("confirmed", "shipped", "delivered"):
        response = await api.client.patch(
            f"/orders/{order['id']}/status", params={"new_status": status}
        )
        assert response.status_code == 200
        assert response.json()["status"] == status


async def test_moving_an_order_to_its_own_status_is_a_409(api: Api) -> None:
    user = await api.user()
    product = await api.product()
    order = await api.order(user["id"], (product["id"], 1))

    response = await api.client.patch(
        f"/orders/{order['id']}/status", params={"new_status": "pending"}
    )

    assert_problem(response, 409, "invalid-transition")


async def test_an_unknown_status_is_a_422(api: Api) -> None:
    response = await api.client.patch("/orders/1/status", params={"new_status": "lost"})

    assert field_errors(assert_problem(response, 422)) == {"new_status"}


async def test_cancelling_an_order_puts_its_stock_back(api: Api) -> None:
    customer = await api.customer()
    product = await api.product(stock_quantity=10)
    order = await api.order(None, (product["id"], 4), by=customer.client)

    # A customer may cancel their own order while it is pending.
    response = await customer.client.patch(
        f"/orders/{order['id']}/status", params={"new_status": "cancelled"}
    )

    assert response.json()["status"] == "cancelled"
    assert await _stock(api, product["id"]) == 10
    again = await api.client.patch(
        f"/orders/{order['id']}/status", params={"new_status": "cancelled"}
    )
    assert_problem(again, 409, "invalid-transition")
    assert await _stock(api, product["id"]) == 10


async def test_paying_an_order_records_the_payment_and_confirms_it(api: Api) -> None:
    customer = await api.customer()
    product = await api.product(price="12.50")
    order = await api.order(None, (product["id"], 2), by=customer.client)

    response = await customer.client.post(
        f"/orders/{order['id']}/payments", json={"method": "bank_transfer"}
    )

    assert response.status_code == 201
    payment = response.json()
    assert (payment["amount"], payment["method"]) == ("25.00", "bank_transfer")
    assert isinstance(payment["id"], int)
    assert (await customer.client.get(f"/orders/{order['id']}")).json()["status"] == "confirmed"
    twice = await customer.client.post(f"/orders/{order['id']}/payments", json={"method": "card"})
    assert_problem(twice, 409, "invalid-transition")


async def test_a_status_sent_in_the_body_is_told_it_is_a_query_parameter(api: Api) -> None:
    user = await api.user()
    product = await api.product()
    order = await api.order(user["id"], (product["id"], 1))

    response = await api.client.patch(
        f"/orders/{order['id']}/status", json={"new_status": "confirmed"}
    )

    problem = assert_problem(response, 422, "validation-error")
    assert problem["errors"] == [
        {
            "field": "new_status",
            "message": "new_status is a query parameter: "
            f"PATCH /orders/{order['id']}/status?new_status=confirmed",
        }
    ]


async def test_paying_a_confirmed_order_says_only_pending_orders_can_be_paid(api: Api) -> None:
    user = await api.user()
    product = await api.product()
    order = await api.order(user["id"], (product["id"], 1))
    await api.client.patch(f"/orders/{order['id']}/status", params={"new_status": "confirmed"})

    response = await api.client.post(f"/orders/{order['id']}/payments", json={"method": "card"})

    problem = assert_problem(response, 409, "invalid-transition")
    assert problem["detail"] == "only pending orders can be paid; this order is confirmed"


async def test_an_unknown_payment_method_is_a_422(api: Api) -> None:
    response = await api.client.post("/orders/1/payments", json={"method": "iou"})

    assert field_errors(assert_problem(response, 422)) == {"method"}


async def test_stats_count_orders_and_revenue_of_orders_not_cancelled(api: Api) -> None:
    before = (await api.client.get("/orders/stats/summary")).json()
    user = await api.user()
    product = await api.product(price="10.00")
    kept = await api.order(user["id"], (product["id"], 2))
    cancelled = await api.order(user["id"], (product["id"], 1))
    await api.client.patch(f"/orders/{kept['id']}/status", params={"new_status": "confirmed"})
    await api.client.patch(f"/orders/{cancelled['id']}/status", params={"new_status": "cancelled"})

    response = await api.client.get("/orders/stats/summary")

    assert response.status_code == 200
    after = response.json()
    assert after["total_orders"] == before["total_orders"] + 2
    assert Decimal(after["total_revenue"]) == Decimal(before["total_revenue"]) + Decimal("20.00")
    by_status = after["orders_by_status"]
    assert set(by_status) == {"pending", "confirmed", "shipped", "delivered", "cancelled"}
    assert by_status["confirmed"] == before["orders_by_status"]["confirmed"] + 1
    assert by_status["cancelled"] == before["orders_by_status"]["cancelled"] + 1


async def test_a_cancel_succeeds_however_far_the_stock_was_raised_meanwhile(api: Api) -> None:
    int4_max = 2_147_483_647
    user = await api.user()
    product = await api.product(stock_quantity=10)
    order = await api.order(user["id"], (product["id"], 5))
    stock = f"/products/{product['id']}/stock-adjustments"

    # The 5 units the order holds must still fit when a cancel gives them back.
    to_the_top = await api.client.post(stock, json={"delta": int4_max - 5})
    patched = await api.client.patch(
        f"/products/{product['id']}", json={"version": 2, "stock_quantity": int4_max}
    )
    as_far_as_it_goes = await api.client.post(stock, json={"delta": int4_max - 10})
    cancel = await api.client.patch(
        f"/orders/{order['id']}/status", params={"new_status": "cancelled"}
    )

    assert field_errors(assert_problem(to_the_top, 422)) == {"stock_quantity"}
    assert field_errors(assert_problem(patched, 422)) == {"stock_quantity"}
    assert as_far_as_it_goes.status_code == 200, as_far_as_it_goes.text
    assert as_far_as_it_goes.json()["stock_quantity"] == int4_max - 5
    assert cancel.status_code == 200, cancel.text
    assert await _stock(api, product["id"]) == int4_max
