"""The stores table: the tenants. It is the one business table without a `store_id`."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Integer, String, Table, UniqueConstraint

from adapters.sqlalchemy.column_types import UtcDateTime
from adapters.sqlalchemy.schema import ENTITY, metadata

__all__ = ["stores"]

stores = Table(
    "stores",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("slug", String(50), nullable=False, insert_sentinel=True),
    Column("name", String(100), nullable=False),
    Column("is_active", Boolean, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("slug"),
    sqlite_autoincrement=True,
    info={ENTITY: "store"},
)
