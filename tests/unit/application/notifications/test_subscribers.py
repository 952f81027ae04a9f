"""The handlers that tell a user what happened: each writes one notification, for the user
the event names, in the unit of work it is given, and commits it."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from adapters.memory import InMemoryStore, InMemoryUnitOfWork
from application.notifications.subscribers import (
    notify_item_received,
    notify_order_status_changed,
    notify_transfer_received,
)
from application.subscriptions import SUBSCRIPTIONS
from domain.items.events import ItemTransferred
from domain.notifications.notification import Notification, NotificationKind
from domain.ordering.events import OrderStatusChanged
from domain.ordering.order import OrderStatus
from domain.wallet.events import CreditsTransferred
from tests.contract.data import id_of
from tests.unit.fakes import START
from tests.unit.seeding import Seed


def told(store: InMemoryStore) -> list[tuple[int, NotificationKind, str, int | None, datetime]]:
    return [
        (n.user_id, n.kind, n.message, n.reference_id, n.created_at)
        for n in store.rows(Notification).values()
    ]


async def test_an_item_received_tells_its_new_owner(seed: Seed, store: InMemoryStore) -> None:
    ann, bob = await seed.user(), await seed.user()
    event = ItemTransferred(
        item_id=7,
        item_name="Lamp",
        from_user_id=id_of(ann),
        to_user_id=id_of(bob),
        occurred_at=START,
    )

    await notify_item_received(event, InMemoryUnitOfWork(store))

    assert told(store) == [
        (id_of(bob), NotificationKind.ITEM_RECEIVED, "You received the item 'Lamp'", 7, START)
    ]


async def test_an_order_status_change_tells_the_orders_user(
    seed: Seed, store: InMemoryStore
) -> None:
    ann = await seed.user()
    event = OrderStatusChanged(
        order_id=3,
        order_number="ORD-20260101000000-000001",
        user_id=id_of(ann),
        status=OrderStatus.SHIPPED,
        occurred_at=START,
    )

    await notify_order_status_changed(event, InMemoryUnitOfWork(store))

    assert told(store) == [
        (
            id_of(ann),
            NotificationKind.ORDER_STATUS_CHANGED,
            "Order ORD-20260101000000-000001 shipped",
            3,
            START,
        )
    ]


async def test_credits_received_tell_their_recipient(seed: Seed, store: InMemoryStore) -> None:
    ann, bob = await seed.user(), await seed.user()
    event = CreditsTransferred(
        transfer_id=11,
        from_user_id=id_of(ann),
        to_user_id=id_of(bob),
        amount=Decimal("12.5"),
        occurred_at=START,
    )

    await notify_transfer_received(event, InMemoryUnitOfWork(store))

    assert told(store) == [
        (id_of(bob), NotificationKind.TRANSFER_RECEIVED, "You received 12.50 credits", 11, START)
    ]


def test_each_event_the_use_cases_record_has_its_handler() -> None:
    assert {
        ItemTransferred: (notify_item_received,),
        OrderStatusChanged: (notify_order_status_changed,),
        CreditsTransferred: (notify_transfer_received,),
    } == SUBSCRIPTIONS
