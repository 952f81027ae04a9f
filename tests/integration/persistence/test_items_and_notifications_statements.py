"""No N+1 in the items and notifications: a page of items, a page of notifications and
marking all of a user's notifications read send as many statements for 1 row as for 50."""

from __future__ import annotations

from decimal import Decimal

from application.items.commands import CreateItem
from application.items.queries import ITEM_LIST
from application.notifications.commands import MarkAllNotificationsRead
from application.notifications.queries import NOTIFICATION_LIST
from domain.identity.user import User
from domain.notifications.notification import Notification, NotificationKind
from tests.contract.data import id_of, user
from tests.integration.persistence.test_statement_counts import counted, named_the_store_once_each
from tests.support.actors import customer
from tests.support.storage import Storage

ROWS = 50


async def notes_for(storage: Storage, who: User, count: int) -> None:
    async with storage.make_uow() as uow:
        for n in range(count):
            await uow.notifications.add(
                Notification.create(
                    user_id=id_of(who),
                    kind=NotificationKind.ITEM_RECEIVED,
                    message=f"note {n}",
                    reference_id=n + 1,
                    now=storage.clock.now(),
                )
            )
        await uow.commit()


async def test_listing_1_or_50_items_costs_the_same_statements(storage: Storage) -> None:
    ann = await user(storage, "ann")
    for n in range(ROWS):
        await storage.use_cases.create_item()(
            customer(id_of(ann)), CreateItem(f"Item {n}", Decimal(n))
        )
    items = storage.use_cases.item_queries()

    with counted(storage) as one:
        single = await items.list(ITEM_LIST.query(page_size=1))
    with counted(storage) as fifty:
        full = await items.list(ITEM_LIST.query(page_size=ROWS))

    print(f"\n{storage.backend}: list 1 / {ROWS} items: {len(one)} / {len(fifty)} statements")
    assert (len(single.items), len(full.items)) == (1, ROWS)
    assert len(fifty) == len(one)
    assert named_the_store_once_each(storage, fifty, 1)


async def test_listing_and_marking_1_or_50_notifications_cost_the_same_statements(
    storage: Storage,
) -> None:
    ann, bob = await user(storage, "ann"), await user(storage, "bob")
    await notes_for(storage, ann, 1)
    await notes_for(storage, bob, ROWS)
    reads, mark_all = storage.use_cases.notification_reads(), storage.use_cases
    everything = NOTIFICATION_LIST.query(page_size=ROWS)

    with counted(storage) as list_one:
        await reads.list(customer(id_of(ann)), everything)
    with counted(storage) as list_fifty:
        await reads.list(customer(id_of(bob)), everything)
    with counted(storage) as mark_one:
        one = await mark_all.mark_all_notifications_read()(
            customer(id_of(ann)), MarkAllNotificationsRead()
        )
    with counted(storage) as mark_fifty:
        fifty = await mark_all.mark_all_notifications_read()(
            customer(id_of(bob)), MarkAllNotificationsRead()
        )

    print(
        f"\n{storage.backend}: list 1 / {ROWS} notifications: {len(list_one)} / "
        f"{len(list_fifty)} statements; mark all read: {len(mark_one)} / {len(mark_fifty)}"
    )
    assert (one.count, fifty.count) == (1, ROWS)
    assert len(list_fifty) == len(list_one)
    assert len(mark_fifty) == len(mark_one)
    assert named_the_store_once_each(storage, mark_fifty, 1)
