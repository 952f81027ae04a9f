"""Nothing of one store is seen, counted, reached or taken from another, on every backend.

Two stores keep shops with the same names: main (the storage's own) and north, opened by the
operator's use case. Each test looks from one store at what the other holds, through every
query port (gets by id and by each natural key, lists, counts, stats, exports, rankings, the
category tree, low stock, items, notifications and their unread count, balances, ledgers,
transfers, the reconciliation), every repository of the unit of work (users, categories,
products, orders, notifications, items, refresh tokens, sign-in throttles, idempotency keys,
posts, tags, wallets) and the use cases that find an object by id. Ids are unique across
stores, so an id of north used in main names nothing there: a get answers None, a use case
`NotFound`. Unique values are unique per store: the same username, email, category name and
slug, SKU, product slug, order number, post slug and tag name live in
both stores, and twice in one they are still refused.

The figures of the two shops differ on purpose (main has two customers, north one; their
orders differ), so that a count or a sum over both stores would not pass for either's.

On PostgreSQL the app's role reaches the database, so row-level security holds too; that it
holds on its own, with the adapters' store filter taken away, is
tests/integration/persistence/test_store_wall.py.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

import pytest

from application.catalog.commands import (
    AdjustStock,
    CreateCategory,
    CreateProduct,
    DeleteCategory,
    DeleteProduct,
    UpdateCategory,
    UpdateProduct,
)
from application.catalog.queries import CATEGORY_LIST, PRODUCT_LIST
from application.catalog.read_models import CategoryView
from application.content.commands import (
    ChangePostStatus,
    CreatePost,
    DeletePost,
    RestorePost,
    UpdatePost,
)
from application.content.queries import POST_LIST, TAG_LIST, TRASH_LIST
from application.identity.commands import (
    CreateAdmin,
    DeactivateStaleUsers,
    DeactivateUser,
    LogIn,
    LogOut,
    PatchUser,
    PurgeInactiveUsers,
    Refresh,
)
from application.identity.queries import USER_LIST
from application.identity.read_models import UserView
from application.identity.sessions import InvalidCredentials, TooManyAttempts
from application.items.commands import CreateItem, DeleteItem, TransferItem, UpdateItem
from application.items.queries import ITEM_LIST
from application.notifications.commands import MarkAllNotificationsRead, MarkNotificationRead
from application.notifications.queries import NOTIFICATION_LIST
from application.ordering.commands import ChangeOrderStatus, PayOrder, PlaceOrder
from application.ordering.queries import ORDER_LIST
from application.ordering.read_models import OrderView
from application.shared.access import Principal, Unauthenticated
from application.shared.idempotency.request import IdempotentRequest
from application.shared.idempotency.store import StoredOutcome
from application.wallet.commands import GrantCredits, TransferCredits
from application.wallet.queries import LEDGER_LIST, TRANSFER_LIST
from application.wallet.read_models import BalanceView
from domain.catalog.category import Category
from domain.catalog.product import Product
from domain.content.post import PostStatus
from domain.content.tag import Tag
from domain.identity.sessions import hash_token
from domain.identity.user import User
from domain.ordering.order import (
    Order,
    OrderItem,
    OrderLine,
    OrderNumber,
    OrderStatus,
    PaymentMethod,
)
from domain.shared.errors import DuplicateValue, NotFound
from tests.contract.data import PASSWORD, category, id_of, order, product, store, user
from tests.support.actors import admin, customer
from tests.support.storage import Storage

NORTH = "north"
WRONG = "Wrong1234"
# Sign-in failures before the throttle makes an account wait.
FREE_FAILURES = 5


@dataclass
class Shop:
    storage: Storage
    customers: list[User]
    tools: Category
    drills: Category  # under tools
    lamp: Product  # in drills
    order: OrderView


@dataclass
class Shops:
    main: Shop
    north: Shop


async def open_shop(storage: Storage, *, customers: int, lamp_price: str, bought: int) -> Shop:
    """A shop with the same names in every store: customers ann (and bob), Tools > Drills, a
    Lamp in Drills; ann buys `bought` lamps and pays for them."""
    people = [await user(storage, name) for name in ("ann", "bob")[:customers]]
    tools = await category(storage, "Tools")
    drills = await category(storage, "Drills", parent_id=id_of(tools))
    lamp = await product(
        storage, "Lamp", price=lamp_price, stock=bought + 2, category_id=id_of(drills)
    )
    ann = id_of(people[0])
    placed = await order(storage, ann, (id_of(lamp), bought))
    await storage.use_cases.pay_order()(customer(ann), PayOrder(placed.id, PaymentMethod.CARD))
    return Shop(storage, people, tools, drills, lamp, placed)


@pytest.fixture
async def shops(storage: Storage) -> Shops:
    north = await storage.open_store(NORTH)
    return Shops(
        main=await open_shop(storage, customers=2, lamp_price="10.00", bought=3),
        north=await open_shop(north, customers=1, lamp_price="25.00", bought=1),
    )


def usernames(users: Iterable[UserView]) -> list[str]:
    return [one.username for one in users]


def names(categories: Iterable[CategoryView]) -> list[str]:
    return [one.name for one in categories]


# -- the read side -------------------------------------------------------------------------
async def test_users_of_one_store_are_not_listed_counted_or_found_in_the_other(
    shops: Shops,
) -> None:
    main, north = shops.main.storage, shops.north.storage
    north_ann = id_of(shops.north.customers[0])

    assert usernames((await main.users.list(USER_LIST.query())).items) == ["ann", "bob"]
    assert usernames((await north.users.list(USER_LIST.query())).items) == ["ann"]
    assert ((await main.users.counts()).total, (await north.users.counts()).total) == (2, 1)
    assert [usernames(batch) async for batch in north.users.export(10)] == [["ann"]]
    # Another store's ann, by her id: not there. By her email: this store's own ann.
    assert await main.users.get(north_ann) is None
    assert await main.users.standing(north_ann) is None
    by_email = await main.users.get_by_email("ann@example.com")
    assert by_email is not None
    assert by_email.id == id_of(shops.main.customers[0])
    filtered = await main.users.list(USER_LIST.query([("id__eq", str(north_ann))]))
    assert filtered.total == 0


async def test_top_spenders_rank_each_stores_own_orders(shops: Shops) -> None:
    main, north = shops.main.storage, shops.north.storage

    main_top = await main.users.top_spenders(10)
    north_top = await north.users.top_spenders(10)

    assert [(s.user_id, s.order_count, s.total_spent) for s in main_top] == [
        (id_of(shops.main.customers[0]), 1, Decimal("30.00"))
    ]
    assert [(s.user_id, s.order_count, s.total_spent) for s in north_top] == [
        (id_of(shops.north.customers[0]), 1, Decimal("25.00"))
    ]


async def test_categories_of_one_store_are_not_listed_found_or_in_the_tree_of_the_other(
    shops: Shops,
) -> None:
    main, north = shops.main.storage, shops.north.storage

    north_categories = await north.categories.list(CATEGORY_LIST.query(sort="id"))
    main_categories = await main.categories.list(CATEGORY_LIST.query(sort="id", page_size=100))
    assert names(north_categories.items) == ["Tools", "Drills"]
    # Main's are the default four and its own two.
    assert main_categories.total == 6
    assert names(main_categories.items[-2:]) == ["Tools", "Drills"]
    [root] = await north.categories.tree()
    assert (root.id, [child.id for child in root.children]) == (
        id_of(shops.north.tools),
        [id_of(shops.north.drills)],
    )
    assert await main.categories.get(id_of(shops.north.tools)) is None
    assert await north.categories.get(id_of(shops.main.tools)) is None


async def test_products_of_one_store_are_not_found_by_id_sku_or_slug_in_the_other(
    shops: Shops,
) -> None:
    main, north = shops.main.storage, shops.north.storage
    main_lamp, north_lamp = id_of(shops.main.lamp), id_of(shops.north.lamp)

    assert await main.products.get(north_lamp) is None
    assert await north.products.get(main_lamp) is None
    by_sku = await north.products.get_by_sku("LAMP")
    by_slug = await north.products.get_by_slug("lamp")
    assert by_sku is not None
    assert by_slug is not None
    assert (by_sku.id, by_sku.price, by_slug.id) == (north_lamp, Decimal("25.00"), north_lamp)
    listed = await north.products.list(PRODUCT_LIST.query())
    assert [p.id for p in listed.items] == [north_lamp]
    with_category = await north.products.list_with_category(PRODUCT_LIST.query())
    assert [(p.product.id, p.category and p.category.id) for p in with_category.items] == [
        (north_lamp, id_of(shops.north.drills))
    ]
    by_main_category = await north.products.list(
        PRODUCT_LIST.query([("category_id__eq", str(id_of(shops.main.drills)))])
    )
    assert by_main_category.total == 0


async def test_low_stock_and_category_stats_are_each_stores_own(shops: Shops) -> None:
    main, north = shops.main.storage, shops.north.storage
    low = PRODUCT_LIST.query([("stock_quantity__lte", "2")])

    # Main's lamp: 5 in stock, 3 sold. North's: 3 in stock, 1 sold.
    assert [p.id for p in (await main.products.list(low)).items] == [id_of(shops.main.lamp)]
    assert [p.id for p in (await north.products.list(low)).items] == [id_of(shops.north.lamp)]
    north_stats = await north.products.category_stats()
    assert [(s.category_id, s.product_count, s.avg_price) for s in north_stats] == [
        (id_of(shops.north.drills), 1, Decimal("25.00")),
        (id_of(shops.north.tools), 0, None),
    ]
    main_stats = {s.category_id: s for s in await main.products.category_stats()}
    assert id_of(shops.north.drills) not in main_stats
    assert main_stats[id_of(shops.main.drills)].avg_price == Decimal("10.00")


async def test_orders_of_one_store_are_not_listed_found_or_counted_in_the_other(
    shops: Shops,
) -> None:
    main, north = shops.main.storage, shops.north.storage
    main_order, north_order = shops.main.order.id, shops.north.order.id
    north_ann = id_of(shops.north.customers[0])

    assert await main.orders.get(north_order) is None
    assert await main.orders.details(north_order) is None
    details = await north.orders.details(north_order)
    assert details is not None
    assert (details.user.id, [i.product.id for i in details.items]) == (
        north_ann,
        [id_of(shops.north.lamp)],
    )
    assert [o.id for o in (await main.orders.list(ORDER_LIST.query())).items] == [main_order]
    # A user's orders: north's ann has none in main, and main's ann none in north.
    of_north_ann = ORDER_LIST.query([("user_id__eq", str(north_ann))])
    assert (await main.orders.list(of_north_ann)).total == 0
    assert [o.id for o in (await north.orders.list(of_north_ann)).items] == [north_order]
    main_stats, north_stats = await main.orders.stats(), await north.orders.stats()
    assert (main_stats.total_orders, main_stats.total_revenue) == (1, Decimal("30.00"))
    assert (north_stats.total_orders, north_stats.total_revenue) == (1, Decimal("25.00"))


# -- the repositories ------------------------------------------------------------------------
async def test_a_unit_of_work_of_one_store_finds_nothing_of_the_other(shops: Shops) -> None:
    north = shops.north
    ann, lamp, order_id = id_of(north.customers[0]), id_of(north.lamp), north.order.id

    async with shops.main.storage.make_uow() as uow:
        assert await uow.users.get(ann) is None
        assert await uow.users.is_active(ann) is None
        assert await uow.categories.get(id_of(north.drills)) is None
        assert await uow.categories.ancestry(id_of(north.drills)) == []
        assert await uow.products.get(lamp) is None
        assert await uow.products.get_for_update([lamp]) == []
        assert await uow.orders.get(order_id) is None
        assert await uow.orders.get(order_id, for_update=True) is None
        assert await uow.orders.reserved_quantity(lamp) == 0
        assert await uow.notifications.list_for_user(ann) == []
        # The same names, in this store: its own rows.
        by_name = await uow.users.get_by_username("ann")
        by_email = await uow.users.get_by_email("ann@example.com")
        assert by_name is not None
        assert by_email is not None
        assert {id_of(by_name), id_of(by_email)} == {id_of(shops.main.customers[0])}
        assert await uow.users.first_taken(["bob"], []) == ("username", "bob")

    async with north.storage.make_uow() as uow:
        assert await uow.users.first_taken(["bob"], ["bob@example.com"]) is None
        assert await uow.orders.reserved_quantity(lamp) == 1


async def test_bulk_changes_of_one_store_leave_the_other_alone(shops: Shops) -> None:
    main, north = shops.main.storage, shops.north.storage
    main.clock.advance(days=2)
    bob = id_of(shops.main.customers[1])

    deactivated = await main.use_cases.deactivate_stale_users()(DeactivateStaleUsers(days=1))
    purged = await main.use_cases.purge_inactive_users()(PurgeInactiveUsers())

    # Main's ann and bob were stale; bob, without orders, is purged. North's ann stays.
    assert (deactivated, purged) == (2, 1)
    assert await main.users.get(bob) is None
    north_ann = await north.users.get(id_of(shops.north.customers[0]))
    assert north_ann is not None
    assert north_ann.is_active
    assert (await north.users.counts()).active == 1


# -- sessions ------------------------------------------------------------------------------
async def test_a_refresh_token_of_one_store_is_unknown_to_the_other(shops: Shops) -> None:
    main, north = shops.main.storage, shops.north.storage
    pair = await main.use_cases.log_in()(LogIn("ann", PASSWORD))
    main_ann = id_of(shops.main.customers[0])

    async with north.make_uow() as uow:
        assert await uow.refresh_tokens.get_by_hash(hash_token(pair.refresh_token)) is None
        assert await uow.refresh_tokens.revoke_all_of(main_ann, north.clock.now()) == 0
        await uow.commit()
    with pytest.raises(Unauthenticated):
        await north.use_cases.refresh()(Refresh(pair.refresh_token, store=NORTH))
    # Signing out with it in north (which answers the same for any token) revokes nothing.
    await north.use_cases.log_out()(LogOut(pair.refresh_token))

    # Nothing north did revoked it: it is still good in its own store.
    assert (await main.use_cases.refresh()(Refresh(pair.refresh_token))).refresh_token


async def test_sign_in_failures_are_counted_in_their_store_only(shops: Shops) -> None:
    main, north = shops.main.storage, shops.north.storage
    for _ in range(FREE_FAILURES):
        with pytest.raises(InvalidCredentials):
            await main.use_cases.log_in()(LogIn("ghost", WRONG))

    with pytest.raises(TooManyAttempts):
        await main.use_cases.log_in()(LogIn("ghost", WRONG))
    # The same name in north is refused as unknown, not throttled.
    with pytest.raises(InvalidCredentials):
        await north.use_cases.log_in()(LogIn("ghost", WRONG, store=NORTH))


async def test_a_throttle_of_an_account_name_is_kept_per_store(shops: Shops) -> None:
    main, north = shops.main.storage, shops.north.storage
    now = main.clock.now()
    async with main.make_uow() as uow:
        await uow.login_throttles.record_failure("name:ghost", now)
        in_main = await uow.login_throttles.record_failure("name:ghost", now)
        await uow.commit()

    async with north.make_uow() as uow:
        assert await uow.login_throttles.get("name:ghost") is None
        in_north = await uow.login_throttles.record_failure("name:ghost", now)
        await uow.commit()
    async with north.make_uow() as uow:
        await uow.login_throttles.clear("name:ghost")
        await uow.commit()

    assert (in_main.failures, in_north.failures) == (2, 1)
    async with main.make_uow() as uow:
        kept = await uow.login_throttles.get("name:ghost")
    assert kept is not None
    assert kept.failures == 2


# -- idempotency keys ------------------------------------------------------------------------
async def test_the_same_idempotency_key_in_two_stores_has_two_effects(shops: Shops) -> None:
    restock = IdempotentRequest(key="restock-1", fingerprint="+4", status_code=200)
    answers = []
    for shop in (shops.main, shops.north):
        adjust = shop.storage.use_cases.adjust_stock()
        answers.append(await adjust(AdjustStock(id_of(shop.lamp), 4, idempotency=restock)))
    again = await shops.main.storage.use_cases.adjust_stock()(
        AdjustStock(id_of(shops.main.lamp), 4, idempotency=restock)
    )

    assert [answer.replayed for answer in answers] == [False, False]
    assert again.replayed
    main_lamp = await shops.main.storage.products.get(id_of(shops.main.lamp))
    north_lamp = await shops.north.storage.products.get(id_of(shops.north.lamp))
    assert main_lamp is not None
    assert north_lamp is not None
    # Main's: 5 - 3 sold + 4, once. North's: 3 - 1 sold + 4.
    assert (main_lamp.stock_quantity, north_lamp.stock_quantity) == (6, 6)


async def test_an_idempotency_record_of_one_store_is_not_found_in_the_other(
    shops: Shops,
) -> None:
    main, north = shops.main.storage, shops.north.storage
    now = main.clock.now()
    async with main.make_uow() as uow:
        await uow.idempotency.begin("scope", "k1", "f1", now)
        await uow.idempotency.complete(
            "scope",
            "k1",
            "f1",
            now,
            now.replace(year=now.year + 1),
            lambda: StoredOutcome(201, "{}"),
        )
        await uow.commit()

    async with north.make_uow() as uow:
        # Another fingerprint would be KeyReused in main; in north the key is new.
        assert await uow.idempotency.begin("scope", "k1", "f2", now) is None
    async with main.make_uow() as uow:
        assert await uow.idempotency.begin("scope", "k1", "f1", now) == StoredOutcome(201, "{}")


# -- ids of another store, to the use cases -------------------------------------------------
async def test_another_stores_ids_are_not_found_by_the_use_cases(shops: Shops) -> None:
    main, north = shops.main.storage.use_cases, shops.north
    ann, lamp, placed = id_of(north.customers[0]), id_of(north.lamp), north.order.id
    lamp_before = await north.storage.products.get(lamp)
    order_before = await north.storage.orders.get(placed)
    assert lamp_before is not None
    attempts: dict[str, Callable[[], Awaitable[object]]] = {
        "edit a user": lambda: main.edit_user()(admin(), PatchUser(ann, full_name="Ann")),
        "deactivate a user": lambda: main.deactivate_user()(DeactivateUser(ann)),
        "rename a category": lambda: main.update_category()(
            UpdateCategory(id_of(north.tools), name="Saws")
        ),
        "delete a category": lambda: main.delete_category()(DeleteCategory(id_of(north.tools))),
        "file a category": lambda: main.create_category()(
            CreateCategory("Saws", parent_id=id_of(north.tools))
        ),
        "file a product": lambda: main.create_product()(
            CreateProduct("Saw", "SAW", Decimal("5.00"), 1, category_id=id_of(north.drills))
        ),
        "edit a product": lambda: main.update_product()(
            UpdateProduct(lamp, version=lamp_before.version, name="Lantern")
        ),
        "restock a product": lambda: main.adjust_stock()(AdjustStock(lamp, 1)),
        "delete a product": lambda: main.delete_product()(DeleteProduct(lamp)),
        "confirm an order": lambda: main.change_order_status()(
            admin(), ChangeOrderStatus(placed, OrderStatus.CONFIRMED)
        ),
        "pay an order": lambda: main.pay_order()(admin(), PayOrder(placed, PaymentMethod.CARD)),
    }

    for what, attempt in attempts.items():
        with pytest.raises(NotFound):  # noqa: PT012 (the message says which one reached it)
            await attempt()
            pytest.fail(f"{what}: another store's object was reached")

    # North's objects are as they were.
    user_after = await north.storage.users.get(ann)
    assert user_after is not None
    assert (user_after.full_name, user_after.is_active) == (None, True)
    assert [c.name for c in (await north.storage.categories.tree())] == ["Tools"]
    assert await north.storage.products.get(lamp) == lamp_before
    assert await north.storage.orders.get(placed) == order_before


async def test_an_order_in_one_store_cannot_name_the_others_product_or_user(
    shops: Shops,
) -> None:
    main = shops.main.storage
    main_ann, main_lamp = id_of(shops.main.customers[0]), id_of(shops.main.lamp)
    north_ann, north_lamp = id_of(shops.north.customers[0]), id_of(shops.north.lamp)

    with pytest.raises(NotFound) as product_refused:
        await main.use_cases.place_order()(
            customer(main_ann), PlaceOrder(lines=(OrderLine(north_lamp, 1),))
        )
    with pytest.raises(NotFound) as user_refused:
        await main.use_cases.place_order()(
            admin(), PlaceOrder(lines=(OrderLine(main_lamp, 1),), user_id=north_ann)
        )

    assert (product_refused.value.entity, product_refused.value.key) == ("product", north_lamp)
    assert (user_refused.value.entity, user_refused.value.key) == ("user", north_ann)
    assert (await main.orders.stats()).total_orders == 1
    north_view = await shops.north.storage.products.get(north_lamp)
    assert north_view is not None
    assert north_view.stock_quantity == 2


# -- unique values ---------------------------------------------------------------------------
async def test_the_same_unique_values_live_in_two_stores_but_not_twice_in_one(
    storage: Storage,
) -> None:
    north = await storage.open_store(NORTH)
    for shop in (storage, north):  # the second store takes every value the first holds
        await user(shop, "ann")
        await category(shop, "Tools")
        await product(shop, "Lamp")
    refusals: dict[str, Callable[[], Awaitable[object]]] = {
        "username": lambda: user(north, "ann", email="another@example.com"),
        "email": lambda: user(north, "someone", email="ann@example.com"),
        "name": lambda: category(north, "Tools"),
        "slug": lambda: north.use_cases.create_category()(CreateCategory("Other", slug="tools")),
        "sku": lambda: product(north, "Other lamp", sku="LAMP"),
        "product slug": lambda: north.use_cases.create_product()(
            CreateProduct("Other", "OTHER", Decimal("1.00"), 1, slug="lamp")
        ),
    }

    for field, attempt in refusals.items():
        with pytest.raises(DuplicateValue) as refused:
            await attempt()
        assert refused.value.field == field.removeprefix("product "), field
    for shop in (storage, north):
        assert [u.username for u in (await shop.users.list(USER_LIST.query())).items] == ["ann"]
        assert (await shop.products.list(PRODUCT_LIST.query())).total == 1


async def test_the_same_order_number_lives_in_two_stores_but_not_twice_in_one(
    shops: Shops,
) -> None:
    def numbered(shop: Shop) -> Order:
        now = shop.storage.clock.now()
        return Order.place(
            order_number=OrderNumber.build(now, "00000A"),
            user_id=id_of(shop.customers[0]),
            items=[OrderItem.priced(OrderLine(id_of(shop.lamp), 1), Decimal("10.00"))],
            now=now,
        )

    await store(shops.main.storage, numbered(shops.main))
    await store(shops.north.storage, numbered(shops.north))

    with pytest.raises(DuplicateValue) as refused:
        await store(shops.north.storage, numbered(shops.north))
    assert (refused.value.entity, refused.value.field) == ("order", "order_number")
    assert (await shops.north.storage.orders.stats()).total_orders == 2


# ------------------------------------------------------------------------------------ content
@dataclass
class Blog:
    storage: Storage
    author: User
    published: int  # a post's id
    deleted: int


async def open_blog(storage: Storage, *, extra_posts: int) -> Blog:
    """The same names in every store: an author "writer", a published post "Hello" tagged
    "news", a deleted post "Old" tagged "news", and `extra_posts` more published ones."""
    author = await user(storage, "writer")
    me = customer(id_of(author))
    made = []
    for title in ("Hello", "Old", *(f"Extra {n}" for n in range(extra_posts))):
        post = await storage.use_cases.create_post()(
            me, CreatePost(title=title, content="Words.", tags=("news",))
        )
        await storage.use_cases.change_post_status()(
            me, ChangePostStatus(id_of(post), PostStatus.PUBLISHED)
        )
        made.append(id_of(post))
    await storage.use_cases.delete_post()(me, DeletePost(made[1]))
    return Blog(storage, author, made[0], made[1])


@pytest.fixture
async def blogs(storage: Storage) -> tuple[Blog, Blog]:
    north = await storage.open_store(NORTH)
    return await open_blog(storage, extra_posts=1), await open_blog(north, extra_posts=0)


async def test_posts_and_tags_of_one_store_are_not_seen_from_another(
    blogs: tuple[Blog, Blog],
) -> None:
    for here, there in (blogs, blogs[::-1]):
        posts, tags = here.storage.posts, here.storage.tags
        assert await posts.get(there.published) is None
        hello = await posts.get_by_slug("hello")
        assert hello is not None
        assert hello.id == here.published
        listed = await posts.list(POST_LIST.query(page_size=100))
        assert {p.author_id for p in listed.items} == {id_of(here.author)}
        tagged = await posts.list(POST_LIST.query(page_size=100), tag="news")
        assert tagged.total == listed.total
        trashed = await posts.trash(TRASH_LIST.query())
        assert [p.id for p in trashed.items] == [here.deleted]
        counts = await tags.list(TAG_LIST.query())
        assert [(t.slug, t.post_count) for t in counts.items] == [("news", listed.total)]
        news = await tags.get_by_slug("news")
        assert news is not None
        assert news.post_count == listed.total
        async with here.storage.make_uow() as uow:
            assert await uow.posts.get(there.published) is None
            assert await uow.posts.get_in_trash(there.deleted) is None
            assert await uow.posts.count_view(there.published) is None
            assert [t.id for t in await uow.tags.with_keys(["news"])] == [news.id]
    assert [(await blog.storage.posts.list(POST_LIST.query())).total for blog in blogs] == [2, 1]


async def test_another_stores_post_is_not_found_by_the_content_use_cases(
    blogs: tuple[Blog, Blog],
) -> None:
    main, north = blogs
    use_cases = main.storage.use_cases
    calls: list[Callable[[], Awaitable[object]]] = [
        lambda: use_cases.update_post()(admin(), UpdatePost(north.published, 2, title="x")),
        lambda: use_cases.change_post_status()(
            admin(), ChangePostStatus(north.published, PostStatus.ARCHIVED)
        ),
        lambda: use_cases.delete_post()(admin(), DeletePost(north.published)),
        lambda: use_cases.restore_post()(admin(), RestorePost(north.deleted)),
        lambda: use_cases.view_post()(admin(), "no-such-slug"),
    ]
    for call in calls:
        with pytest.raises(NotFound):
            await call()
    still = await north.storage.posts.get(north.published)
    assert still is not None
    assert (still.title, still.status.value, still.version) == ("Hello", "published", 2)


async def test_slugs_and_tag_names_are_unique_per_store(blogs: tuple[Blog, Blog]) -> None:
    main, _north = blogs
    with pytest.raises(DuplicateValue):
        await main.storage.use_cases.create_post()(
            customer(id_of(main.author)), CreatePost(title="Hello", content="Again.")
        )
    async with main.storage.make_uow() as uow:
        with pytest.raises(DuplicateValue):
            await uow.tags.add(Tag.create(name="NEWS", now=main.storage.clock.now()))


# -- items and notifications -----------------------------------------------------------------
async def test_items_of_one_store_are_not_found_listed_or_reached_from_the_other(
    shops: Shops,
) -> None:
    main, north = shops.main.storage, shops.north.storage
    main_ann, north_ann = id_of(shops.main.customers[0]), id_of(shops.north.customers[0])
    lamp = await north.use_cases.create_item()(customer(north_ann), CreateItem("Lamp", Decimal(3)))
    mine = await main.use_cases.create_item()(customer(main_ann), CreateItem("Lamp", Decimal(3)))
    theirs = id_of(lamp)

    assert await main.use_cases.item_queries().get(theirs) is None
    listed = await main.use_cases.item_queries().list(ITEM_LIST.query())
    assert [item.id for item in listed.items] == [id_of(mine)]
    async with main.make_uow() as uow:
        assert await uow.items.get(theirs, for_update=True) is None
    uc = main.use_cases
    attempts: dict[str, Callable[[], Awaitable[object]]] = {
        "read an item": lambda: uc.item_reads().get(admin(), theirs),
        "edit an item": lambda: uc.update_item()(admin(), UpdateItem(theirs, 1, name="Mine")),
        "delete an item": lambda: uc.delete_item()(admin(), DeleteItem(theirs)),
        "transfer an item": lambda: uc.transfer_item()(admin(), TransferItem(theirs, main_ann, 1)),
        "give an item to the other's user": lambda: uc.transfer_item()(
            admin(), TransferItem(id_of(mine), north_ann, 1)
        ),
    }
    for what, attempt in attempts.items():
        with pytest.raises(NotFound):  # noqa: PT012 (the message says which one reached it)
            await attempt()
            pytest.fail(f"{what}: another store's object was reached")

    north_view = await north.use_cases.item_queries().get(theirs)
    assert north_view is not None
    assert (north_view.owner_id, north_view.version, north_view.name) == (north_ann, 1, "Lamp")


async def test_notifications_of_one_store_are_not_listed_counted_or_marked_from_the_other(
    shops: Shops,
) -> None:
    main, north = shops.main.storage, shops.north.storage
    north_ann = id_of(shops.north.customers[0])
    # North's ann placed and paid an order: one notification in the order's transaction, one
    # after its commit, each in north.
    north_notes = await north.use_cases.notification_reads().list(
        customer(north_ann), NOTIFICATION_LIST.query()
    )
    assert [note.kind for note in north_notes.items] == ["order_status_changed", "order_placed"]
    note = north_notes.items[0].id

    everything_in_main = await main.use_cases.notification_queries().list(NOTIFICATION_LIST.query())
    assert note not in {n.id for n in everything_in_main.items}
    assert everything_in_main.total == 2  # main's ann's own two
    assert await main.use_cases.notification_queries().unread_count(north_ann) == 0
    async with main.make_uow() as uow:
        assert await uow.notifications.get(note) is None
    with pytest.raises(NotFound):
        await main.use_cases.mark_notification_read()(
            customer(north_ann), MarkNotificationRead(note)
        )
    marked = await main.use_cases.mark_all_notifications_read()(
        customer(north_ann), MarkAllNotificationsRead()
    )

    assert marked.count == 0
    assert await north.use_cases.notification_queries().unread_count(north_ann) == 2


# -- the wallet ----------------------------------------------------------------------------
async def test_credits_ledgers_and_transfers_of_one_store_are_not_seen_from_the_other(
    shops: Shops,
) -> None:
    main, north = shops.main.storage, shops.north.storage
    main_ann, main_bob = (id_of(one) for one in shops.main.customers)
    north_ann = id_of(shops.north.customers[0])
    boss, _ = await main.use_cases.create_admin()(CreateAdmin("boss", "boss@example.com", PASSWORD))
    main_admin = Principal.user(id_of(boss), is_admin=True, store="main")
    await main.use_cases.grant_credits()(main_admin, GrantCredits(main_ann, Decimal("9.00"), "x"))
    sent = await main.use_cases.transfer_credits()(
        customer(main_ann), TransferCredits(main_bob, Decimal("4.00"))
    )
    wallets = north.use_cases.wallet_queries()

    assert await wallets.balance(main_ann) is None
    assert await wallets.transfer(sent.result.id) is None
    assert (await wallets.transfers(TRANSFER_LIST.query(), party=None)).total == 0
    assert (await wallets.ledger(LEDGER_LIST.query())).total == 0
    north_check = await wallets.reconcile()
    assert (north_check.users_checked, north_check.differences) == (1, ())
    assert (await main.use_cases.wallet_queries().reconcile()).users_checked == 3
    async with north.make_uow() as uow:
        assert await uow.wallets.lock([main_ann, main_bob]) == {}
    # Neither a grant nor a transfer reaches another store's user.
    with pytest.raises(NotFound):
        await north.use_cases.grant_credits()(
            main_admin, GrantCredits(main_ann, Decimal("1.00"), "x")
        )
    with pytest.raises(NotFound):
        await north.use_cases.transfer_credits()(
            customer(north_ann), TransferCredits(main_ann, Decimal("1.00"))
        )
    assert await main.use_cases.wallet_queries().balance(main_ann) == BalanceView(
        main_ann, Decimal("5.00")
    )
