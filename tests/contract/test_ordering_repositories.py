"""The orders and notifications repositories."""

from __future__ import annotations

from decimal import Decimal

import pytest

from application.ordering.commands import ChangeOrderStatus, PayOrder
from domain.notifications.notification import Notification, NotificationKind
from domain.ordering.order import (
    Order,
    OrderItem,
    OrderLine,
    OrderNumber,
    OrderStatus,
    PaymentMethod,
)
from domain.shared.errors import DuplicateValue
from tests.contract.data import id_of, order, product, store, user
from tests.support.actors import admin, customer
from tests.support.storage import Storage


async def test_a_placed_order_is_stored_with_its_items(storage: Storage) -> None:
    buyer = await user(storage, "buyer")
    lamp = await product(storage, "Lamp", price="19.99")
    desk = await product(storage, "Desk", price="120.00")

    placed = await order(storage, id_of(buyer), (id_of(desk), 1), (id_of(lamp), 3))

    async with storage.make_uow() as uow:
        loaded = await uow.orders.get(id_of(placed))
    assert loaded is not None
    assert loaded.order_number == placed.order_number
    assert loaded.status is OrderStatus.PENDING
    assert loaded.total_amount == Decimal("179.97")
    assert [(i.product_id, i.quantity, i.unit_price, i.total_price) for i in loaded.items] == [
        (id_of(lamp), 3, Decimal("19.99"), Decimal("59.97")),
        (id_of(desk), 1, Decimal("120.00"), Decimal("120.00")),
    ]
    assert [item.id for item in loaded.items] == [item.id for item in placed.items]
    assert all(item.id is not None for item in loaded.items)
    assert loaded.payments == []


async def test_an_unknown_order_is_none(storage: Storage) -> None:
    async with storage.make_uow() as uow:
        assert await uow.orders.get(999) is None
        assert await uow.orders.get(999, for_update=True) is None


async def test_an_order_read_for_update_can_be_moved_along(storage: Storage) -> None:
    buyer = await user(storage, "buyer")
    lamp = await product(storage, "Lamp", stock=5)
    placed = await order(storage, id_of(buyer), (id_of(lamp), 2))
    later = storage.clock.advance(hours=1)

    async with storage.make_uow() as uow:
        loaded = await uow.orders.get(id_of(placed), for_update=True)
        assert loaded is not None
        loaded.transition_to(OrderStatus.CONFIRMED, later)
        await uow.commit()

    view = await storage.orders.get(id_of(placed))
    assert view is not None
    assert (view.status, view.updated_at) == ("confirmed", later)


async def test_a_payment_is_stored_with_its_order(storage: Storage) -> None:
    buyer = await user(storage, "buyer")
    lamp = await product(storage, "Lamp", price="5.50")
    placed = await order(storage, id_of(buyer), (id_of(lamp), 2))

    payment = (
        await storage.use_cases.pay_order()(
            customer(id_of(buyer)), PayOrder(id_of(placed), PaymentMethod.CARD)
        )
    ).result

    async with storage.make_uow() as uow:
        loaded = await uow.orders.get(id_of(placed))
    assert loaded is not None
    assert loaded.status is OrderStatus.CONFIRMED
    assert [(p.id, p.amount, p.method) for p in loaded.payments] == [
        (payment.id, Decimal("11.00"), PaymentMethod.CARD)
    ]
    assert loaded.payments[0].method is PaymentMethod.CARD


async def test_cancelling_puts_the_stock_back(storage: Storage) -> None:
    buyer = await user(storage, "buyer")
    lamp = await product(storage, "Lamp", stock=5)
    desk = await product(storage, "Desk", stock=2)
    placed = await order(storage, id_of(buyer), (id_of(lamp), 2), (id_of(desk), 2))

    await storage.use_cases.change_order_status()(
        customer(id_of(buyer)), ChangeOrderStatus(id_of(placed), OrderStatus.CANCELLED)
    )

    stocks = [await storage.products.get(id_of(p)) for p in (lamp, desk)]
    assert [(s.stock_quantity, s.version) for s in stocks if s] == [(5, 3), (2, 3)]


