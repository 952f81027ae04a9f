"""The wallet over HTTP: grants, transfers, the ledger, paying orders with credits, and the
reconciliation, on every backend.

Credits enter by an admin's grant; customers move their own. After every step the ledger
explains each balance: its amounts sum to it and its newest entry ends on it. Who may call
what is test_access.py and test_bola.py; other stores' ids, test_stores.py."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx

from tests.integration.http.api import Api, Customer, assert_problem, field_errors


async def grant(api: Api, user_id: int, amount: str, reason: str = "welcome") -> dict[str, Any]:
    return await api.created(
        f"/users/{user_id}/credit-grants", {"amount": amount, "reason": reason}
    )


async def balance(client: httpx.AsyncClient) -> Decimal:
    response = await client.get("/users/me/balance")
    assert response.status_code == 200, response.text
    return Decimal(response.json()["balance"])


async def ledger(client: httpx.AsyncClient, **params: Any) -> list[dict[str, Any]]:
    response = await client.get("/users/me/ledger", params={"page_size": 100, **params})
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def assert_explained(customer: Customer) -> Decimal:
    """The customer's balance is the sum of their ledger and what its newest entry left."""
    credits = await balance(customer.client)
    entries = await ledger(customer.client)
    assert sum((Decimal(e["amount"]) for e in entries), Decimal("0.00")) == credits
    if entries:
        assert Decimal(entries[0]["balance_after"]) == credits
    assert Decimal((await customer.client.get("/users/me")).json()["credits"]) == credits
    return credits


async def funded(api: Api, amount: str = "100.00") -> Customer:
    customer = await api.customer()
    await grant(api, customer.id, amount)
    return customer


# ------------------------------------------------------------------------------- grants
async def test_a_grant_credits_the_user_and_is_the_first_ledger_entry(api: Api) -> None:
    customer = await api.customer()
    assert await balance(customer.client) == Decimal("0.00")

    made = await grant(api, customer.id, "25.50", reason="Launch bonus")

    assert (made["user_id"], made["amount"], made["reason"]) == (
        customer.id,
        "25.50",
        "Launch bonus",
    )
    assert made["balance_after"] == "25.50"
    (entry,) = await ledger(customer.client)
    assert (entry["kind"], entry["amount"], entry["balance_after"]) == ("grant", "25.50", "25.50")
    assert entry["reference_id"] == made["id"]
    assert await assert_explained(customer) == Decimal("25.50")


async def test_a_grant_needs_a_positive_two_place_amount_and_a_reason(api: Api) -> None:
    customer = await api.customer()
    path = f"/users/{customer.id}/credit-grants"
    for body, field in (
        ({"amount": "0", "reason": "x"}, "amount"),
        ({"amount": "-5.00", "reason": "x"}, "amount"),
        ({"amount": "1.005", "reason": "x"}, "amount"),
        ({"amount": "NaN", "reason": "x"}, "amount"),
        ({"amount": "5.00", "reason": ""}, "reason"),
        ({"amount": "5.00", "reason": "a\nb"}, "reason"),
        ({"amount": "5.00"}, "reason"),
        ({"amount": "5.00", "reason": "x", "balance": "1000.00"}, "balance"),
    ):
        problem = assert_problem(await api.client.post(path, json=body), 422)
        assert any(field in name for name in field_errors(problem)), (body, problem)
    assert await balance(customer.client) == Decimal("0.00")


async def test_a_grant_to_an_unknown_user_is_404(api: Api) -> None:
    response = await api.client.post(
        "/users/2147483647/credit-grants", json={"amount": "1.00", "reason": "x"}
    )
    assert_problem(response, 404, "not-found")


# ---------------------------------------------------------------------------- transfers
async def test_a_transfer_moves_credits_with_one_entry_on_each_side(api: Api) -> None:
    alice, bob = await funded(api, "50.00"), await api.customer()

    response = await alice.client.post(
        "/transfers/", json={"to_user_id": bob.id, "amount": "12.34", "note": "lunch"}
    )

    assert response.status_code == 201, response.text
    transfer = response.json()
    assert (transfer["from_user_id"], transfer["to_user_id"]) == (alice.id, bob.id)
    assert (transfer["amount"], transfer["note"], transfer["status"]) == (
        "12.34",
        "lunch",
        "completed",
    )
    assert await assert_explained(alice) == Decimal("37.66")
    assert await assert_explained(bob) == Decimal("12.34")
    out, _grant = await ledger(alice.client)
    (into,) = await ledger(bob.client)
    assert (out["kind"], out["amount"], out["reference_id"]) == (
        "transfer_out",
        "-12.34",
        transfer["id"],
    )
    assert (into["kind"], into["amount"], into["reference_id"]) == (
        "transfer_in",
        "12.34",
        transfer["id"],
    )
    for client in (alice.client, bob.client, api.client):
        assert (await client.get(f"/transfers/{transfer['id']}")).json() == transfer


