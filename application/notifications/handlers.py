"""The notifications use cases: marking the caller's own notifications read.

Each one is a callable whose body is its whole transaction (see application/ordering/
handlers.py). Another user's notification is `NotFound`, an admin's included: a message is
its recipient's alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from application.notifications.commands import MarkAllNotificationsRead, MarkNotificationRead
from application.notifications.read_models import NotificationView, ReadCount
from application.shared.access import Principal
from application.shared.ports import Clock
from application.shared.retry import retried_on_contention
from application.shared.unit_of_work import UnitOfWork
from domain.shared.errors import NotFound

__all__ = ["MarkAllNotificationsReadHandler", "MarkNotificationReadHandler"]


@dataclass(frozen=True)
class MarkNotificationReadHandler:
    """Mark one of the caller's notifications read; one read already keeps its first time."""

    uow: UnitOfWork
    clock: Clock

    @retried_on_contention
    async def __call__(self, actor: Principal, command: MarkNotificationRead) -> NotificationView:
        async with self.uow as uow:
            notification = await uow.notifications.get(command.notification_id)
            if notification is None or notification.user_id != actor.acting_user():
                raise NotFound("notification", command.notification_id)
            if notification.mark_read(self.clock.now()):
                await uow.commit()
        return NotificationView.of(notification)


@dataclass(frozen=True)
class MarkAllNotificationsReadHandler:
    """Mark every unread notification of the caller read, in one statement."""

    uow: UnitOfWork
    clock: Clock

    @retried_on_contention
    async def __call__(self, actor: Principal, command: MarkAllNotificationsRead) -> ReadCount:
        async with self.uow as uow:
            marked = await uow.notifications.mark_all_read(actor.acting_user(), self.clock.now())
            await uow.commit()
        return ReadCount(marked)
