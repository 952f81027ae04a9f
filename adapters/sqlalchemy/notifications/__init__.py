"""The notifications context in SQL: the notifications table, its mapping, its repository and
its read side."""

from __future__ import annotations

from adapters.sqlalchemy.notifications.repository import SqlAlchemyNotificationRepository

__all__ = ["SqlAlchemyNotificationRepository"]
