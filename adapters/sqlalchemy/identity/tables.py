"""The identity context's table: users.

Lengths follow the domain's rules (the email's from `Email.MAX_LENGTH`); the database is the
last line of defence, not the first. A duplicate username is reported before a duplicate
email, in the order the unique constraints are declared (see adapters/sqlalchemy/schema.py).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Integer,
    String,
    Table,
    UniqueConstraint,
)

from adapters.sqlalchemy.column_types import Money, UtcDateTime
from adapters.sqlalchemy.schema import ENTITY, FIELD, metadata
from domain.identity.user import Email

__all__ = ["users"]

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(50), nullable=False, insert_sentinel=True),
    Column("email", String(Email.MAX_LENGTH), nullable=False),
    Column("hashed_password", String(255), nullable=False),
    Column("full_name", String(100), nullable=True),
    Column("bio", String(1000), nullable=True),
    Column("is_active", Boolean, nullable=False, index=True),
    Column("is_superuser", Boolean, nullable=False),
    Column("credits", Money, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    UniqueConstraint("username"),
    UniqueConstraint("email"),
    CheckConstraint("credits >= 0", name="credits_not_negative", info={FIELD: "credits"}),
    sqlite_autoincrement=True,
    info={ENTITY: "user"},
)
