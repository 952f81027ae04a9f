"""The notifications read side in SQL: a page of a user's notifications, their unread count."""

from __future__ import annotations

from sqlalchemy import bindparam, func, select

from adapters.sqlalchemy.list_queries import ListCompiler, fetch_page
from adapters.sqlalchemy.notifications import tables
from adapters.sqlalchemy.read_side import AnyRow, ReadSide
from adapters.sqlalchemy.tenancy import scoped
from application.notifications.queries import NOTIFICATION_LIST, NotificationQueries
from application.notifications.read_models import NotificationView
from application.shared.listing import ListQuery, Page
from domain.notifications.notification import NotificationKind

__all__ = ["SqlAlchemyNotificationQueries"]

# The store's rows only (adapters/sqlalchemy/tenancy.py): every read below selects from these.
notifications = scoped(tables.notifications)

_COLUMNS = (
    notifications.c.id,
    notifications.c.user_id,
    notifications.c.kind,
    notifications.c.message,
    notifications.c.reference_id,
    notifications.c.read_at,
    notifications.c.created_at,
)
_LIST = ListCompiler(
    NOTIFICATION_LIST,
    notifications,
    {name: notifications.c[name] for name in NOTIFICATION_LIST.fields},
)
_UNREAD = select(func.count()).where(
    notifications.c.user_id == bindparam("user_id"), notifications.c.read_at.is_(None)
)


def _view(row: AnyRow) -> NotificationView:
    return NotificationView(
        id=row.id,
        user_id=row.user_id,
        kind=NotificationKind(row.kind).value,
        message=row.message,
        reference_id=row.reference_id,
        read_at=row.read_at,
        created_at=row.created_at,
    )


class SqlAlchemyNotificationQueries(ReadSide, NotificationQueries):
    async def list(self, query: ListQuery) -> Page[NotificationView]:
        async with self._connection() as connection:
            rows, total = await fetch_page(connection, _LIST, _COLUMNS, query)
        return Page([_view(row) for row in rows], total, query.page.page, query.page.page_size)

    async def unread_count(self, user_id: int) -> int:
        async with self._connection() as connection:
            count = await connection.scalar(_UNREAD, {"user_id": user_id})
        return int(count or 0)
