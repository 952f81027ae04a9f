"""The in-memory notification repository, and the notification records it stores.

A user's notifications go when the user is purged (CASCADE), as the schema's foreign key
says. A notification's `reference_id` names an order, a transfer or an item by its kind, and
is no reference: it outlives what it names.
"""

from __future__ import annotations

from datetime import datetime

from adapters.memory.kinds import OnDelete, RecordKind, Reference
from adapters.memory.repository import InMemoryRepository
from adapters.memory.tracking import key_of
from domain.identity.user import User
from domain.notifications.notification import Notification
from domain.notifications.repository import NotificationRepository

__all__ = ["InMemoryNotificationRepository"]


class InMemoryNotificationRepository(InMemoryRepository, NotificationRepository):
    kind = RecordKind(
        Notification,
        "notification",
        references=(Reference("user_id", User, OnDelete.CASCADE),),
    )

    async def add(self, notification: Notification) -> None:
        self._tx.add(notification)

    async def get(self, notification_id: int) -> Notification | None:
        return self._tx.rows(Notification).get(notification_id)

    async def list_for_user(self, user_id: int) -> list[Notification]:
        mine = self._tx.rows(Notification).load_where(lambda n: n.user_id == user_id)
        return sorted(mine, key=lambda n: (n.created_at, key_of(n)), reverse=True)

    async def mark_all_read(self, user_id: int, now: datetime) -> int:
        unread = self._tx.rows(Notification).load_where(
            lambda n: n.user_id == user_id and n.read_at is None
        )
        return sum(note.mark_read(now) for note in unread)
