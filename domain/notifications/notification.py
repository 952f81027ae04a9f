"""A message kept for a user about something that concerns them: an order placed or moved
along, credits or an item received.

    Notification.create(user_id, kind, message, now, reference_id)
    notification.mark_read(now)     read once: the first reading's time is kept
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from domain.shared.text import clean_text

__all__ = ["MAX_MESSAGE", "Notification", "NotificationKind"]

MAX_MESSAGE = 500


class NotificationKind(StrEnum):
    """What the notification is about; its `reference_id` is the id of that thing (an order,
    a credit transfer, an item)."""

    ORDER_PLACED = "order_placed"
    ORDER_STATUS_CHANGED = "order_status_changed"
    TRANSFER_RECEIVED = "transfer_received"
    ITEM_RECEIVED = "item_received"


@dataclass(eq=False)
class Notification:
    user_id: int
    kind: NotificationKind
    message: str
    created_at: datetime
    reference_id: int | None = None
    read_at: datetime | None = None
    id: int | None = field(default=None)

    @classmethod
    def create(
        cls,
        *,
        user_id: int,
        kind: NotificationKind,
        message: str,
        now: datetime,
        reference_id: int | None = None,
    ) -> Notification:
        return cls(
            user_id=user_id,
            kind=kind,
            message=clean_text(message, "message", max_length=MAX_MESSAGE, multiline=True),
            reference_id=reference_id,
            created_at=now,
        )

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    def mark_read(self, now: datetime) -> bool:
        """Mark it read at `now`, unless it was read already (then it keeps the time it was
        first read); whether this changed it."""
        if self.read_at is not None:
            return False
        self.read_at = now
        return True
