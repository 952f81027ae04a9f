"""What the user concerned is told when something happens: the handlers of events, run after
the commit of the transaction that recorded them, each in a unit of work of its own
(application/shared/events.py). `application/subscriptions.py` says which event each handles.

    ItemTransferred      -> the new owner: item_received
    OrderStatusChanged   -> the order's user: order_status_changed
    CreditsTransferred   -> its recipient: transfer_received

A placed order is told otherwise: inside the order's own transaction, in a savepoint
(application/ordering/handlers.py), so that the notification exists exactly when the order
does.
"""

from __future__ import annotations

from application.shared.unit_of_work import UnitOfWork
from domain.items.events import ItemTransferred
from domain.notifications.notification import Notification, NotificationKind
from domain.ordering.events import OrderStatusChanged
from domain.wallet.events import CreditsTransferred

__all__ = [
    "notify_item_received",
    "notify_order_status_changed",
    "notify_transfer_received",
]

# A message holds at most MAX_MESSAGE characters; an item's name may take most of them.
_NAME_SHOWN = 200


async def _store(uow: UnitOfWork, notification: Notification) -> None:
    async with uow:
        await uow.notifications.add(notification)
        await uow.commit()


async def notify_item_received(event: ItemTransferred, uow: UnitOfWork) -> None:
    await _store(
        uow,
        Notification.create(
            user_id=event.to_user_id,
            kind=NotificationKind.ITEM_RECEIVED,
            message=f"You received the item {event.item_name[:_NAME_SHOWN]!r}",
            reference_id=event.item_id,
            now=event.occurred_at,
        ),
    )


async def notify_order_status_changed(event: OrderStatusChanged, uow: UnitOfWork) -> None:
    await _store(
        uow,
        Notification.create(
            user_id=event.user_id,
            kind=NotificationKind.ORDER_STATUS_CHANGED,
            message=f"Order {event.order_number} {event.status.value}",
            reference_id=event.order_id,
            now=event.occurred_at,
        ),
    )


async def notify_transfer_received(event: CreditsTransferred, uow: UnitOfWork) -> None:
    await _store(
        uow,
        Notification.create(
            user_id=event.to_user_id,
            kind=NotificationKind.TRANSFER_RECEIVED,
            message=f"You received {event.amount:.2f} credits",
            reference_id=event.transfer_id,
            now=event.occurred_at,
        ),
    )
