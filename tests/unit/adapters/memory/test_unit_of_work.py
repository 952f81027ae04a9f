"""The in-memory unit of work is a real transaction: private copies, commit or nothing,
one writer at a time, savepoints that undo only their own part."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from decimal import Decimal

import pytest

from adapters.memory import InMemoryStore, InMemoryUnitOfWork
from application.catalog.commands import AdjustStock
from application.shared.unit_of_work import UnitOfWork
from domain.catalog.product import Product
from domain.identity.user import User
from domain.ordering.order import Order, OrderItem, OrderLine, OrderNumber, PaymentMethod
from domain.shared.errors import DuplicateValue
from tests.unit.fakes import START
from tests.unit.seeding import Seed, id_of


def a_user(name: str) -> User:
    return User.register(username=name, email=f"{name}@example.com", hashed_password="h", now=START)


def a_product(name: str, stock: int = 10) -> Product:
    return Product.create(
        name=name, sku=name.upper(), price=Decimal("1.00"), stock_quantity=stock, now=START
    )


async def committed_user(store: InMemoryStore, name: str) -> User:
    async with InMemoryUnitOfWork(store) as uow:
        user = a_user(name)
        await uow.users.add(user)
        await uow.commit()
    return user


async def committed_product(store: InMemoryStore, name: str = "pen", stock: int = 10) -> Product:
    async with InMemoryUnitOfWork(store) as uow:
        product = a_product(name, stock)
        await uow.products.add(product)
        await uow.commit()
    return product


# -- commit or nothing -------------------------------------------------------------------
async def test_committed_changes_are_seen_by_the_next_unit_of_work(store):
    user = await committed_user(store, "ann")
    async with InMemoryUnitOfWork(store) as uow:
        found = await uow.users.get(id_of(user))
    assert found is not None
    assert found.username == "ann"


async def test_leaving_without_commit_discards_new_entities(uow, store):
    async with uow:
        await uow.users.add(a_user("ann"))
        assert await uow.users.get_by_email("ann@example.com") is not None
    assert store.rows(User) == {}
    async with uow:
        assert await uow.users.get_by_email("ann@example.com") is None


async def test_leaving_without_commit_discards_changes_to_loaded_entities(uow, store):
    product = await committed_product(store, stock=10)
    async with uow:
        loaded = await uow.products.get(id_of(product))
        assert loaded is not None
        loaded.adjust_stock(-4, START)
    assert store.rows(Product)[id_of(product)].stock_quantity == 10
    assert store.rows(Product)[id_of(product)].version == 1


async def test_leaving_without_commit_discards_deletions(uow, store):
    product = await committed_product(store)
    async with uow:
        await uow.products.delete(product)
        assert await uow.products.get(id_of(product)) is None
    assert id_of(product) in store.rows(Product)


async def test_an_error_inside_the_block_discards_everything_and_propagates(uow, store):
    product = await committed_product(store, stock=10)

    async def failing() -> None:
        async with uow:
            loaded = await uow.products.get(id_of(product))
            assert loaded is not None
            loaded.adjust_stock(5, START)
            await uow.users.add(a_user("ann"))
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await failing()
    assert store.rows(Product)[id_of(product)].stock_quantity == 10
    assert store.rows(User) == {}


async def test_rollback_discards_changes_and_the_unit_stays_usable(uow, store):
    async with uow:
        await uow.users.add(a_user("ann"))
        await uow.rollback()
        await uow.users.add(a_user("bob"))
        await uow.commit()
    assert [u.username for u in store.rows(User).values()] == ["bob"]


@dataclass(frozen=True)
class ForgetfulAdjustStock:
    """A use case with the classic bug: it never commits."""

    uow: UnitOfWork

    async def __call__(self, command: AdjustStock) -> Product:
        async with self.uow as uow:
            [product] = await uow.products.get_for_update([command.product_id])
            product.adjust_stock(command.delta, START)
        return product


async def test_a_use_case_that_forgets_to_commit_leaves_the_store_unchanged(uow, store):
    product = await committed_product(store, stock=10)
    returned = await ForgetfulAdjustStock(uow)(AdjustStock(id_of(product), 5))
    assert returned.stock_quantity == 15  # the private copy changed...
    assert store.rows(Product)[id_of(product)].stock_quantity == 10  # ...the store did not


async def test_a_commit_that_breaks_a_unique_rule_raises_and_changes_nothing(uow, store):
    ann = await committed_user(store, "ann")
    bob = await committed_user(store, "bob")
    async with uow:
        loaded_ann = await uow.users.get(id_of(ann))
        loaded_bob = await uow.users.get(id_of(bob))
        assert loaded_ann is not None
        assert loaded_bob is not None
        loaded_ann.change_profile(full_name="Ann", bio=None, now=START)
        loaded_bob.change_username("ann", START)
        with pytest.raises(DuplicateValue) as refused:
            await uow.commit()
    assert (refused.value.entity, refused.value.field) == ("user", "username")
    assert [(u.username, u.full_name) for u in store.rows(User).values()] == [
        ("ann", None),
        ("bob", None),
    ]


# -- private copies and identity -----------------------------------------------------------
async def test_the_same_id_gives_the_same_object_within_one_unit(uow, store):
    product = await committed_product(store)
    async with uow:
        first = await uow.products.get(id_of(product))
        [locked] = await uow.products.get_for_update([id_of(product)])
        assert first is locked
        assert first is not store.rows(Product)[id_of(product)]


async def test_an_added_entity_is_the_one_found_again(uow):
    async with uow:
        user = a_user("ann")
        await uow.users.add(user)
        assert await uow.users.get(id_of(user)) is user


async def test_changing_an_entity_after_the_unit_ended_does_not_reach_the_store(uow, store):
    async with uow:
        product = a_product("pen", stock=10)
        await uow.products.add(product)
        await uow.commit()
    product.adjust_stock(-10, START)
    assert store.rows(Product)[id_of(product)].stock_quantity == 10


async def test_changes_after_a_commit_need_another_commit(uow, store):
    async with uow:
        product = a_product("pen", stock=10)
        await uow.products.add(product)
        await uow.commit()
        product.adjust_stock(1, START)
    assert store.rows(Product)[id_of(product)].stock_quantity == 10


# -- ids -----------------------------------------------------------------------------------
async def test_ids_are_never_reused_even_after_a_rollback(uow, store):
    async with uow:
        lost = a_user("ann")
        await uow.users.add(lost)
    kept = await committed_user(store, "bob")
    assert (lost.id, kept.id) == (1, 2)


async def test_an_order_its_items_and_its_payments_get_ids(uow, store):
    buyer = await committed_user(store, "ann")
    pen, ink = await committed_product(store, "pen"), await committed_product(store, "ink")
    order = Order.place(
        order_number=OrderNumber.build(START, "00000A"),
        user_id=id_of(buyer),
        items=[
            OrderItem.priced(OrderLine(id_of(pen), 1), Decimal("1.00")),
            OrderItem.priced(OrderLine(id_of(ink), 1), Decimal("2.00")),
        ],
        now=START,
    )
    async with uow:
        await uow.orders.add(order)
        assert [item.id for item in order.items] == [1, 2]
        payment = order.pay(PaymentMethod.CARD, START)
        await uow.commit()
    assert payment.id == 1
    async with uow:
        loaded = await uow.orders.get(id_of(order), for_update=True)
    assert loaded is not None
    assert [p.id for p in loaded.payments] == [1]


# -- the block -----------------------------------------------------------------------------
async def test_a_unit_of_work_can_be_entered_again_after_it_ends(uow, store):
    for name in ("ann", "bob"):
        async with uow:
            await uow.users.add(a_user(name))
            await uow.commit()
    assert len(store.rows(User)) == 2


async def test_entering_a_unit_of_work_that_is_in_progress_is_refused(uow):
    async with uow:
        with pytest.raises(RuntimeError):
            await uow.__aenter__()


async def test_repositories_work_only_inside_the_block(uow):
    with pytest.raises(RuntimeError):
        await uow.users.get(1)
    with pytest.raises(RuntimeError):
        await uow.commit()


# -- one writer at a time ------------------------------------------------------------------
async def test_concurrent_writers_take_turns_so_no_update_is_lost(store):
    product = await committed_product(store, stock=10)

    async def add_one() -> None:
        async with InMemoryUnitOfWork(store) as uow:
            loaded = await uow.products.get(id_of(product))
            assert loaded is not None
            await asyncio.sleep(0)  # let the other writer run between read and write
            loaded.adjust_stock(1, START)
            await uow.commit()

    await asyncio.gather(*(add_one() for _ in range(5)))
    assert store.rows(Product)[id_of(product)].stock_quantity == 15


async def test_a_second_writer_waits_until_the_first_has_finished(store):
    events: list[str] = []
    first_inside = asyncio.Event()

    async def first() -> None:
        async with InMemoryUnitOfWork(store):
            events.append("first in")
            first_inside.set()
            for _ in range(5):
                await asyncio.sleep(0)
            events.append("first out")

    async def second() -> None:
        await first_inside.wait()
        async with InMemoryUnitOfWork(store):
            events.append("second in")

    await asyncio.gather(first(), second())
    assert events == ["first in", "first out", "second in"]


# -- savepoints ------------------------------------------------------------------------------
async def test_an_error_in_a_savepoint_undoes_only_what_was_done_inside_it(uow, store):
    pen = await committed_product(store, "pen", stock=10)
    ink = await committed_product(store, "ink", stock=10)
    async with uow:
        outer_user = a_user("ann")
        await uow.users.add(outer_user)
        loaded_pen = await uow.products.get(id_of(pen))
        assert loaded_pen is not None
        loaded_pen.adjust_stock(-3, START)

        async def failing_inside() -> None:
            async with uow.savepoint():
                loaded_pen.adjust_stock(-5, START)
                loaded_ink = await uow.products.get(id_of(ink))
                assert loaded_ink is not None
                loaded_ink.adjust_stock(-1, START)
                await uow.users.add(a_user("bob"))
                await uow.products.delete(loaded_pen)
                raise RuntimeError("inside")

        with pytest.raises(RuntimeError, match="inside"):
            await failing_inside()
        assert loaded_pen.stock_quantity == 7  # the object in hand is back as it was
        assert await uow.products.get(id_of(pen)) is loaded_pen
        assert await uow.users.get_by_email("bob@example.com") is None
        await uow.commit()
    assert store.rows(Product)[id_of(pen)].stock_quantity == 7
    assert store.rows(Product)[id_of(ink)].stock_quantity == 10
    assert [u.username for u in store.rows(User).values()] == ["ann"]


async def test_a_savepoint_that_succeeds_keeps_its_changes(uow, store):
    async with uow:
        async with uow.savepoint():
            await uow.users.add(a_user("ann"))
        await uow.commit()
    assert len(store.rows(User)) == 1


async def test_savepoints_nest(uow, store):
    async with uow:
        async with uow.savepoint():
            await uow.users.add(a_user("ann"))

            async def failing_inner() -> None:
                async with uow.savepoint():
                    await uow.users.add(a_user("bob"))
                    raise ValueError("inner")

            with pytest.raises(ValueError, match="inner"):
                await failing_inner()
        await uow.commit()
    assert [u.username for u in store.rows(User).values()] == ["ann"]


async def test_a_savepoint_does_not_commit(uow, store):
    async with uow, uow.savepoint():
        await uow.users.add(a_user("ann"))
    assert store.rows(User) == {}


async def test_a_use_case_never_holds_the_stores_own_object(seed: Seed, store):
    user = await seed.user()
    assert store.rows(User)[id_of(user)] is not user
    assert store.rows(User)[id_of(user)].username == user.username
