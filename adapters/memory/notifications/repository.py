"""The in-memory notification repository, and the notification records it stores.

A user's notifications go when the user is purged (CASCADE); one about an order forgets the
order if the order were ever deleted (SET NULL), as the schema's foreign keys say.
"""

from __future__ import annotations

from adapters.memory.kinds import OnDelete, RecordKind, Reference
from adapters.memory.repository import InMemoryRepository
from adapters.memory.tracking import key_of
from domain.identity.user import User
from domain.notifications.notification import Notification
from domain.notifications.repository import NotificationRepository
from domain.ordering.order import Order

__all__ = ["InMemoryNotificationRepository"]


class InMemoryNotificationRepository(InMemoryRepository, NotificationRepository):
    kind = RecordKind(
        Notification,
        "notification",
        references=(
            Reference("user_id", User, OnDelete.CASCADE),
            Reference("order_id", Order, OnDelete.SET_NULL),
        ),
    )

    async def add(self, notification: Notification) -> None:
        self._tx.add(notification)

    async def list_for_user(self, user_id: int) -> list[Notification]:
        mine = self._tx.rows(Notification).load_where(lambda n: n.user_id == user_id)
        return sorted(mine, key=lambda n: (n.created_at, key_of(n)), reverse=True)
