"""The notifications context's table: messages kept for a user, each of a kind, most about
something with an id (`reference_id`: an order, a credit transfer, an item).

A user's notifications go with the user (CASCADE). `reference_id` has no foreign key: what it
names depends on the kind, and a notification outlives what it tells of. Unread ones are those
without `read_at`; a user's list and unread count are found through (user_id, created_at).
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, String, Table

from adapters.sqlalchemy.column_types import StrEnumType, UtcDateTime
from adapters.sqlalchemy.schema import ENTITY, FIELD, enum_check, metadata, store_column
from domain.notifications.notification import MAX_MESSAGE, NotificationKind

__all__ = ["notifications"]

_KINDS = tuple(kind.value for kind in NotificationKind)

notifications = Table(
    "notifications",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "user_id",
        Integer,
        ForeignKey("users.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("kind", StrEnumType(NotificationKind, 32), nullable=False),
    Column("reference_id", Integer, nullable=True),
    Column("message", String(MAX_MESSAGE), nullable=False),
    Column("read_at", UtcDateTime, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    store_column(),
    CheckConstraint(enum_check("kind", _KINDS), name="kind_known", info={FIELD: "kind"}),
    Index(None, "user_id", "created_at"),
    sqlite_autoincrement=True,
    info={ENTITY: "notification"},
)
