"""The identity context's tables: users, their refresh tokens, and sign-in throttles.

Lengths follow the domain's rules (the email's from `Email.MAX_LENGTH`); the database is the
last line of defence, not the first. A duplicate username is reported before a duplicate
email, in the order the unique constraints are declared (see adapters/sqlalchemy/schema.py).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    UniqueConstraint,
)

from adapters.sqlalchemy.column_types import Money, UtcDateTime
from adapters.sqlalchemy.schema import ENTITY, FIELD, metadata, store_column
from domain.identity.user import Email

__all__ = ["login_throttles", "refresh_tokens", "users"]

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
    Column("token_generation", Integer, nullable=False, server_default="0"),
    store_column(),
    UniqueConstraint("store_id", "username", info={FIELD: "username"}),
    UniqueConstraint("store_id", "email", info={FIELD: "email"}),
    CheckConstraint("credits >= 0", name="credits_not_negative", info={FIELD: "credits"}),
    sqlite_autoincrement=True,
    info={ENTITY: "user"},
)

# Only the hash of a refresh token is kept; a user's tokens go with the user.
refresh_tokens = Table(
    "refresh_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "user_id",
        Integer,
        ForeignKey("users.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("family", String(32), nullable=False, index=True),
    Column("token_hash", String(64), nullable=False),
    Column("issued_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("retired_at", UtcDateTime, nullable=True),
    Column("revoked_at", UtcDateTime, nullable=True),
    store_column(),
    UniqueConstraint("token_hash"),
    sqlite_autoincrement=True,
    info={ENTITY: "refresh token"},
)

# Keyed by account ("user:<id>", or "name:<login>" for a name no account has), not by user:
# unknown names are throttled alike, so the answers tell no one which names exist.
login_throttles = Table(
    "login_throttles",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("account", String(300), nullable=False),
    Column("failures", Integer, nullable=False),
    Column("last_failure_at", UtcDateTime, nullable=False),
    store_column(),
    UniqueConstraint("store_id", "account", info={FIELD: "account"}),
    sqlite_autoincrement=True,
    info={ENTITY: "login throttle"},
)
