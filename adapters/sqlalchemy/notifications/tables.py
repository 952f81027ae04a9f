"""The notifications context's table: messages kept for a user, some about an order.

A user's notifications go with the user (CASCADE); one about an order outlives the order's
row (SET NULL).
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Table

from adapters.sqlalchemy.column_types import UtcDateTime
from adapters.sqlalchemy.schema import ENTITY, metadata, store_column

__all__ = ["notifications"]

notifications = Table(
    "notifications",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "user_id",
        Integer,
        ForeignKey("users.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column(
        "order_id",
        Integer,
        ForeignKey("orders.id", ondelete="SET NULL"),
        nullable=True,
        index=True,
    ),
    Column("message", String(500), nullable=False),
    Column("is_read", Boolean, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    store_column(),
    sqlite_autoincrement=True,
    info={ENTITY: "notification"},
)
