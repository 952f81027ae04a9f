"""What the notifications read side returns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.notifications.notification import Notification

__all__ = ["NotificationView", "ReadCount"]


@dataclass(frozen=True, slots=True)
class NotificationView:
    id: int
    user_id: int
    kind: str
    message: str
    reference_id: int | None
    read_at: datetime | None
    created_at: datetime

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @classmethod
    def of(cls, notification: Notification) -> NotificationView:
        if notification.id is None:
            raise ValueError("a view is made of stored entities only; this one has no id yet")
        return cls(
            id=notification.id,
            user_id=notification.user_id,
            kind=notification.kind.value,
            message=notification.message,
            reference_id=notification.reference_id,
            read_at=notification.read_at,
            created_at=notification.created_at,
        )


@dataclass(frozen=True, slots=True)
class ReadCount:
    """How many notifications: unread ones, or those an operation marked read."""

    count: int
