"""The in-memory read side: the list semantics of application/shared/listing.py (with SQL's
NULL rules), lookups, statistics, the category tree and the export."""

from __future__ import annotations

from decimal import Decimal

import pytest

from adapters.memory import (
    InMemoryCategoryQueries,
    InMemoryOrderQueries,
    InMemoryProductQueries,
    InMemoryStorageHealth,
    InMemoryUnitOfWork,
    InMemoryUserQueries,
)
from application.catalog.queries import CATEGORY_LIST, PRODUCT_LIST
from application.identity.commands import PatchUser
from application.identity.handlers import EditUserHandler
from application.identity.queries import USER_LIST
from application.ordering.commands import ChangeOrderStatus, PayOrder
from application.ordering.handlers import ChangeOrderStatusHandler, PayOrderHandler
from application.ordering.queries import ORDER_LIST
from application.wallet.credit_payments import WalletCreditPayments
from domain.identity.user import User
from domain.ordering.order import OrderStatus, PaymentMethod
from tests.support.actors import admin, customer
from tests.unit.fakes import START
from tests.unit.seeding import Seed, id_of


@pytest.fixture
def users(store) -> InMemoryUserQueries:
    return InMemoryUserQueries(store)


@pytest.fixture
def products(store) -> InMemoryProductQueries:
    return InMemoryProductQueries(store)


@pytest.fixture
def categories(store) -> InMemoryCategoryQueries:
    return InMemoryCategoryQueries(store)


@pytest.fixture
def orders(store) -> InMemoryOrderQueries:
    return InMemoryOrderQueries(store)


async def name_user(seed: Seed, user_id: int, full_name: str | None) -> None:
    handler = EditUserHandler(InMemoryUnitOfWork(seed.store), seed.clock, seed.hasher)
    await handler(admin(), PatchUser(user_id, full_name=full_name))


async def set_status(seed: Seed, order_id: int, *path: OrderStatus) -> None:
    for status in path:
        handler = ChangeOrderStatusHandler(
            InMemoryUnitOfWork(seed.store), seed.clock, WalletCreditPayments()
        )
        await handler(admin(), ChangeOrderStatus(order_id, status))


# -- filters -------------------------------------------------------------------------------
@pytest.fixture
async def people(seed: Seed) -> list[int]:
    """Five users; full names: "Ann Lee", None, "100% Cotton", "Bob", None; #4 inactive."""
    ids = []
    for n, (name, full_name) in enumerate(
        [("ann", "Ann Lee"), ("a_b", None), ("abc", "100% Cotton"), ("bob", "Bob"), ("zed", None)]
    ):
        user = await seed.user(name, f"{name}{n}@Example.com".lower(), active=n != 3)
        if full_name is not None:
            await name_user(seed, id_of(user), full_name)
        ids.append(id_of(user))
    return ids


async def usernames(queries: InMemoryUserQueries, *pairs: tuple[str, str], **kw: str) -> list[str]:
    page = await queries.list(USER_LIST.query(pairs, **kw))  # type: ignore[arg-type]
    return [u.username for u in page.items]


async def test_equality_and_booleans(users, people):
    assert await usernames(users, ("username", "bob")) == ["bob"]
    assert await usernames(users, ("is_active", "false")) == ["bob"]
    assert await usernames(users, ("is_active__ne", "false")) == ["ann", "a_b", "abc", "zed"]


async def test_ne_on_a_nullable_field_does_not_match_null_rows(users, people):
    assert await usernames(users, ("full_name__ne", "Bob")) == ["ann", "abc"]


async def test_is_null_finds_null_rows_and_only_is_null_does(users, people):
    assert await usernames(users, ("full_name__is_null", "true")) == ["a_b", "zed"]
    assert await usernames(users, ("full_name__is_null", "false")) == ["ann", "abc", "bob"]
    assert await usernames(users, ("full_name__lt", "zzz")) == ["ann", "abc", "bob"]


async def test_like_is_a_case_insensitive_substring_with_literal_wildcards(users, people):
    assert await usernames(users, ("username__like", "_")) == ["a_b"]
    assert await usernames(users, ("full_name__like", "0% c")) == ["abc"]
    assert await usernames(users, ("full_name__like", "LEE")) == ["ann"]
    assert await usernames(users, ("full_name__like", "%")) == ["abc"]


