"""The catalog context's tables: categories (a tree) and products (priced, stocked, versioned).

Lengths follow the domain's rules (slugs from `Slug.MAX_LENGTH`, SKUs from `Sku.MAX_LENGTH`);
the database is the last line of defence, not the first. Unique constraints are declared in
the order a duplicate is reported in (see adapters/sqlalchemy/schema.py): a category's name
before its slug; a product's SKU, then its slug, then its name within its category.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from adapters.sqlalchemy.column_types import Money, UtcDateTime
from adapters.sqlalchemy.schema import ENTITY, FIELD, POSTGRESQL_ONLY, metadata, store_column
from domain.catalog.product import Sku
from domain.shared.text import Slug

__all__ = ["categories", "products"]

categories = Table(
    "categories",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False),
    Column("slug", String(Slug.MAX_LENGTH), nullable=False, insert_sentinel=True),
    Column("description", Text, nullable=True),
    Column(
        "parent_id",
        Integer,
        ForeignKey("categories.id", ondelete="SET NULL"),
        nullable=True,
        index=True,
    ),
    Column("created_at", UtcDateTime, nullable=False),
    store_column(),
    UniqueConstraint("store_id", "name", info={FIELD: "name"}),
    UniqueConstraint("store_id", "slug", info={FIELD: "slug"}),
    sqlite_autoincrement=True,
    info={ENTITY: "category"},
)

products = Table(
    "products",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False),
    Column("slug", String(Slug.MAX_LENGTH), nullable=False),
    Column("sku", String(Sku.MAX_LENGTH), nullable=False, insert_sentinel=True),
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
    store_column(),
    UniqueConstraint("store_id", "sku", info={FIELD: "sku"}),
    UniqueConstraint("store_id", "slug", info={FIELD: "slug"}),
    # A composite key is reported by the field a user chose; the category is its context.
    UniqueConstraint("store_id", "name", "category_id", info={FIELD: "name"}),
    CheckConstraint("price > 0", name="price_positive", info={FIELD: "price"}),
    CheckConstraint(
        "stock_quantity >= 0", name="stock_not_negative", info={FIELD: "stock_quantity"}
    ),
    CheckConstraint("version >= 1", name="version_positive", info={FIELD: "version"}),
    Index(None, "category_id", "price"),
    sqlite_autoincrement=True,
    info={ENTITY: "product"},
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
