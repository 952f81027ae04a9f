"""The schema: Core tables on one MetaData, the single source the migrations must match.

Constraint and index names follow one convention, so that a database error can be traced
back to the field that caused it (`uq_users_email` -> user.email) and so that Alembic can
name, compare and drop them on both engines:

    pk_<table>   uq_<table>_<columns>   ck_<table>_<rule>   fk_<table>_<column>_<referred>
    ix_<table>_<columns>

Lengths mirror the domain's validators; the database is the last line of defence, not the
first. Two indexes exist only on PostgreSQL (a trigram index for name search and a partial
index over active products); they carry `info={"postgresql_only": True}`, which both the
DDL (`ddl_if`) and Alembic's comparison (alembic/env.py) honour.

Several inserted rows get their generated ids back from one multi-row INSERT ... RETURNING
("insertmanyvalues"). SQLite does not promise the order of RETURNING rows, so SQLAlchemy
matches them to the objects by a column whose values are unique within the batch and given
by us: the `insert_sentinel=True` columns below (a unique key of each table; for order
lines the product, unique within an order).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from adapters.sqlalchemy.column_types import Money, StrEnumType, UtcDateTime
from domain.ordering.order import OrderStatus, PaymentMethod

__all__ = [
    "POSTGRESQL_ONLY",
    "categories",
    "idempotency_keys",
    "metadata",
    "notifications",
    "order_items",
    "orders",
    "payments",
    "products",
    "users",
]

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# Marks schema objects that only PostgreSQL gets (see the module docstring).
POSTGRESQL_ONLY = "postgresql_only"

# Every table says `sqlite_autoincrement=True`: SQLite's AUTOINCREMENT keeps ids of deleted
# rows from being handed out again, as PostgreSQL's sequences and the in-memory store never do.


def _in(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({quoted})"


_STATUSES = tuple(status.value for status in OrderStatus)
_METHODS = tuple(method.value for method in PaymentMethod)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(50), nullable=False, insert_sentinel=True),
    Column("email", String(254), nullable=False),
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
    CheckConstraint("credits >= 0", name="credits_not_negative"),
    sqlite_autoincrement=True,
)

categories = Table(
    "categories",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False),
    Column("slug", String(200), nullable=False, insert_sentinel=True),
    Column("description", Text, nullable=True),
    Column(
        "parent_id",
        Integer,
        ForeignKey("categories.id", ondelete="SET NULL"),
        nullable=True,
        index=True,
    ),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("name"),
    UniqueConstraint("slug"),
    sqlite_autoincrement=True,
)

products = Table(
    "products",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False),
    Column("slug", String(200), nullable=False),
    Column("sku", String(64), nullable=False, insert_sentinel=True),
    Column("description", Text, nullable=True),
    Column("price", Money, nullable=False),
    Column("stock_quantity", Integer, nullable=False),
    Column("is_active", Boolean, nullable=False),
    Column(
        "category_id",
        Integer,
        ForeignKey("categories.id", ondelete="SET NULL"),
        nullable=True,
    ),
    Column("version", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    UniqueConstraint("sku"),
    UniqueConstraint("slug"),
    UniqueConstraint("name", "category_id"),
    CheckConstraint("price > 0", name="price_positive"),
    CheckConstraint("stock_quantity >= 0", name="stock_not_negative"),
    CheckConstraint("version >= 1", name="version_positive"),
    Index(None, "category_id", "price"),
    sqlite_autoincrement=True,
)

# Substring search on product names (`name__like`) can use a trigram index on PostgreSQL.
Index(
    "ix_products_name_trgm",
    products.c.name,
    postgresql_using="gin",
    postgresql_ops={"name": "gin_trgm_ops"},
    info={POSTGRESQL_ONLY: True},
).ddl_if(dialect="postgresql")

# The storefront lists active products by category and price; inactive ones stay out of it.
Index(
    "ix_products_active_category_id_price",
    products.c.category_id,
    products.c.price,
    postgresql_where=products.c.is_active,
    info={POSTGRESQL_ONLY: True},
).ddl_if(dialect="postgresql")

orders = Table(
    "orders",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("order_number", String(32), nullable=False, insert_sentinel=True),
    Column(
        "user_id",
        Integer,
        ForeignKey("users.id", ondelete="RESTRICT"),
        nullable=False,
    ),
    Column("status", StrEnumType(OrderStatus, 16), nullable=False, index=True),
    Column("total_amount", Money, nullable=False),
    Column("shipping_address", String(500), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    UniqueConstraint("order_number"),
    CheckConstraint("total_amount >= 0", name="total_amount_not_negative"),
    CheckConstraint(_in("status", _STATUSES), name="status_known"),
    Index(None, "user_id", "created_at"),
    sqlite_autoincrement=True,
)

order_items = Table(
    "order_items",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "order_id",
        Integer,
        ForeignKey("orders.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column(
        "product_id",
        Integer,
        ForeignKey("products.id", ondelete="RESTRICT"),
        nullable=False,
        index=True,
        insert_sentinel=True,
    ),
    Column("quantity", Integer, nullable=False),
    Column("unit_price", Money, nullable=False),
    Column("total_price", Money, nullable=False),
    UniqueConstraint("order_id", "product_id"),
    CheckConstraint("quantity > 0", name="quantity_positive"),
    CheckConstraint("unit_price >= 0", name="unit_price_not_negative"),
    CheckConstraint("total_price >= 0", name="total_price_not_negative"),
    sqlite_autoincrement=True,
)

payments = Table(
    "payments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "order_id",
        Integer,
        ForeignKey("orders.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("amount", Money, nullable=False),
    Column("method", StrEnumType(PaymentMethod, 32), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    CheckConstraint("amount >= 0", name="amount_not_negative"),
    CheckConstraint(_in("method", _METHODS), name="method_known"),
    sqlite_autoincrement=True,
)

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
    sqlite_autoincrement=True,
)

# Answers to requests sent with an Idempotency-Key (application/shared/idempotency.py): one
# row per operation scope and key, written in the transaction of the effect it guards.
idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("scope", String(255), primary_key=True),
    Column("key", String(255), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("status_code", Integer, nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False, index=True),
)
