"""The notifications context in SQL: the notifications table, its mapping and repository (it
has no read side of its own)."""

from __future__ import annotations

from adapters.sqlalchemy.notifications.repository import SqlAlchemyNotificationRepository

__all__ = ["SqlAlchemyNotificationRepository"]