async def test_a_taken_order_number_is_a_duplicate(storage: Storage) -> None:
    buyer = await user(storage, "buyer")
    lamp = await product(storage, "Lamp")
    placed = await order(storage, id_of(buyer), (id_of(lamp), 1))
    now = storage.clock.now()
    copy = Order.place(
        order_number=OrderNumber(placed.order_number),
        user_id=id_of(buyer),
        items=[OrderItem.priced(OrderLine(id_of(lamp), 1), Decimal("10.00"))],
        now=now,
    )
    with pytest.raises(DuplicateValue) as refused:
        await store(storage, copy)

    assert (refused.value.entity, refused.value.field) == ("order", "order_number")


async def test_placing_an_order_leaves_a_notification_for_the_buyer(storage: Storage) -> None:
    buyer = await user(storage, "buyer")
    lamp = await product(storage, "Lamp")
    placed = await order(storage, id_of(buyer), (id_of(lamp), 1))

    async with storage.make_uow() as uow:
        notes = await uow.notifications.list_for_user(id_of(buyer))
    assert [(n.kind, n.message, n.reference_id, n.read_at) for n in notes] == [
        (NotificationKind.ORDER_PLACED, f"Order {placed.order_number} placed", id_of(placed), None)
    ]


async def test_notifications_are_listed_newest_first_for_their_user_only(
    storage: Storage,
) -> None:
    alice = await user(storage, "alice")
    bob = await user(storage, "bob")
    async with storage.make_uow() as uow:
        for text in ("first", "second"):
            await uow.notifications.add(
                Notification.create(
                    kind=NotificationKind.ORDER_PLACED,
                    user_id=id_of(alice),
                    message=text,
                    now=storage.clock.now(),
                )
            )
        storage.clock.advance(seconds=1)
        await uow.notifications.add(
            Notification.create(
                kind=NotificationKind.ORDER_PLACED,
                user_id=id_of(alice),
                message="third",
                now=storage.clock.now(),
            )
        )
        await uow.notifications.add(
            Notification.create(
                kind=NotificationKind.ORDER_PLACED,
                user_id=id_of(bob),
                message="for bob",
                now=storage.clock.now(),
            )
        )
        await uow.commit()

    async with storage.make_uow() as uow:
        mine = await uow.notifications.list_for_user(id_of(alice))
    # Same time: the later one (higher id) first.
    assert [n.message for n in mine] == ["third", "second", "first"]
    assert all(n.id is not None for n in mine)


async def test_reserved_quantity_counts_the_lines_of_orders_that_may_still_be_cancelled(
    storage: Storage,
) -> None:
    buyer = await user(storage, "buyer")
    lamp = await product(storage, "Lamp", stock=100)
    desk = await product(storage, "Desk", stock=200)
    statuses = {
        OrderStatus.PENDING: 1,
        OrderStatus.CONFIRMED: 2,
        OrderStatus.SHIPPED: 4,
        OrderStatus.DELIVERED: 8,
        OrderStatus.CANCELLED: 16,
    }
    path = {
        OrderStatus.PENDING: (),
        OrderStatus.CONFIRMED: (OrderStatus.CONFIRMED,),
        OrderStatus.SHIPPED: (OrderStatus.CONFIRMED, OrderStatus.SHIPPED),
        OrderStatus.DELIVERED: (
            OrderStatus.CONFIRMED,
            OrderStatus.SHIPPED,
            OrderStatus.DELIVERED,
        ),
        OrderStatus.CANCELLED: (OrderStatus.CANCELLED,),
    }
    for status, quantity in statuses.items():
        placed = await order(storage, id_of(buyer), (id_of(lamp), quantity), (id_of(desk), 32))
        for step in path[status]:
            await storage.use_cases.change_order_status()(
                admin(), ChangeOrderStatus(id_of(placed), step)
            )

    async with storage.make_uow() as uow:
        assert await uow.orders.reserved_quantity(id_of(lamp)) == 1 + 2
        assert await uow.orders.reserved_quantity(id_of(desk)) == 32 + 32
        assert await uow.orders.reserved_quantity(999) == 0
