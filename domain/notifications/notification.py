"""A message kept for a user, such as the confirmation of an order."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from domain.shared.text import clean_text

__all__ = ["Notification"]


@dataclass(eq=False)
class Notification:
    user_id: int
    message: str
    created_at: datetime
    order_id: int | None = None
    is_read: bool = False
    id: int | None = field(default=None)

    @classmethod
    def create(
        cls, *, user_id: int, message: str, now: datetime, order_id: int | None = None
    ) -> Notification:
        return cls(
            user_id=user_id,
            message=clean_text(message, "message", max_length=500, multiline=True),
            order_id=order_id,
            created_at=now,
        )

    def mark_read(self) -> None:
        self.is_read = True
