"""The notifications context's mapping: `Notification` onto `notifications`, columns only."""

from __future__ import annotations

from sqlalchemy.orm import registry

from adapters.sqlalchemy.mappers import context_mapping
from adapters.sqlalchemy.notifications.tables import notifications
from domain.notifications.notification import Notification

__all__ = ["map_notifications"]


@context_mapping
def map_notifications(mappers: registry) -> None:
    mappers.map_imperatively(Notification, notifications)
