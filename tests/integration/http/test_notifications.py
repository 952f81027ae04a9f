"""The caller's notifications on every backend: what leaves one (an order placed, its status
changed, an item received, credits received), the list, the unread count, marking one and all
read. A notification is its recipient's alone: another user's, an admin's request included, is
a 404.
"""

from __future__ import annotations

import io
from typing import Any

from dependency_injector import providers

from application.shared.events import EventBus
from application.shared.unit_of_work import UnitOfWork
from domain.wallet.events import CreditsTransferred
from entrypoints.container import Container
from tests.integration.http.api import Api, Customer, assert_problem

ME = "/users/me/notifications"


async def mine(customer: Customer, **params: Any) -> dict[str, Any]:
    response = await customer.client.get(ME, params=params)
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    return page


async def unread(customer: Customer) -> int:
    response = await customer.client.get(f"{ME}/unread-count")
    assert response.status_code == 200, response.text
    count: int = response.json()["count"]
    return count


async def placed_order(api: Api, buyer: Customer) -> dict[str, Any]:
    product = await api.product()
    return await api.order(None, (product["id"], 1), by=buyer.client)


async def test_each_event_of_an_order_leaves_one_notification_for_its_user_only(
    api: Api,
) -> None:
    ann, bob = await api.customer(), await api.customer()

    order = await placed_order(api, ann)
    paid = await ann.client.post(f"/orders/{order['id']}/payments", json={"method": "card"})
    shipped = await api.client.patch(
        f"/orders/{order['id']}/status", params={"new_status": "shipped"}
    )

    assert (paid.status_code, shipped.status_code) == (201, 200)
    told = (await mine(ann))["items"]
    assert [(n["kind"], n["reference_id"]) for n in told] == [
        ("order_status_changed", order["id"]),
        ("order_status_changed", order["id"]),
        ("order_placed", order["id"]),
    ]
    assert [n["message"] for n in told] == [
        f"Order {order['order_number']} shipped",
        f"Order {order['order_number']} confirmed",
        f"Order {order['order_number']} placed",
    ]
    assert (await mine(bob))["total"] == 0


async def test_a_refused_status_change_leaves_no_notification(api: Api) -> None:
    ann = await api.customer()
    order = await placed_order(api, ann)

    refused = await api.client.patch(
        f"/orders/{order['id']}/status", params={"new_status": "delivered"}
    )

    assert_problem(refused, 409, "invalid-transition")
    assert [n["kind"] for n in (await mine(ann))["items"]] == ["order_placed"]


async def test_the_list_is_newest_first_paged_and_filtered(api: Api) -> None:
    ann = await api.customer()
    orders = [await placed_order(api, ann) for _ in range(3)]

    first = await mine(ann, page_size=2)
    second = await mine(ann, page_size=2, page=2)
    one = await mine(ann, reference_id=orders[1]["id"])
    bad = await ann.client.get(ME, params={"user_id": 1})

    assert [n["reference_id"] for n in first["items"] + second["items"]] == [
        o["id"] for o in reversed(orders)
    ]
    assert (first["total"], first["has_next"], second["has_next"]) == (3, True, False)
    assert [n["reference_id"] for n in one["items"]] == [orders[1]["id"]]
    assert_problem(bad, 422)  # whose they are is not the caller's to choose


async def test_marking_one_read_sets_its_time_once_and_lowers_the_unread_count(
    api: Api,
) -> None:
    ann = await api.customer()
    await placed_order(api, ann)
    await placed_order(api, ann)
    newest, oldest = (await mine(ann))["items"]
    assert await unread(ann) == 2

    marked = await ann.client.post(f"/notifications/{oldest['id']}/read")
    again = await ann.client.post(f"/notifications/{oldest['id']}/read")

    assert marked.status_code == 200, marked.text
    assert marked.json()["is_read"] is True
    assert marked.json()["read_at"] is not None
    assert again.json() == marked.json()
    assert await unread(ann) == 1
    still_unread = (await mine(ann, read_at__is_null="true"))["items"]
    assert [n["id"] for n in still_unread] == [newest["id"]]