async def test_in_and_range_comparisons(users, people):
    assert await usernames(users, ("username__in", "zed,ann,nobody")) == ["ann", "zed"]
    assert await usernames(users, ("id__gt", str(people[2])), ("id__lte", str(people[3]))) == [
        "bob"
    ]
    assert await usernames(users, ("username__gte", "b")) == ["bob", "zed"]


async def test_search_matches_username_email_or_full_name_ignoring_case(users, people):
    assert await usernames(users, search="COTTON") == ["abc"]
    assert await usernames(users, search="b3@") == ["bob"]
    assert await usernames(users, search="A_") == ["a_b"]
    assert await usernames(users, ("is_active", "true"), search="b") == ["a_b", "abc"]


# -- sorting and paging ----------------------------------------------------------------------
async def test_text_sorts_by_code_point_so_upper_case_comes_first(users, people):
    # "100% Cotton" < "Ann Lee" < "Bob": digits, then upper-case letters.
    assert await usernames(users, ("full_name__is_null", "false"), sort="full_name") == [
        "abc",
        "ann",
        "bob",
    ]


async def test_nulls_come_first_ascending_and_last_descending_with_the_id_breaking_ties(
    users, people
):
    assert await usernames(users, sort="full_name") == ["a_b", "zed", "abc", "ann", "bob"]
    assert await usernames(users, sort="-full_name") == ["bob", "ann", "abc", "zed", "a_b"]


async def test_several_sort_keys_apply_in_order(users, people):
    assert await usernames(users, sort="is_active,-username") == [
        "bob",
        "zed",
        "ann",
        "abc",
        "a_b",
    ]


async def test_pages_cut_the_sorted_matches_and_total_counts_them_all(users, people):
    second = await users.list(USER_LIST.query(sort="username", page=2, page_size=2))
    assert [u.username for u in second.items] == ["ann", "bob"]
    assert (second.total, second.total_pages, second.has_next) == (5, 3, True)
    beyond = await users.list(USER_LIST.query(page=4, page_size=2))
    assert (list(beyond.items), beyond.total) == ([], 5)
    filtered = await users.list(USER_LIST.query([("is_active", "true")], page_size=1))
    assert filtered.total == 4


# -- users ---------------------------------------------------------------------------------
async def test_a_user_is_found_by_email_in_any_case(users, seed):
    user = await seed.user("ann", "ann@example.com")
    found = await users.get_by_email("ANN@Example.COM")
    assert found is not None
    assert (found.id, found.username) == (user.id, "ann")
    assert await users.get_by_email("bob@example.com") is None
    assert await users.get(404) is None


async def test_the_read_side_never_carries_a_password_hash(users, seed):
    user = await seed.user()
    view = await users.get(id_of(user))
    assert not hasattr(view, "hashed_password")


async def test_user_counts(users, people):
    counts = await users.counts()
    assert (counts.total, counts.active) == (5, 4)


async def test_top_spenders_count_non_cancelled_orders_highest_first_ties_by_id(users, seed, store):
    ann, bob, cid, dan = [await seed.user(n) for n in ("ann", "bob", "cid", "dan")]
    pen = await seed.product(price="10.00", stock=100)
    await seed.order(id_of(ann), (id_of(pen), 2))
    await seed.order(id_of(bob), (id_of(pen), 1))
    await seed.order(id_of(bob), (id_of(pen), 1))
    cancelled = await seed.order(id_of(cid), (id_of(pen), 9))
    await set_status(seed, id_of(cancelled), OrderStatus.CANCELLED)
    await seed.order(id_of(cid), (id_of(pen), 1))

    top = await users.top_spenders(10)
    assert [(t.username, t.order_count, t.total_spent) for t in top] == [
        ("ann", 1, Decimal("20.00")),
        ("bob", 2, Decimal("20.00")),
        ("cid", 1, Decimal("10.00")),
    ]
    assert dan.id not in [t.user_id for t in top]
    assert [t.username for t in await users.top_spenders(1)] == ["ann"]


