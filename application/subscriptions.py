"""Which handlers each event has: the one place that says it.

Use cases record events on their unit of work (`uow.record(event)`); once their transaction
has committed, the `EventBus` the composition root builds from this table runs each handler
listed for the event's type, in a unit of work of its own (application/shared/events.py). A
new reaction to an event is one line here; the use case that records it does not change.
"""

from __future__ import annotations

from application.notifications.subscribers import (
    notify_item_received,
    notify_order_status_changed,
    notify_transfer_received,
)
from application.shared.events import Subscriptions
from domain.items.events import ItemTransferred
from domain.ordering.events import OrderStatusChanged
from domain.wallet.events import CreditsTransferred

__all__ = ["SUBSCRIPTIONS"]

SUBSCRIPTIONS: Subscriptions = {
    ItemTransferred: (notify_item_received,),
    OrderStatusChanged: (notify_order_status_changed,),
    CreditsTransferred: (notify_transfer_received,),
}
