"""A row naming a row that is not there is refused, alike on every backend.

What a foreign key does on INSERT and UPDATE: `NotFound(entity referred to, key)`, whichever
of the table's foreign keys it is (SQLite does not say; adapters/sqlalchemy/errors.py finds
it), and what the in-memory store does from the references its record kinds declare. Nothing
of the refused unit of work is stored.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from application.catalog.queries import PRODUCT_LIST
from application.ordering.queries import ORDER_LIST
from domain.catalog.category import Category
from domain.catalog.product import Product
from domain.notifications.notification import Notification, NotificationKind
from domain.ordering.order import Order, OrderItem, OrderLine, OrderNumber
from domain.shared.errors import NotFound
from tests.contract.data import id_of, product, store, user
from tests.support.storage import Storage

MISSING = 999


def not_found(refused: pytest.ExceptionInfo[NotFound]) -> tuple[str, object, str]:
    return refused.value.entity, refused.value.key, refused.value.detail


def new_order(storage: Storage, user_id: int, *product_ids: int) -> Order:
    return Order.place(
        order_number=OrderNumber.build(storage.clock.now(), "00000A"),
        user_id=user_id,
        items=[OrderItem.priced(OrderLine(p, 1), Decimal("10.00")) for p in product_ids],
        now=storage.clock.now(),
    )


async def add_notification(storage: Storage, note: Notification) -> None:
    async with storage.make_uow() as uow:
        await uow.notifications.add(note)
        await uow.commit()


async def move_product(storage: Storage, product_id: int, category_id: int) -> None:
    async with storage.make_uow() as uow:
        loaded = await uow.products.get(product_id)
        assert loaded is not None
        loaded.revise(storage.clock.now(), category_id=category_id)
        await uow.commit()


async def test_a_product_in_a_category_that_is_not_there_is_not_found(storage: Storage) -> None:
    lamp = Product.create(
        name="Lamp",
        sku="LAMP",
        price=Decimal("9.99"),
        stock_quantity=1,
        category_id=MISSING,
        now=storage.clock.now(),
    )

    with pytest.raises(NotFound) as refused:
        await store(storage, lamp)

    assert not_found(refused) == ("category", MISSING, "category with id 999 not found")
    assert (await storage.products.list(PRODUCT_LIST.query())).total == 0


async def test_a_category_under_a_parent_that_is_not_there_is_not_found(storage: Storage) -> None:
    with pytest.raises(NotFound) as refused:
        await store(
            storage, Category.create(name="Tools", parent_id=MISSING, now=storage.clock.now())
        )

    assert not_found(refused) == ("category", MISSING, "category with id 999 not found")


async def test_an_order_of_a_user_who_is_not_there_is_not_found(storage: Storage) -> None:
    lamp = await product(storage, "Lamp")

    with pytest.raises(NotFound) as refused:
        await store(storage, new_order(storage, MISSING, id_of(lamp)))

    assert not_found(refused) == ("user", MISSING, "user with id 999 not found")
    assert (await storage.orders.list(ORDER_LIST.query())).total == 0


async def test_an_order_line_naming_a_product_that_is_not_there_is_not_found(
    storage: Storage,
) -> None:
    # Order lines have two foreign keys, to their order (just added) and to their product.
    buyer = await user(storage, "buyer")
    lamp = await product(storage, "Lamp")

    with pytest.raises(NotFound) as refused:
        await store(storage, new_order(storage, id_of(buyer), id_of(lamp), MISSING))

    assert not_found(refused) == ("product", MISSING, "product with id 999 not found")
    assert (await storage.orders.list(ORDER_LIST.query())).total == 0


async def test_a_notification_for_a_user_who_is_not_there_is_not_found(
    storage: Storage,
) -> None:
    # Its one foreign key; its reference_id names a thing by its kind and has none.
    note = Notification.create(
        user_id=MISSING,
        kind=NotificationKind.ORDER_PLACED,
        message="Hello",
        reference_id=MISSING,
        now=storage.clock.now(),
    )

    with pytest.raises(NotFound) as refused:
        await add_notification(storage, note)

    assert not_found(refused) == ("user", MISSING, "user with id 999 not found")


async def test_moving_a_product_to_a_category_that_is_not_there_is_not_found(
    storage: Storage,
) -> None:
    # An UPDATE, not an INSERT: the product is there, the category it is moved to is not.
    lamp = await product(storage, "Lamp", category_id=1)

    with pytest.raises(NotFound) as refused:
        await move_product(storage, id_of(lamp), MISSING)

    assert not_found(refused) == ("category", MISSING, "category with id 999 not found")
    kept = await storage.products.get(id_of(lamp))
    assert kept is not None
    assert kept.category_id == 1