async def test_the_export_yields_every_user_in_id_order_in_batches(users, people, seed):
    batches = []
    async for batch in users.export(batch_size=2):
        batches.append([u.id for u in batch])
        if len(batches) == 1:
            await seed.user("late")  # committed while the export runs: it still appears once
    assert [len(b) for b in batches] == [2, 2, 2]
    flat = [i for b in batches for i in b]
    assert flat == sorted(flat)
    assert flat[:5] == people


async def test_the_read_side_sees_only_what_was_committed(users, store):
    async with InMemoryUnitOfWork(store) as uow:
        user = User.register(username="ann", email="a@example.com", hashed_password="h", now=START)
        await uow.users.add(user)
        assert await users.get(id_of(user)) is None
        await uow.commit()
        assert await users.get(id_of(user)) is not None


# -- catalog -------------------------------------------------------------------------------
async def test_products_filter_by_price_range_stock_category_and_state(products, seed):
    books = await seed.category("Books")
    cheap = await seed.product("Cheap", price="5.00", stock=1, category_id=id_of(books))
    mid = await seed.product("Mid", price="15.00", stock=50)
    dear = await seed.product("Dear", price="99.99", stock=3, active=False)

    async def names(*pairs: tuple[str, str], sort: str | None = None) -> list[str]:
        page = await products.list(PRODUCT_LIST.query(pairs, sort=sort))
        return [p.name for p in page.items]

    assert await names(("price__gte", "5"), ("price__lte", "15")) == ["Cheap", "Mid"]
    assert await names(("stock_quantity__lte", "3")) == ["Cheap", "Dear"]
    assert await names(("category_id", str(books.id))) == ["Cheap"]
    assert await names(("category_id__ne", str(books.id))) == []  # NULL rows never match
    assert await names(("category_id__is_null", "true")) == ["Mid", "Dear"]
    assert await names(("is_active", "false")) == ["Dear"]
    assert await names(("id__in", f"{dear.id},{cheap.id}")) == ["Cheap", "Dear"]
    assert await names(sort="-price") == ["Dear", "Mid", "Cheap"]
    assert await names(("name__like", "EA")) == ["Cheap", "Dear"]
    assert mid.id is not None


async def test_products_are_found_by_sku_in_any_case_and_by_slug(products, seed):
    pen = await seed.product("Blue Pen", sku="BP-1")
    by_sku = await products.get_by_sku("bp-1")
    by_slug = await products.get_by_slug("blue-pen")
    assert by_sku is not None
    assert by_slug is not None
    assert by_sku.id == by_slug.id == pen.id
    assert await products.get_by_slug("Blue-Pen") is None
    assert await products.get(404) is None


async def test_products_come_with_their_category(products, seed):
    books = await seed.category("Books")
    await seed.product("Novel", category_id=id_of(books))
    await seed.product("Loose")
    page = await products.list_with_category(PRODUCT_LIST.query(sort="name"))
    assert [(r.product.name, r.category and r.category.name) for r in page.items] == [
        ("Loose", None),
        ("Novel", "Books"),
    ]
    only_books = await products.list_with_category(
        PRODUCT_LIST.query([("category_id", str(books.id))])
    )
    assert only_books.total == 1


async def test_category_stats_cover_active_products_with_a_half_even_average(products, seed):
    books = await seed.category("Books")
    art = await seed.category("Art")
    toys = await seed.category("Toys")
    await seed.product(price="0.02", category_id=id_of(books))
    await seed.product(price="0.03", category_id=id_of(books))
    await seed.product(price="500.00", category_id=id_of(books), active=False)
    for price in ("1.00", "1.00", "1.01"):
        await seed.product(price=price, category_id=id_of(toys))

    stats = await products.category_stats()
    assert [
        (s.category_name, s.product_count, s.avg_price, s.min_price, s.max_price) for s in stats
    ] == [
        ("Art", 0, None, None, None),
        ("Books", 2, Decimal("0.02"), Decimal("0.02"), Decimal("0.03")),  # 0.025 -> 0.02
        ("Toys", 3, Decimal("1.00"), Decimal("1.00"), Decimal("1.01")),  # 1.00333.. -> 1.00
    ]
    assert stats[0].category_id == art.id


