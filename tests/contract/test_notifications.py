"""The notifications ports and use cases, on every backend: stored with a kind and a
reference, listed per user newest first, counted while unread, marked read once."""

from __future__ import annotations

import pytest

from application.notifications.commands import MarkAllNotificationsRead, MarkNotificationRead
from application.notifications.queries import NOTIFICATION_LIST
from domain.identity.user import User
from domain.notifications.notification import Notification, NotificationKind
from domain.shared.errors import NotFound
from tests.contract.data import id_of, user
from tests.support.actors import admin, customer
from tests.support.storage import Storage


async def leave(storage: Storage, to: User, *kinds: NotificationKind) -> list[Notification]:
    """One notification of each kind for `to`, a second apart, in one transaction."""
    notes = []
    async with storage.make_uow() as uow:
        for number, kind in enumerate(kinds, start=1):
            note = Notification.create(
                user_id=id_of(to),
                kind=kind,
                message=f"note {number}",
                reference_id=number,
                now=storage.clock.advance(seconds=1),
            )
            await uow.notifications.add(note)
            notes.append(note)
        await uow.commit()
    return notes


async def test_a_users_notifications_are_listed_newest_first_and_filtered(
    storage: Storage,
) -> None:
    ann, bob = await user(storage, "ann"), await user(storage, "bob")
    placed, received, moved = await leave(
        storage,
        ann,
        NotificationKind.ORDER_PLACED,
        NotificationKind.ITEM_RECEIVED,
        NotificationKind.ORDER_STATUS_CHANGED,
    )
    await leave(storage, bob, NotificationKind.TRANSFER_RECEIVED)
    reads = storage.use_cases.notification_reads()

    anns = await reads.list(customer(id_of(ann)), NOTIFICATION_LIST.query())
    items_only = await reads.list(
        customer(id_of(ann)), NOTIFICATION_LIST.query([("kind", "item_received")])
    )
    admins_own = await reads.list(admin(), NOTIFICATION_LIST.query())

    assert [n.id for n in anns.items] == [id_of(moved), id_of(received), id_of(placed)]
    assert [(n.kind, n.reference_id, n.message) for n in anns.items][-1] == (
        "order_placed",
        1,
        "note 1",
    )
    assert [n.id for n in items_only.items] == [id_of(received)]
    assert admins_own.total == 0  # an admin has their own notifications, not everyone's


async def test_marking_one_read_keeps_the_first_time_and_is_the_recipients_alone(
    storage: Storage,
) -> None:
    ann, bob = await user(storage, "ann"), await user(storage, "bob")
    first, second = await leave(
        storage, ann, NotificationKind.ORDER_PLACED, NotificationKind.ORDER_PLACED
    )
    mark = storage.use_cases.mark_notification_read()
    queries = storage.use_cases.notification_queries()

    for stranger in (customer(id_of(bob)), admin()):
        with pytest.raises(NotFound):
            await mark(stranger, MarkNotificationRead(id_of(first)))
    read_at = storage.clock.advance(minutes=5)
    marked = await mark(customer(id_of(ann)), MarkNotificationRead(id_of(first)))
    storage.clock.advance(minutes=5)
    again = await mark(customer(id_of(ann)), MarkNotificationRead(id_of(first)))

    assert (marked.read_at, again.read_at) == (read_at, read_at)
    assert await queries.unread_count(id_of(ann)) == 1
    unread = await queries.list(
        NOTIFICATION_LIST.query([("read_at__is_null", "true")]).narrowed("user_id", id_of(ann))
    )
    assert [n.id for n in unread.items] == [id_of(second)]
    async with storage.make_uow() as uow:
        stored = await uow.notifications.get(id_of(first))
    assert stored is not None
    assert stored.read_at == read_at


async def test_marking_all_read_marks_the_callers_unread_ones_only(storage: Storage) -> None:
    ann, bob = await user(storage, "ann"), await user(storage, "bob")
    early, _ = await leave(
        storage, ann, NotificationKind.ORDER_PLACED, NotificationKind.ITEM_RECEIVED
    )
    await leave(storage, bob, NotificationKind.ORDER_PLACED)
    first_read = storage.clock.advance(minutes=1)
    await storage.use_cases.mark_notification_read()(
        customer(id_of(ann)), MarkNotificationRead(id_of(early))
    )
    now = storage.clock.advance(minutes=1)

    marked = await storage.use_cases.mark_all_notifications_read()(
        customer(id_of(ann)), MarkAllNotificationsRead()
    )

    queries = storage.use_cases.notification_queries()
    assert marked.count == 1
    assert (await queries.unread_count(id_of(ann)), await queries.unread_count(id_of(bob))) == (
        0,
        1,
    )
    anns = await queries.list(NOTIFICATION_LIST.query().narrowed("user_id", id_of(ann)))
    assert sorted(n.read_at for n in anns.items if n.read_at) == [first_read, now]
