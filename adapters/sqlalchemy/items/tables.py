"""The items context's table: things users own, priced, versioned.

An item goes with its owner when the owner is purged (CASCADE). A customer's list is found
through (owner_id, id).
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, String, Table

from adapters.sqlalchemy.column_types import Money, UtcDateTime
from adapters.sqlalchemy.schema import ENTITY, FIELD, metadata, store_column
from domain.items.item import MAX_DESCRIPTION, MAX_NAME

__all__ = ["items"]

items = Table(
    "items",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(MAX_NAME), nullable=False),
    Column("description", String(MAX_DESCRIPTION), nullable=True),
    Column("price", Money, nullable=False),
    Column(
        "owner_id",
        Integer,
        ForeignKey("users.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("version", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    store_column(),
    CheckConstraint("price >= 0", name="price_not_negative", info={FIELD: "price"}),
    CheckConstraint("version >= 1", name="version_positive", info={FIELD: "version"}),
    Index(None, "owner_id", "id"),
    sqlite_autoincrement=True,
    info={ENTITY: "item"},
)