async def test_categories_list_and_tree(categories, seed):
    root_b = await seed.category("Beta")
    root_a = await seed.category("Alpha")
    await seed.category("Zulu", parent_id=id_of(root_a))
    await seed.category("Echo", parent_id=id_of(root_a))
    await seed.category("Kilo", parent_id=id_of(root_b))

    tree = await categories.tree()
    assert [(n.name, [c.name for c in n.children]) for n in tree] == [
        ("Alpha", ["Echo", "Zulu"]),
        ("Beta", ["Kilo"]),
    ]
    roots = await categories.list(CATEGORY_LIST.query([("parent_id__is_null", "true")]))
    assert [c.name for c in roots.items] == ["Beta", "Alpha"]
    found = await categories.get(id_of(root_a))
    assert found is not None
    assert found.slug == "alpha"


# -- orders --------------------------------------------------------------------------------
async def test_orders_list_newest_first_and_filter_by_user_and_status(orders, seed):
    ann, bob = await seed.user("ann"), await seed.user("bob")
    pen = await seed.product(stock=100)
    first = await seed.order(id_of(ann), (id_of(pen), 1))
    seed.clock.advance(minutes=1)
    second = await seed.order(id_of(bob), (id_of(pen), 1))
    seed.clock.advance(minutes=1)
    third = await seed.order(id_of(ann), (id_of(pen), 2))
    await set_status(seed, id_of(third), OrderStatus.CANCELLED)

    newest_first = await orders.list(ORDER_LIST.query())
    assert [o.id for o in newest_first.items] == [third.id, second.id, first.id]
    anns = await orders.list(ORDER_LIST.query([("user_id", str(ann.id))]))
    assert [o.id for o in anns.items] == [third.id, first.id]
    live = await orders.list(ORDER_LIST.query([("status__in", "pending,confirmed")]))
    assert live.total == 2
    assert [(i.product_id, i.quantity) for i in anns.items[0].items] == [(pen.id, 2)]


async def test_order_details_carry_user_products_and_payments(orders, seed):
    ann = await seed.user("ann")
    pen = await seed.product("Pen", sku="PEN-1", price="2.00")
    order = await seed.order(id_of(ann), (id_of(pen), 3))
    await PayOrderHandler(InMemoryUnitOfWork(seed.store), seed.clock, WalletCreditPayments())(
        customer(id_of(ann)), PayOrder(id_of(order), PaymentMethod.CARD)
    )
    details = await orders.details(id_of(order))
    assert details is not None
    assert (details.status, details.total_amount) == ("confirmed", Decimal("6.00"))
    assert (details.user.id, details.user.username) == (ann.id, "ann")
    [item] = details.items
    assert (item.quantity, item.product.sku, item.product.name) == (3, "PEN-1", "Pen")
    [payment] = details.payments
    assert (payment.amount, payment.method) == (Decimal("6.00"), "card")
    assert await orders.details(404) is None
    view = await orders.get(id_of(order))
    assert view is not None
    assert view.status == "confirmed"


async def test_order_stats_name_every_status_and_count_revenue_of_non_cancelled(orders, seed):
    empty = await orders.stats()
    assert empty.orders_by_status == {s.value: 0 for s in OrderStatus}
    assert (empty.total_orders, empty.total_revenue) == (0, Decimal("0.00"))

    ann = await seed.user()
    pen = await seed.product(price="1.25", stock=100)
    kept = await seed.order(id_of(ann), (id_of(pen), 2))
    await set_status(seed, id_of(kept), OrderStatus.CONFIRMED, OrderStatus.SHIPPED)
    dropped = await seed.order(id_of(ann), (id_of(pen), 40))
    await set_status(seed, id_of(dropped), OrderStatus.CANCELLED)
    await seed.order(id_of(ann), (id_of(pen), 1))

    stats = await orders.stats()
    assert stats.total_orders == 3
    assert stats.total_revenue == Decimal("3.75")
    assert stats.orders_by_status == {
        "pending": 1,
        "confirmed": 0,
        "shipped": 1,
        "delivered": 0,
        "cancelled": 1,
    }


# -- health --------------------------------------------------------------------------------
async def test_the_memory_storage_reports_itself_healthy():
    report = await InMemoryStorageHealth().check()
    assert (report.healthy, report.backend) == (True, "memory")
