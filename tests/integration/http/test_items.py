"""/items on every backend: an item is its owner's (or an admin's) to read, edit, delete and
hand over; edits and transfers compare the version the client read; the new owner is told.

Who may reach whose item is also tests/integration/http/test_bola.py; two transfers of one
item at once are tests/integration/concurrency/test_item_transfers.py.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from dependency_injector import providers

from application.shared.events import EventBus
from application.shared.unit_of_work import UnitOfWork
from domain.items.events import ItemTransferred
from entrypoints.container import Container
from tests.integration.http.api import Api, Customer, assert_problem, field_errors


async def item(api: Api, owner: Customer, **fields: Any) -> dict[str, Any]:
    body = {"name": api.unique("Lamp"), "price": "12.50", **fields}
    return await api.created("/items/", body, by=owner.client)


async def notifications(customer: Customer, **params: Any) -> list[dict[str, Any]]:
    response = await customer.client.get("/users/me/notifications", params=params)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["items"]
    return found


# ---------------------------------------------------------------------------- creating
async def test_a_new_item_is_the_callers_at_version_1(api: Api) -> None:
    ann = await api.customer()

    created = await item(api, ann, description="Brass.\nHeavy.", price=0)

    assert created["owner_id"] == ann.id
    assert (created["version"], created["price"], created["description"]) == (
        1,
        "0.00",
        "Brass.\nHeavy.",
    )
    assert (await ann.client.get(f"/items/{created['id']}")).json() == created


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "", "price": "1.00"}, "name"),
        ({"name": "x" * 201, "price": "1.00"}, "name"),
        ({"name": "Two\nlines", "price": "1.00"}, "name"),
        ({"name": "Lamp", "price": "-0.01"}, "price"),
        ({"name": "Lamp", "price": "NaN"}, "price"),
        ({"name": "Lamp", "price": "1.00", "description": "x" * 2001}, "description"),
        ({"name": "Lamp", "price": "1.00", "description": "nul\x00"}, "description"),
        ({"name": "Lamp", "price": "1.00", "owner_id": 1}, "owner_id"),
        ({"name": "Lamp", "price": "1.00", "version": 7}, "version"),
    ],
)
async def test_a_create_with_a_bad_or_unknown_field_is_a_422(
    api: Api, body: dict[str, Any], field: str
) -> None:
    ann = await api.customer()
    problem = assert_problem(await ann.client.post("/items/", json=body), 422)
    assert field in str(field_errors(problem))


# ---------------------------------------------------------------------------- listing
async def test_a_customer_lists_their_own_items_and_an_admin_all_of_the_store(api: Api) -> None:
    ann, bob = await api.customer(), await api.customer()
    mine = [await item(api, ann), await item(api, ann)]
    theirs = await item(api, bob)

    own = (await ann.client.get("/items/")).json()
    asked_for_bobs = (await ann.client.get("/items/", params={"owner_id": bob.id})).json()
    by_admin = (await api.client.get("/items/", params={"owner_id": bob.id})).json()

    assert [i["id"] for i in own["items"]] == [i["id"] for i in mine]
    assert asked_for_bobs["total"] == 0
    assert [i["id"] for i in by_admin["items"]] == [theirs["id"]]
    assert set(own) == {
        "items",
        "total",
        "page",
        "page_size",
        "total_pages",
        "has_next",
        "has_previous",
    }


async def test_items_are_filtered_and_sorted(api: Api) -> None:
    ann = await api.customer()
    cheap, dear = await item(api, ann, price="1.00"), await item(api, ann, price="90.00")

    by_price = (await ann.client.get("/items/", params={"sort": "-price"})).json()["items"]
    under_ten = (await ann.client.get("/items/", params={"price__lt": "10"})).json()["items"]
    unknown = await ann.client.get("/items/", params={"colour": "red"})

    assert [i["id"] for i in by_price] == [dear["id"], cheap["id"]]
    assert [i["id"] for i in under_ten] == [cheap["id"]]
    assert_problem(unknown, 422)


# ---------------------------------------------------------------------------- editing
async def test_an_edit_compares_the_version_and_answers_the_next(api: Api) -> None:
    ann = await api.customer()
    lamp = await item(api, ann)
    path = f"/items/{lamp['id']}"

    edited = await ann.client.patch(path, json={"version": 1, "name": "Desk lamp"})
    stale = await ann.client.patch(path, json={"version": 1, "price": "1.00"})
    unchanged = await ann.client.patch(path, json={"version": 2, "name": "Desk lamp"})
    unversioned = await ann.client.patch(path, json={"name": "No version"})

    assert edited.status_code == 200, edited.text
    assert (edited.json()["name"], edited.json()["version"]) == ("Desk lamp", 2)
    assert_problem(stale, 409, "stale-version")
    assert unchanged.json()["version"] == 2  # no change, no new version
    assert "version" in field_errors(assert_problem(unversioned, 422))
    assert (await ann.client.get(path)).json()["price"] == "12.50"


async def test_a_deleted_item_is_gone(api: Api) -> None:
    ann = await api.customer()
    lamp = await item(api, ann)

    assert (await ann.client.delete(f"/items/{lamp['id']}")).status_code == 204
    assert_problem(await ann.client.get(f"/items/{lamp['id']}"), 404, "not-found")


# ---------------------------------------------------------------------------- transferring
async def test_a_transfer_hands_the_item_over_and_tells_the_new_owner(api: Api) -> None:
    ann, bob = await api.customer(), await api.customer()
    lamp = await item(api, ann)

    moved = await ann.client.post(
        f"/items/{lamp['id']}/transfer", json={"new_owner_id": bob.id, "version": 1}
    )

    assert moved.status_code == 201, moved.text
    assert (moved.json()["owner_id"], moved.json()["version"]) == (bob.id, 2)
    assert_problem(await ann.client.get(f"/items/{lamp['id']}"), 404, "not-found")
    assert (await bob.client.get(f"/items/{lamp['id']}")).json() == moved.json()
    [told] = await notifications(bob)
    assert (told["kind"], told["reference_id"], told["is_read"]) == (
        "item_received",
        lamp["id"],
        False,
    )
    assert lamp["name"] in told["message"]
    assert await notifications(ann) == []


async def test_an_admin_transfers_anyones_item(api: Api) -> None:
    ann, bob = await api.customer(), await api.customer()
    lamp = await item(api, ann)

    moved = await api.client.post(
        f"/items/{lamp['id']}/transfer", json={"new_owner_id": bob.id, "version": 1}
    )

    assert moved.status_code == 201, moved.text
    assert moved.json()["owner_id"] == bob.id
    assert len(await notifications(bob)) == 1


async def test_a_transfer_refused_changes_nothing_and_tells_no_one(api: Api) -> None:
    ann, bob, gone = await api.customer(), await api.customer(), await api.customer()
    assert (await api.client.delete(f"/users/{gone.id}")).status_code == 204
    lamp = await item(api, ann)
    path = f"/items/{lamp['id']}/transfer"

    to_self = await ann.client.post(path, json={"new_owner_id": ann.id, "version": 1})
    to_nobody = await ann.client.post(path, json={"new_owner_id": 2_147_483_647, "version": 1})
    to_inactive = await ann.client.post(path, json={"new_owner_id": gone.id, "version": 1})
    stale = await ann.client.post(path, json={"new_owner_id": bob.id, "version": 2})
    no_version = await ann.client.post(path, json={"new_owner_id": bob.id})

    assert_problem(to_self, 422)
    assert_problem(to_nobody, 404, "not-found")
    assert_problem(to_inactive, 409)
    assert_problem(stale, 409, "stale-version")
    assert "version" in field_errors(assert_problem(no_version, 422))
    assert (await ann.client.get(f"/items/{lamp['id']}")).json() == lamp
    assert await notifications(bob) == []


# ---------------------------------------------------------------------------- after the commit
async def test_a_failing_after_commit_handler_leaves_the_transfer_done_and_is_logged(
    api: Api, container: Container, events_log: io.StringIO
) -> None:
    ann, bob = await api.customer(), await api.customer()
    lamp = await item(api, ann)

    async def breaks(event: ItemTransferred, uow: UnitOfWork) -> None:
        raise RuntimeError("the notification service is down")

    container.event_bus.override(providers.Object(EventBus({ItemTransferred: (breaks,)})))
    try:
        moved = await ann.client.post(
            f"/items/{lamp['id']}/transfer", json={"new_owner_id": bob.id, "version": 1}
        )
    finally:
        container.event_bus.reset_override()

    assert moved.status_code == 201, moved.text
    assert "notification service" not in moved.text
    assert (await bob.client.get(f"/items/{lamp['id']}")).json()["owner_id"] == bob.id
    assert await notifications(bob) == []
    line = events_log.getvalue()
    assert f"[{moved.headers['X-Request-ID']}]" in line
    assert "after-commit handler" in line
    assert "ItemTransferred" in line
    assert "RuntimeError: the notification service is down" in line
