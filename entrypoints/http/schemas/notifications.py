"""Notifications on the wire: only ever the caller's own.

NotificationPublic       GET /users/me/notifications, POST /notifications/{id}/read
CountPublic              the unread count; how many read-all marked
"""

from __future__ import annotations

from pydantic import Field

from domain.notifications.notification import NotificationKind
from entrypoints.http.schemas.fields import PublicModel, UtcDatetime

__all__ = ["CountPublic", "NotificationPublic"]


class NotificationPublic(PublicModel):
    id: int
    kind: NotificationKind
    message: str
    reference_id: int | None = Field(
        description="The id of what it is about: an order, a credit transfer or an item, by "
        "its kind."
    )
    is_read: bool
    read_at: UtcDatetime | None
    created_at: UtcDatetime


class CountPublic(PublicModel):
    count: int
