"""The port through which notifications are stored, found and marked read."""

from __future__ import annotations

import abc
from datetime import datetime

from domain.notifications.notification import Notification

__all__ = ["NotificationRepository"]


class NotificationRepository(abc.ABC):
    @abc.abstractmethod
    async def add(self, notification: Notification) -> None: ...

    @abc.abstractmethod
    async def get(self, notification_id: int) -> Notification | None: ...

    @abc.abstractmethod
    async def list_for_user(self, user_id: int) -> list[Notification]:
        """Newest first."""

    @abc.abstractmethod
    async def mark_all_read(self, user_id: int, now: datetime) -> int:
        """Mark every unread notification of the user read at `now`, in one statement; how
        many were unread."""
