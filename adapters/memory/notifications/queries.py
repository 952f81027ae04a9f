"""The in-memory twin of `NotificationQueries`: notifications as committed."""

from __future__ import annotations

from adapters.memory.listing import list_page
from adapters.memory.read_side import InMemoryQueries
from application.notifications.queries import NotificationQueries
from application.notifications.read_models import NotificationView
from application.shared.listing import ListQuery, Page
from domain.notifications.notification import Notification

__all__ = ["InMemoryNotificationQueries"]


class InMemoryNotificationQueries(InMemoryQueries, NotificationQueries):
    async def list(self, query: ListQuery) -> Page[NotificationView]:
        notes = self._store.rows(Notification).values()
        return list_page((NotificationView.of(note) for note in notes), query)

    async def unread_count(self, user_id: int) -> int:
        notes = self._store.rows(Notification).values()
        return sum(1 for note in notes if note.user_id == user_id and note.read_at is None)
