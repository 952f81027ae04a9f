"""The caller's notifications: /users/me/notifications (the list and the unread count) and
/notifications (marking them read).

Every operation is about the caller's own notifications, whoever the caller is: another
user's notification is a 404, an admin's request included.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Response

from application.notifications.commands import MarkAllNotificationsRead, MarkNotificationRead
from application.notifications.queries import NOTIFICATION_LIST
from application.shared.listing import ListQuery
from entrypoints.http.access import SignedIn
from entrypoints.http.errors import error_responses
from entrypoints.http.listing import ListParameters
from entrypoints.http.responses import respond
from entrypoints.http.routers.parameters import NotificationId
from entrypoints.http.routing import resource_router
from entrypoints.http.schemas.notifications import CountPublic, NotificationPublic
from entrypoints.http.schemas.pages import PagePublic
from entrypoints.http.use_cases import use_cases

__all__ = ["router"]

router = resource_router("", "notifications", 422, 500, 503)

NOTIFICATIONS = ListParameters(NOTIFICATION_LIST)


@router.get(
    "/users/me/notifications",
    response_model=PagePublic[NotificationPublic],
    openapi_extra=NOTIFICATIONS.openapi_extra,
)
async def list_my_notifications(
    actor: SignedIn, query: Annotated[ListQuery, Depends(NOTIFICATIONS)], request: Request
) -> Response:
    """Your notifications, newest first unless sorted otherwise; the unread ones with
    `read_at__is_null=true`, one kind with `kind=item_received`."""
    page = await use_cases(request).notification_reads().list(actor, query)
    return respond(page, PagePublic[NotificationPublic])


@router.get("/users/me/notifications/unread-count", response_model=CountPublic)
async def count_my_unread_notifications(request: Request, actor: SignedIn) -> Response:
    """How many of your notifications are unread."""
    return respond(await use_cases(request).notification_reads().unread_count(actor), CountPublic)


@router.post(
    "/notifications/{notification_id:int}/read",
    response_model=NotificationPublic,
    responses=error_responses(404),
)
async def mark_notification_read(
    notification_id: NotificationId, request: Request, actor: SignedIn
) -> Response:
    """Mark one of your notifications read; one read already keeps the time it was first
    read."""
    command = MarkNotificationRead(notification_id)
    notification = await use_cases(request).mark_notification_read()(actor, command)
    return respond(notification, NotificationPublic)


@router.post("/notifications/read-all", response_model=CountPublic)
async def mark_all_notifications_read(request: Request, actor: SignedIn) -> Response:
    """Mark every unread notification of yours read; the answer says how many were."""
    command = MarkAllNotificationsRead()
    return respond(
        await use_cases(request).mark_all_notifications_read()(actor, command), CountPublic
    )
