"""The ordering context's tables: orders, their lines (order items) and payments.

Statuses and payment methods are kept to the domain's enums by CHECK constraints built from
them. Order lines are unique per product within an order (the domain merges duplicate lines),
which is also what lets SQLite return the ids of a multi-row INSERT in order (see
adapters/sqlalchemy/schema.py).
"""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
)

from adapters.sqlalchemy.column_types import Money, StrEnumType, UtcDateTime
from adapters.sqlalchemy.schema import ENTITY, FIELD, enum_check, metadata, store_column
from domain.ordering.order import OrderStatus, PaymentMethod

__all__ = ["order_items", "orders", "payments"]

_STATUSES = tuple(status.value for status in OrderStatus)
_METHODS = tuple(method.value for method in PaymentMethod)

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
    store_column(),
    UniqueConstraint("store_id", "order_number", info={FIELD: "order_number"}),
    CheckConstraint(
        "total_amount >= 0", name="total_amount_not_negative", info={FIELD: "total_amount"}
    ),
    CheckConstraint(enum_check("status", _STATUSES), name="status_known", info={FIELD: "status"}),
    Index(None, "user_id", "created_at"),
    sqlite_autoincrement=True,
    info={ENTITY: "order"},
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
    store_column(),
    # A composite key is reported by the field a user chose; the order is its context.
    UniqueConstraint("order_id", "product_id", info={FIELD: "product_id"}),
    CheckConstraint("quantity > 0", name="quantity_positive", info={FIELD: "quantity"}),
    CheckConstraint("unit_price >= 0", name="unit_price_not_negative", info={FIELD: "unit_price"}),
    CheckConstraint(
        "total_price >= 0", name="total_price_not_negative", info={FIELD: "total_price"}
    ),
    sqlite_autoincrement=True,
    info={ENTITY: "order item"},
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
    store_column(),
    CheckConstraint("amount >= 0", name="amount_not_negative", info={FIELD: "amount"}),
    CheckConstraint(enum_check("method", _METHODS), name="method_known", info={FIELD: "method"}),
    sqlite_autoincrement=True,
    info={ENTITY: "payment"},
)