async def test_another_users_notification_is_a_404_even_to_an_admin(api: Api) -> None:
    ann, bob = await api.customer(), await api.customer()
    await placed_order(api, ann)
    [note] = (await mine(ann))["items"]

    by_bob = await bob.client.post(f"/notifications/{note['id']}/read")
    by_admin = await api.client.post(f"/notifications/{note['id']}/read")
    nobodys = await bob.client.post("/notifications/2147483647/read")

    for refused in (by_bob, by_admin, nobodys):
        assert_problem(refused, 404, "not-found")
    assert by_bob.json()["detail"] == nobodys.json()["detail"].replace(
        "2147483647", str(note["id"])
    )
    assert await unread(ann) == 1  # neither marked it


async def test_read_all_marks_the_callers_own_only(api: Api) -> None:
    ann, bob = await api.customer(), await api.customer()
    for buyer in (ann, ann, bob):
        await placed_order(api, buyer)

    marked = await ann.client.post("/notifications/read-all")
    again = await ann.client.post("/notifications/read-all")

    assert (marked.status_code, marked.json(), again.json()) == (200, {"count": 2}, {"count": 0})
    assert (await unread(ann), await unread(bob)) == (0, 1)
    assert all(n["is_read"] for n in (await mine(ann))["items"])


async def test_notifications_need_a_sign_in(api: Api) -> None:
    for method, path in (
        ("GET", ME),
        ("GET", f"{ME}/unread-count"),
        ("POST", "/notifications/1/read"),
        ("POST", "/notifications/read-all"),
    ):
        assert_problem(await api.anonymous.request(method, path), 401, "unauthenticated")


# ---------------------------------------------------------------------------- credits received
async def funded(api: Api, amount: str = "20.00") -> Customer:
    sender = await api.customer()
    await api.created(f"/users/{sender.id}/credit-grants", {"amount": amount, "reason": "test"})
    return sender


async def test_credits_received_tell_the_recipient_once_and_nobody_else(api: Api) -> None:
    ann, bob = await funded(api), await api.customer()

    sent = await ann.client.post("/transfers/", json={"to_user_id": bob.id, "amount": "12.50"})

    assert sent.status_code == 201, sent.text
    told = (await mine(bob))["items"]
    assert [(n["kind"], n["reference_id"], n["message"]) for n in told] == [
        ("transfer_received", sent.json()["id"], "You received 12.50 credits")
    ]
    assert (await mine(ann))["items"] == []


async def test_a_refused_transfer_tells_nobody(api: Api) -> None:
    ann, bob = await funded(api, "5.00"), await api.customer()

    too_much = await ann.client.post("/transfers/", json={"to_user_id": bob.id, "amount": "5.01"})

    assert_problem(too_much, 409)
    assert (await mine(bob))["total"] == 0
    assert (await mine(ann))["total"] == 0


async def test_a_failing_handler_leaves_the_credit_transfer_done_and_is_logged(
    api: Api, container: Container, events_log: io.StringIO
) -> None:
    ann, bob = await funded(api), await api.customer()

    async def breaks(event: CreditsTransferred, uow: UnitOfWork) -> None:
        raise RuntimeError("the notification service is down")

    container.event_bus.override(providers.Object(EventBus({CreditsTransferred: (breaks,)})))
    try:
        sent = await ann.client.post("/transfers/", json={"to_user_id": bob.id, "amount": "8.00"})
    finally:
        container.event_bus.reset_override()

    assert sent.status_code == 201, sent.text
    assert "notification service" not in sent.text
    balances = [(await who.client.get("/users/me/balance")).json() for who in (ann, bob)]
    assert [b["balance"] for b in balances] == ["12.00", "8.00"]
    assert (await mine(bob))["total"] == 0
    line = events_log.getvalue()
    assert f"[{sent.headers['X-Request-ID']}]" in line
    assert "CreditsTransferred" in line
    assert "RuntimeError: the notification service is down" in line
