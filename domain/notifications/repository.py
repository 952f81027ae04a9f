"""The port through which notifications are stored."""

from __future__ import annotations

import abc

from domain.notifications.notification import Notification

__all__ = ["NotificationRepository"]


class NotificationRepository(abc.ABC):
    @abc.abstractmethod
    async def add(self, notification: Notification) -> None: ...

    @abc.abstractmethod
    async def list_for_user(self, user_id: int) -> list[Notification]:
        """Newest first."""