async def test_too_few_credits_is_a_409_and_nothing_moves(api: Api) -> None:
    alice, bob = await funded(api, "10.00"), await api.customer()

    response = await alice.client.post(
        "/transfers/", json={"to_user_id": bob.id, "amount": "10.01"}
    )

    assert_problem(response, 409, "insufficient-credits")
    assert await assert_explained(alice) == Decimal("10.00")
    assert await assert_explained(bob) == Decimal("0.00")
    assert (await alice.client.get("/transfers/")).json()["total"] == 0
    # The whole balance may go.
    moved = await alice.client.post("/transfers/", json={"to_user_id": bob.id, "amount": "10.00"})
    assert moved.status_code == 201, moved.text
    assert await assert_explained(alice) == Decimal("0.00")


async def test_an_inactive_recipient_is_a_409_and_nothing_moves(api: Api) -> None:
    alice, bob = await funded(api, "10.00"), await api.customer()
    assert (await api.client.delete(f"/users/{bob.id}")).status_code == 204

    response = await alice.client.post("/transfers/", json={"to_user_id": bob.id, "amount": "1.00"})

    assert_problem(response, 409, "inactive")
    assert await assert_explained(alice) == Decimal("10.00")


async def test_a_transfer_to_oneself_is_422_and_to_an_unknown_user_404(api: Api) -> None:
    alice = await funded(api, "10.00")

    to_self = await alice.client.post(
        "/transfers/", json={"to_user_id": alice.id, "amount": "1.00"}
    )
    unknown = await alice.client.post(
        "/transfers/", json={"to_user_id": 2147483647, "amount": "1.00"}
    )

    assert "to_user_id" in field_errors(assert_problem(to_self, 422))
    assert_problem(unknown, 404, "not-found")
    assert await assert_explained(alice) == Decimal("10.00")


async def test_a_transfer_refuses_bad_amounts_notes_and_unknown_fields(api: Api) -> None:
    alice, bob = await funded(api, "10.00"), await api.customer()
    for body, field in (
        ({"to_user_id": bob.id, "amount": "0.00"}, "amount"),
        ({"to_user_id": bob.id, "amount": "-1.00"}, "amount"),
        ({"to_user_id": bob.id, "amount": "0.001"}, "amount"),
        ({"to_user_id": bob.id, "amount": "Infinity"}, "amount"),
        ({"to_user_id": bob.id, "amount": "1.00", "note": "x" * 201}, "note"),
        ({"to_user_id": bob.id, "amount": "1.00", "note": "a\u0000b"}, "note"),
        ({"to_user_id": bob.id, "amount": "1.00", "from_user_id": bob.id}, "from_user_id"),
        ({"to_user_id": 0, "amount": "1.00"}, "to_user_id"),
    ):
        problem = assert_problem(await alice.client.post("/transfers/", json=body), 422)
        assert any(field in name for name in field_errors(problem)), (body, problem)
    assert await assert_explained(alice) == Decimal("10.00")


async def test_an_idempotency_key_replays_the_transfer_and_moves_the_money_once(api: Api) -> None:
    alice, bob = await funded(api, "10.00"), await api.customer()
    key = {"Idempotency-Key": api.unique("transfer")}
    body = {"to_user_id": bob.id, "amount": "4.00"}

    first = await alice.client.post("/transfers/", json=body, headers=key)
    again = await alice.client.post("/transfers/", json=body, headers=key)
    other = await alice.client.post("/transfers/", json={**body, "amount": "5.00"}, headers=key)

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.content == first.content
    assert other.status_code in (409, 422)
    assert await assert_explained(alice) == Decimal("6.00")
    assert await assert_explained(bob) == Decimal("4.00")


async def test_transfers_list_what_the_caller_sent_and_received_newest_first(api: Api) -> None:
    alice, bob, carol = await funded(api), await funded(api), await api.customer()
    sent = await alice.client.post("/transfers/", json={"to_user_id": bob.id, "amount": "1.00"})
    received = await bob.client.post("/transfers/", json={"to_user_id": alice.id, "amount": "2.00"})
    elsewhere = await bob.client.post(
        "/transfers/", json={"to_user_id": carol.id, "amount": "3.00"}
    )
    ids = {r.json()["id"]: r.json() for r in (sent, received, elsewhere)}
    sent_id, received_id, elsewhere_id = ids

    def listed(response: httpx.Response) -> list[int]:
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert listed(await alice.client.get("/transfers/")) == [received_id, sent_id]
    assert listed(await alice.client.get("/transfers/", params={"direction": "sent"})) == [sent_id]
    assert listed(await alice.client.get("/transfers/", params={"direction": "received"})) == [
        received_id
    ]
    assert listed(await alice.client.get("/transfers/", params={"amount__gte": "2"})) == [
        received_id
    ]
    assert listed(await alice.client.get("/transfers/", params={"sort": "amount"})) == [
        sent_id,
        received_id,
    ]
    everything = listed(await api.client.get("/transfers/", params={"page_size": 100}))
    assert {sent_id, received_id, elsewhere_id} <= set(everything)
    # Someone else's transfer is not there for alice, neither in lists nor by id.
    assert_problem(await alice.client.get(f"/transfers/{elsewhere_id}"), 404, "not-found")
    assert_problem(await alice.client.get("/transfers/", params={"direction": "up"}), 422)


