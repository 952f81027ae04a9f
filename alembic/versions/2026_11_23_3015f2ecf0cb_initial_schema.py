"""Initial schema: users, categories, products, orders, order items, payments, notifications

Every table with its named constraints (naming convention of adapters/sqlalchemy/schema.py),
check constraints, foreign-key actions and indexes. PostgreSQL also gets the pg_trgm
extension, a trigram index for product-name search and a partial index over active products.

Column types are spelled out here rather than imported from the application, so that this
revision keeps meaning what it meant when it was written. Names are final (`op.f`): the
target metadata's naming convention must not be applied to them a second time.

Revision ID: 3015f2ecf0cb
Revises:
Create Date: 2026-11-23 19:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "3015f2ecf0cb"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# SQLite: never hand out the id of a deleted row again, as PostgreSQL's sequences never do.
TABLE_OPTIONS = {"sqlite_autoincrement": True}


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), autoincrement=True, nullable=False)


def _timestamp(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def _money(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.Numeric(12, 2), nullable=False)


def _is_postgresql() -> bool:
    return op.get_context().dialect.name == "postgresql"


def upgrade() -> None:
    op.create_table(
        "users",
        _id(),
        sa.Column("username", sa.String(50), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("hashed_password", sa.String(255), nullable=False),
        sa.Column("full_name", sa.String(100), nullable=True),
        sa.Column("bio", sa.String(1000), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("is_superuser", sa.Boolean(), nullable=False),
        _money("credits"),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
        sa.CheckConstraint("credits >= 0", name=op.f("ck_users_credits_not_negative")),
        **TABLE_OPTIONS,
    )
    op.create_index(op.f("ix_users_is_active"), "users", ["is_active"])

    op.create_table(
        "categories",
        _id(),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("slug", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        _timestamp("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_categories")),
        sa.UniqueConstraint("name", name=op.f("uq_categories_name")),
        sa.UniqueConstraint("slug", name=op.f("uq_categories_slug")),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["categories.id"],
            name=op.f("fk_categories_parent_id_categories"),
            ondelete="SET NULL",
        ),
        **TABLE_OPTIONS,
    )
    op.create_index(op.f("ix_categories_parent_id"), "categories", ["parent_id"])

    op.create_table(
        "products",
        _id(),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("slug", sa.String(200), nullable=False),
        sa.Column("sku", sa.String(64), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        _money("price"),
        sa.Column("stock_quantity", sa.Integer(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_products")),
        sa.UniqueConstraint("sku", name=op.f("uq_products_sku")),
        sa.UniqueConstraint("slug", name=op.f("uq_products_slug")),
        sa.UniqueConstraint("name", "category_id", name=op.f("uq_products_name_category_id")),
        sa.CheckConstraint("price > 0", name=op.f("ck_products_price_positive")),
        sa.CheckConstraint("stock_quantity >= 0", name=op.f("ck_products_stock_not_negative")),
        sa.CheckConstraint("version >= 1", name=op.f("ck_products_version_positive")),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["categories.id"],
            name=op.f("fk_products_category_id_categories"),
            ondelete="SET NULL",
        ),
        **TABLE_OPTIONS,
    )
    op.create_index(op.f("ix_products_category_id_price"), "products", ["category_id", "price"])
    if _is_postgresql():
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.create_index(
            op.f("ix_products_name_trgm"),
            "products",
            ["name"],
            postgresql_using="gin",
            postgresql_ops={"name": "gin_trgm_ops"},
        )
        op.create_index(
            op.f("ix_products_active_category_id_price"),
            "products",
            ["category_id", "price"],
            postgresql_where=sa.text("is_active"),
        )

    op.create_table(
        "orders",
        _id(),
        sa.Column("order_number", sa.String(32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        _money("total_amount"),
        sa.Column("shipping_address", sa.String(500), nullable=True),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
        sa.UniqueConstraint("order_number", name=op.f("uq_orders_order_number")),
        sa.CheckConstraint("total_amount >= 0", name=op.f("ck_orders_total_amount_not_negative")),
        sa.CheckConstraint(
            "status IN ('pending', 'confirmed', 'shipped', 'delivered', 'cancelled')",
            name=op.f("ck_orders_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_orders_user_id_users"), ondelete="RESTRICT"
        ),
        **TABLE_OPTIONS,
    )
    op.create_index(op.f("ix_orders_status"), "orders", ["status"])
    op.create_index(op.f("ix_orders_user_id_created_at"), "orders", ["user_id", "created_at"])

    op.create_table(
        "order_items",
        _id(),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        _money("unit_price"),
        _money("total_price"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_items")),
        sa.UniqueConstraint(
            "order_id", "product_id", name=op.f("uq_order_items_order_id_product_id")
        ),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_order_items_quantity_positive")),
        sa.CheckConstraint("unit_price >= 0", name=op.f("ck_order_items_unit_price_not_negative")),
        sa.CheckConstraint(
            "total_price >= 0", name=op.f("ck_order_items_total_price_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_order_items_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_order_items_product_id_products"),
            ondelete="RESTRICT",
        ),
        **TABLE_OPTIONS,
    )
    op.create_index(op.f("ix_order_items_order_id"), "order_items", ["order_id"])
    op.create_index(op.f("ix_order_items_product_id"), "order_items", ["product_id"])

    op.create_table(
        "payments",
        _id(),
        sa.Column("order_id", sa.Integer(), nullable=False),
        _money("amount"),
        sa.Column("method", sa.String(32), nullable=False),
        _timestamp("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_payments_amount_not_negative")),
        sa.CheckConstraint(
            "method IN ('card', 'bank_transfer', 'cash_on_delivery')",
            name=op.f("ck_payments_method_known"),
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_payments_order_id_orders"),
            ondelete="CASCADE",
        ),
        **TABLE_OPTIONS,
    )
    op.create_index(op.f("ix_payments_order_id"), "payments", ["order_id"])

    op.create_table(
        "notifications",
        _id(),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("message", sa.String(500), nullable=False),
        sa.Column("is_read", sa.Boolean(), nullable=False),
        _timestamp("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_notifications_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_notifications_order_id_orders"),
            ondelete="SET NULL",
        ),
        **TABLE_OPTIONS,
    )
    op.create_index(op.f("ix_notifications_user_id"), "notifications", ["user_id"])
    op.create_index(op.f("ix_notifications_order_id"), "notifications", ["order_id"])


def downgrade() -> None:
    # Children before parents; dropping a table drops its indexes and constraints with it.
    # The pg_trgm extension stays: other schemas of the same database may rely on it.
    for table in (
        "notifications",
        "payments",
        "order_items",
        "orders",
        "products",
        "categories",
        "users",
    ):
        op.drop_table(table)
