"""The notifications as a caller may see them: their own, whoever they are.

Unlike orders or items, an admin has no wider view here: a notification is a message to one
user, and the list and the count are always narrowed to the caller's.
"""

from __future__ import annotations

from dataclasses import dataclass

from application.notifications.queries import NotificationQueries
from application.notifications.read_models import NotificationView, ReadCount
from application.shared.access import Principal
from application.shared.listing import ListQuery, Page

__all__ = ["NotificationReads"]


@dataclass(frozen=True)
class NotificationReads:
    notifications: NotificationQueries

    async def list(self, actor: Principal, query: ListQuery) -> Page[NotificationView]:
        return await self.notifications.list(query.narrowed("user_id", actor.acting_user()))

    async def unread_count(self, actor: Principal) -> ReadCount:
        return ReadCount(await self.notifications.unread_count(actor.acting_user()))