# -------------------------------------------------------------------------------- ledger
async def test_the_ledger_is_paginated_newest_first_and_filtered(api: Api) -> None:
    alice, bob = await funded(api, "20.00"), await api.customer()
    for amount in ("1.00", "2.00", "3.00"):
        moved = await alice.client.post(
            "/transfers/", json={"to_user_id": bob.id, "amount": amount}
        )
        assert moved.status_code == 201

    page = (await alice.client.get("/users/me/ledger", params={"page_size": 2})).json()
    grants = await ledger(alice.client, kind="grant")

    assert (page["total"], page["total_pages"], page["has_next"]) == (4, 2, True)
    assert [e["amount"] for e in page["items"]] == ["-3.00", "-2.00"]
    assert [e["balance_after"] for e in page["items"]] == ["14.00", "17.00"]
    assert [e["kind"] for e in grants] == ["grant"]
    assert_problem(await alice.client.get("/users/me/ledger", params={"user_id": bob.id}), 422)
    assert await assert_explained(alice) == Decimal("14.00")


# ---------------------------------------------------------------------- credit payments
async def test_paying_with_credits_debits_the_orderer_and_a_cancel_refunds_once(api: Api) -> None:
    customer = await funded(api, "30.00")
    product = await api.product(price="12.50")
    order = await api.order(None, (product["id"], 2), by=customer.client)

    paid = await customer.client.post(f"/orders/{order['id']}/payments", json={"method": "credits"})

    assert paid.status_code == 201, paid.text
    assert (paid.json()["method"], paid.json()["amount"]) == ("credits", "25.00")
    assert (await customer.client.get(f"/orders/{order['id']}")).json()["status"] == "confirmed"
    assert await assert_explained(customer) == Decimal("5.00")
    (payment, _grant) = await ledger(customer.client)
    assert (payment["kind"], payment["amount"], payment["reference_id"]) == (
        "order_payment",
        "-25.00",
        order["id"],
    )

    cancel = await api.client.patch(
        f"/orders/{order['id']}/status", params={"new_status": "cancelled"}
    )
    again = await api.client.patch(
        f"/orders/{order['id']}/status", params={"new_status": "cancelled"}
    )

    assert cancel.status_code == 200, cancel.text
    assert_problem(again, 409, "invalid-transition")
    assert await assert_explained(customer) == Decimal("30.00")
    refunds = await ledger(customer.client, kind="order_refund")
    assert [(e["amount"], e["reference_id"]) for e in refunds] == [("25.00", order["id"])]


async def test_too_few_credits_leaves_the_order_pending_and_unpaid(api: Api) -> None:
    customer = await funded(api, "10.00")
    product = await api.product(price="10.01")
    order = await api.order(None, (product["id"], 1), by=customer.client)

    response = await customer.client.post(
        f"/orders/{order['id']}/payments", json={"method": "credits"}
    )

    assert_problem(response, 409, "insufficient-credits")
    details = (await customer.client.get(f"/orders/{order['id']}/details")).json()
    assert (details["status"], details["payments"]) == ("pending", [])
    assert await assert_explained(customer) == Decimal("10.00")


async def test_an_admin_paying_with_credits_debits_the_orderer(api: Api) -> None:
    customer = await funded(api, "10.00")
    product = await api.product(price="4.00")
    order = await api.order(customer.id, (product["id"], 1))

    paid = await api.client.post(f"/orders/{order['id']}/payments", json={"method": "credits"})

    assert paid.status_code == 201, paid.text
    assert await assert_explained(customer) == Decimal("6.00")


async def test_cancelling_an_order_paid_otherwise_moves_no_credits(api: Api) -> None:
    customer = await funded(api, "10.00")
    product = await api.product(price="4.00")
    order = await api.order(None, (product["id"], 1), by=customer.client)
    await customer.client.post(f"/orders/{order['id']}/payments", json={"method": "card"})

    cancel = await api.client.patch(
        f"/orders/{order['id']}/status", params={"new_status": "cancelled"}
    )

    assert cancel.status_code == 200
    assert await assert_explained(customer) == Decimal("10.00")
    assert len(await ledger(customer.client)) == 1


# ------------------------------------------------------------------------ reconciliation
async def test_the_reconciliation_checks_every_user_and_finds_no_difference(api: Api) -> None:
    alice, bob = await funded(api, "5.00"), await api.customer()
    await alice.client.post("/transfers/", json={"to_user_id": bob.id, "amount": "2.50"})
    users = (await api.client.get("/users/", params={"page_size": 1})).json()["total"]

    response = await api.client.get("/admin/ledger/reconciliation")

    assert response.status_code == 200, response.text
    assert response.json() == {"users_checked": users, "differences_found": 0, "differences": []}
