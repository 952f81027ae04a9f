"""What the notifications use cases are asked to do: always about the caller's own."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["MarkAllNotificationsRead", "MarkNotificationRead"]


@dataclass(frozen=True)
class MarkNotificationRead:
    notification_id: int


@dataclass(frozen=True)
class MarkAllNotificationsRead:
    pass
