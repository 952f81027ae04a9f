"""The notifications read side: the port and the whitelist of its list."""

from __future__ import annotations

import abc

from application.notifications.read_models import NotificationView
from application.shared.listing import FieldKind, FieldSpec, ListQuery, ListSchema, Page, SortKey
from domain.notifications.notification import NotificationKind

__all__ = ["NOTIFICATION_LIST", "NotificationQueries"]

NOTIFICATION_LIST = ListSchema(
    fields={
        "id": FieldSpec(FieldKind.INT),
        # Set by the operation (the caller's own), never by the query string.
        "user_id": FieldSpec(FieldKind.INT, filterable=False, sortable=False),
        "kind": FieldSpec(FieldKind.CHOICE, choices=tuple(k.value for k in NotificationKind)),
        "reference_id": FieldSpec(FieldKind.INT, nullable=True),
        # Unread ones: `read_at__is_null=true`.
        "read_at": FieldSpec(FieldKind.DATETIME, nullable=True),
        "created_at": FieldSpec(FieldKind.DATETIME),
    },
    default_sort=(SortKey("created_at", descending=True), SortKey("id", descending=True)),
)


class NotificationQueries(abc.ABC):
    @abc.abstractmethod
    async def list(self, query: ListQuery) -> Page[NotificationView]:
        """Notifications, newest first by default; a user's are this list filtered on
        `user_id`."""

    @abc.abstractmethod
    async def unread_count(self, user_id: int) -> int: ...
