"""`NotificationRepository` over the unit of work's session. Marking all of a user's
notifications read is one UPDATE.

A new notification is written with one prepared Core INSERT rather than a flush: it is stored
inside the order's savepoint, on the hot write path (see adapters/sqlalchemy/core_inserts.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select, update

from adapters.sqlalchemy.core_inserts import row_of, stored_as
from adapters.sqlalchemy.errors import storage_errors
from adapters.sqlalchemy.notifications.tables import notifications
from adapters.sqlalchemy.repository import SqlAlchemyRepository
from adapters.sqlalchemy.schema import STORE_ID
from domain.notifications.notification import Notification
from domain.notifications.repository import NotificationRepository

__all__ = ["SqlAlchemyNotificationRepository"]

_INSERT_NOTIFICATION = insert(notifications).returning(notifications.c.id)


class SqlAlchemyNotificationRepository(SqlAlchemyRepository, NotificationRepository):
    async def add(self, notification: Notification) -> None:
        if notification.id is not None:
            await self._add(notification)
            return
        # One Core INSERT rather than a flush: this runs inside the order's savepoint, on
        # the hot write path (see SqlAlchemyOrderRepository.add).
        session = self._session
        async with storage_errors():
            await session.flush()
            row = row_of(session.sync_session, notification, notifications)
            notification_id = await session.scalar(_INSERT_NOTIFICATION, row)
        stored_as(notification, int(notification_id), store_id=row[STORE_ID])
        session.add(notification)

    async def get(self, notification_id: int) -> Notification | None:
        async with storage_errors():
            return await self._session.get(Notification, notification_id)

    async def list_for_user(self, user_id: int) -> list[Notification]:
        statement = (
            select(Notification)
            .where(notifications.c.user_id == user_id)
            .order_by(notifications.c.created_at.desc(), notifications.c.id.desc())
        )
        async with storage_errors():
            result = await self._session.execute(statement)
            return list(result.scalars())

    async def mark_all_read(self, user_id: int, now: datetime) -> int:
        # One statement, through the class so that the store's criterion applies; the
        # session's loaded notifications learn of it.
        statement = (
            update(Notification)
            .where(notifications.c.user_id == user_id, notifications.c.read_at.is_(None))
            .values(read_at=now)
            .execution_options(synchronize_session="fetch")
        )
        async with storage_errors():
            result = await self._session.execute(statement)
        return int(result.rowcount)  # type: ignore[attr-defined]
