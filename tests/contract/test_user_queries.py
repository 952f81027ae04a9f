"""The users read side: lookups, lists with search, counts, top spenders and the export."""

from __future__ import annotations

from decimal import Decimal

import pytest

from application.identity.commands import DeactivateUser
from application.identity.queries import USER_LIST
from application.ordering.commands import ChangeOrderStatus
from domain.identity.user import User
from domain.ordering.order import OrderStatus
from domain.shared.errors import InvalidValue
from tests.contract.data import id_of, order, product, user
from tests.support.actors import customer
from tests.support.storage import Storage


@pytest.fixture
async def people(storage: Storage) -> list[User]:
    made = [
        await user(storage, "alice", full_name="Alice Liddell"),
        await user(storage, "bob_smith", email="bob@shop.example", full_name=None),
        await user(storage, "Carol", full_name="Carol Ærø"),
        await user(storage, "dave", full_name="David 100%"),
    ]
    await storage.use_cases.deactivate_user()(DeactivateUser(id_of(made[3])))
    return made


def usernames(page_items: object) -> list[str]:
    return [view.username for view in page_items]  # type: ignore[attr-defined]


async def test_a_user_view_carries_the_profile_and_never_the_hash(
    storage: Storage, people: list[User]
) -> None:
    view = await storage.users.get(id_of(people[0]))

    assert view is not None
    assert (view.id, view.username, view.email, view.full_name, view.bio) == (
        id_of(people[0]),
        "alice",
        "alice@example.com",
        "Alice Liddell",
        None,
    )
    assert (view.is_active, view.is_superuser, view.credits) == (True, False, Decimal("0.00"))
    assert view.created_at == people[0].created_at
    assert not hasattr(view, "hashed_password")
    assert await storage.users.get(999) is None


async def test_get_by_email_ignores_case(storage: Storage, people: list[User]) -> None:
    found = await storage.users.get_by_email("BOB@Shop.Example")

    assert found is not None
    assert found.username == "bob_smith"
    assert await storage.users.get_by_email("nobody@example.com") is None


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("ALICE", ["alice"]),  # username and full name, any case
        ("shop.example", ["bob_smith"]),  # email
        ("ærø", ["Carol"]),  # non-ASCII case folding
        ("100%", ["dave"]),  # % taken literally
        ("_", ["bob_smith"]),  # _ taken literally
        ("example", ["alice", "bob_smith", "Carol", "dave"]),
        ("nobody", []),
    ],
)
async def test_search_matches_username_email_or_full_name(
    storage: Storage, people: list[User], search: str, expected: list[str]
) -> None:
    page = await storage.users.list(USER_LIST.query(search=search))

    assert usernames(page.items) == expected
    assert page.total == len(expected)


async def test_filters_and_sorting_combine_with_search(
    storage: Storage, people: list[User]
) -> None:
    page = await storage.users.list(
        USER_LIST.query([("is_active", "true")], search="example", sort="-username")
    )

    assert usernames(page.items) == ["bob_smith", "alice", "Carol"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("username", ["Carol", "alice", "bob_smith", "dave"]),
        ("full_name", ["bob_smith", "alice", "Carol", "dave"]),
        ("-full_name", ["dave", "Carol", "alice", "bob_smith"]),
    ],
)
async def test_users_sort_by_code_point_with_nulls_first(
    storage: Storage, people: list[User], sort: str, expected: list[str]
) -> None:
    page = await storage.users.list(USER_LIST.query(sort=sort))

    assert usernames(page.items) == expected


async def test_filtering_on_a_nullable_text_field(storage: Storage, people: list[User]) -> None:
    missing = await storage.users.list(USER_LIST.query([("full_name__is_null", "true")]))
    not_alice = await storage.users.list(USER_LIST.query([("full_name__ne", "Alice Liddell")]))

    assert usernames(missing.items) == ["bob_smith"]
    # A NULL is not "different from" anything: bob is not listed.
    assert usernames(not_alice.items) == ["Carol", "dave"]


async def test_counts(storage: Storage, people: list[User]) -> None:
    counts = await storage.users.counts()

    assert (counts.total, counts.active) == (4, 3)


async def test_top_spenders_rank_by_money_on_orders_not_cancelled(
    storage: Storage, people: list[User]
) -> None:
    alice, bob, carol, _ = people
    cheap = await product(storage, "Cheap", price="0.10", stock=100)
    dear = await product(storage, "Dear", price="0.20", stock=100)
    await order(storage, id_of(alice), (id_of(cheap), 1))
    await order(storage, id_of(alice), (id_of(dear), 1))  # 0.10 + 0.20
    await order(storage, id_of(bob), (id_of(cheap), 3))  # 0.30 in one order
    cancelled = await order(storage, id_of(carol), (id_of(dear), 50))
    await storage.use_cases.change_order_status()(
        customer(id_of(carol)), ChangeOrderStatus(id_of(cancelled), OrderStatus.CANCELLED)
    )

    top = await storage.users.top_spenders(10)

    # Equal totals (0.1 + 0.2 == 0.3 exactly, as money): the lower id first.
    assert [(t.username, t.email, t.order_count, t.total_spent) for t in top] == [
        ("alice", "alice@example.com", 2, Decimal("0.30")),
        ("bob_smith", "bob@shop.example", 1, Decimal("0.30")),
    ]
    assert [t.user_id for t in await storage.users.top_spenders(1)] == [id_of(alice)]
    assert list(await storage.users.top_spenders(0)) == []


async def test_the_export_streams_every_user_in_id_order_in_batches(
    storage: Storage, people: list[User]
) -> None:
    batches = [list(batch) async for batch in storage.users.export(batch_size=3)]

    assert [[u.username for u in batch] for batch in batches] == [
        ["alice", "bob_smith", "Carol"],
        ["dave"],
    ]


async def test_an_export_needs_a_positive_batch_size(storage: Storage) -> None:
    with pytest.raises(InvalidValue):
        async for _ in storage.users.export(batch_size=0):
            pass
