"""The in-memory repositories keep the promises of the domain's repository ports, with the
semantics of the SQL schema (unique constraints, ON DELETE rules)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from adapters.memory import InMemoryStore, InMemoryUnitOfWork
from domain.catalog.category import Category
from domain.catalog.product import Product
from domain.identity.user import User
from domain.notifications.notification import Notification, NotificationKind
from domain.ordering.order import Order, OrderItem, OrderLine, OrderNumber
from domain.shared.errors import DuplicateValue, InUse
from tests.unit.fakes import START
from tests.unit.seeding import Seed, id_of


def a_user(name: str, *, active: bool = True, updated_days_ago: int = 0) -> User:
    user = User.register(
        username=name,
        email=f"{name}@example.com",
        hashed_password="h",
        now=START - timedelta(days=updated_days_ago),
    )
    user.is_active = active
    return user


def a_category(name: str, parent_id: int | None = None) -> Category:
    return Category.create(name=name, now=START, parent_id=parent_id)


def a_product(
    name: str, sku: str, category_id: int | None = None, slug: str | None = None
) -> Product:
    return Product.create(
        name=name,
        sku=sku,
        slug=slug or sku.lower(),
        price=Decimal("1.00"),
        stock_quantity=5,
        category_id=category_id,
        now=START,
    )


def an_order(user_id: int, product_id: int, suffix: str = "000001") -> Order:
    return Order.place(
        order_number=OrderNumber.build(START, suffix),
        user_id=user_id,
        items=[OrderItem.priced(OrderLine(product_id, 1), Decimal("1.00"))],
        now=START,
    )


async def stored(store: InMemoryStore, *entities: User | Category | Product) -> None:
    async with InMemoryUnitOfWork(store) as uow:
        for entity in entities:
            if isinstance(entity, User):
                await uow.users.add(entity)
            elif isinstance(entity, Category):
                await uow.categories.add(entity)
            else:
                await uow.products.add(entity)
        await uow.commit()


# -- users ---------------------------------------------------------------------------------
async def test_users_are_found_by_normalised_email(uow, store):
    await stored(store, a_user("ann"))
    async with uow:
        found = await uow.users.get_by_email("ann@example.com")
        assert found is not None
        assert found.username == "ann"
        assert await uow.users.get_by_email("nobody@example.com") is None


async def test_adding_many_users_gives_each_an_id(uow):
    async with uow:
        users = [a_user("ann"), a_user("bob")]
        await uow.users.add_many(users)
        assert [u.id for u in users] == [1, 2]


async def test_a_user_added_twice_in_one_batch_is_a_duplicate(uow):
    async with uow:
        twin = a_user("ann")
        twin.username = "ann_2"
        with pytest.raises(DuplicateValue) as refused:
            await uow.users.add_many([a_user("ann"), twin])
    assert refused.value.field == "email"


async def test_active_users_not_updated_since_the_cut_off_are_deactivated(uow, store):
    stale, fresh, inactive = (
        a_user("stale", updated_days_ago=10),
        a_user("fresh", updated_days_ago=1),
        a_user("inactive", active=False, updated_days_ago=10),
    )
    await stored(store, stale, fresh, inactive)
    now = START + timedelta(hours=1)
    async with uow:
        count = await uow.users.deactivate_not_updated_since(START - timedelta(days=5), now)
        await uow.commit()
    assert count == 1
    saved = store.rows(User)[id_of(stale)]
    assert (saved.is_active, saved.updated_at) == (False, now)
    assert store.rows(User)[id_of(fresh)].is_active
    assert store.rows(User)[id_of(inactive)].updated_at == START - timedelta(days=10)


async def test_purging_keeps_users_with_orders_and_takes_notifications_along(uow, store):
    buyer, idle, active = (
        a_user("buyer", active=False),
        a_user("idle", active=False),
        a_user("active"),
    )
    pen = a_product("Pen", "PEN")
    await stored(store, buyer, idle, active, pen)
    async with uow:
        await uow.orders.add(an_order(id_of(buyer), id_of(pen)))
        await uow.notifications.add(
            Notification.create(
                kind=NotificationKind.ORDER_PLACED, user_id=id_of(idle), message="hi", now=START
            )
        )
        await uow.commit()
    async with uow:
        assert await uow.users.delete_inactive_without_orders() == 1
        await uow.commit()
    assert sorted(store.rows(User)) == sorted([id_of(buyer), id_of(active)])
    assert store.rows(Notification) == {}


# -- categories ----------------------------------------------------------------------------
async def test_ancestry_lists_a_category_and_its_ancestors_nearest_first(uow, store):
    root = a_category("Root")
    await stored(store, root)
    child = a_category("Child", id_of(root))
    await stored(store, child)
    grandchild = a_category("Grandchild", id_of(child))
    await stored(store, grandchild)
    async with uow:
        assert await uow.categories.ancestry(id_of(grandchild)) == [
            id_of(grandchild),
            id_of(child),
            id_of(root),
        ]
        assert await uow.categories.ancestry(id_of(root)) == [id_of(root)]
        assert await uow.categories.ancestry(404) == []


async def test_ancestry_sees_the_transactions_own_changes(uow, store):
    a, b = a_category("A"), a_category("B")
    await stored(store, a, b)
    async with uow:
        loaded_b = await uow.categories.get(id_of(b))
        assert loaded_b is not None
        loaded_b.move_under(id_of(a), [id_of(a)])
        assert await uow.categories.ancestry(id_of(b)) == [id_of(b), id_of(a)]


async def test_deleting_a_category_orphans_children_and_moves_its_products_versions(uow, store):
    parent = a_category("Parent")
    await stored(store, parent)
    child = a_category("Child", id_of(parent))
    pen = a_product("Pen", "PEN", category_id=id_of(parent))
    await stored(store, child, pen)
    later = START + timedelta(minutes=1)
    async with uow:
        await uow.categories.delete(parent, later)
        await uow.commit()
    assert id_of(parent) not in store.rows(Category)
    assert store.rows(Category)[id_of(child)].parent_id is None
    saved_pen = store.rows(Product)[id_of(pen)]
    assert (saved_pen.category_id, saved_pen.version, saved_pen.updated_at) == (None, 2, later)


@pytest.mark.parametrize(
    ("other", "field"),
    [(a_category("Books"), "name"), (Category.create(name="B", slug="books", now=START), "slug")],
)
async def test_category_names_and_slugs_are_unique(uow, store, other, field):
    await stored(store, a_category("Books"))
    async with uow:
        with pytest.raises(DuplicateValue) as refused:
            await uow.categories.add(other)
    assert (refused.value.entity, refused.value.field) == ("category", field)


# -- products ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("other", "field", "value"),
    [
        (a_product("Other", "PEN"), "sku", "PEN"),
        (a_product("Other", "INK", slug="pen"), "slug", "pen"),
        (a_product("Pen", "INK", category_id=1), "name", "Pen"),
    ],
)
async def test_product_sku_slug_and_name_within_a_category_are_unique(
    uow, store, other, field, value
):
    await stored(store, a_category("Office"))
    await stored(store, a_product("Pen", "PEN", category_id=1))
    async with uow:
        with pytest.raises(DuplicateValue) as refused:
            await uow.products.add(other)
    assert (refused.value.entity, refused.value.field) == ("product", field)
    assert str(refused.value) == f"product {field} {value!r} already exists"


async def test_products_without_a_category_may_share_a_name_as_nulls_are_distinct(uow, store):
    await stored(store, a_product("Pen", "PEN-1"))
    async with uow:
        await uow.products.add(a_product("Pen", "PEN-2"))
        await uow.commit()
    assert len(store.rows(Product)) == 2


async def test_a_rename_onto_a_taken_name_is_caught_at_commit(uow, store):
    await stored(store, a_category("Office"))
    pen, ink = a_product("Pen", "PEN", category_id=1), a_product("Ink", "INK", category_id=1)
    await stored(store, pen, ink)
    async with uow:
        loaded = await uow.products.get(id_of(ink))
        assert loaded is not None
        loaded.rename("Pen", START)
        with pytest.raises(DuplicateValue):
            await uow.commit()
    assert store.rows(Product)[id_of(ink)].name == "Ink"


async def test_products_are_locked_in_ascending_id_order_and_unknown_ids_are_left_out(uow, store):
    products = [a_product(f"P{n}", f"P-{n}") for n in range(3)]
    await stored(store, *products)
    async with uow:
        locked = await uow.products.get_for_update([3, 99, 1, 3])
    assert [p.id for p in locked] == [1, 3]


async def test_a_product_on_order_lines_is_in_use(uow, store):
    user, pen = a_user("ann"), a_product("Pen", "PEN")
    await stored(store, user, pen)
    async with uow:
        await uow.orders.add(an_order(id_of(user), id_of(pen)))
        await uow.commit()
    async with uow:
        with pytest.raises(InUse):
            await uow.products.delete(pen)
    assert id_of(pen) in store.rows(Product)


# -- orders and notifications ---------------------------------------------------------------
async def test_an_order_comes_back_with_its_items(uow, store):
    user, pen = a_user("ann"), a_product("Pen", "PEN")
    await stored(store, user, pen)
    async with uow:
        order = an_order(id_of(user), id_of(pen))
        await uow.orders.add(order)
        await uow.commit()
    async with uow:
        loaded = await uow.orders.get(id_of(order))
    assert loaded is not None
    assert [(i.id, i.product_id) for i in loaded.items] == [(1, id_of(pen))]


async def test_order_numbers_are_unique(uow, store):
    user, pen = a_user("ann"), a_product("Pen", "PEN")
    await stored(store, user, pen)
    async with uow:
        await uow.orders.add(an_order(id_of(user), id_of(pen), "00000F"))
        with pytest.raises(DuplicateValue) as refused:
            await uow.orders.add(an_order(id_of(user), id_of(pen), "00000F"))
    assert (refused.value.entity, refused.value.field) == ("order", "order_number")


async def test_a_users_notifications_come_newest_first(uow, seed: Seed):
    user = await seed.user()
    other = await seed.user()
    async with uow:
        for minutes in (0, 2, 1):
            await uow.notifications.add(
                Notification.create(
                    kind=NotificationKind.ORDER_PLACED,
                    user_id=id_of(user),
                    message=f"at {minutes}",
                    now=START + timedelta(minutes=minutes),
                )
            )
        await uow.notifications.add(
            Notification.create(
                kind=NotificationKind.ORDER_PLACED, user_id=id_of(other), message="other", now=START
            )
        )
        await uow.commit()
    async with uow:
        mine = await uow.notifications.list_for_user(id_of(user))
    assert [n.message for n in mine] == ["at 2", "at 1", "at 0"]
