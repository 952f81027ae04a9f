"""Seed the default categories: Electronics, Clothing, Books, Home & Garden

A data migration, kept apart from the schema. Rows are inserted without explicit ids, so the
database's own sequence numbers them (1-4 on a fresh database) and stays in step on
PostgreSQL. Downgrading removes them by slug; products and sub-categories that referred to
them are left without a category, as the foreign keys' ON DELETE SET NULL would do.

Revision ID: 752bff01831d
Revises: 3015f2ecf0cb
Create Date: 2026-11-23 19:31:00
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa

from alembic import op

revision: str = "752bff01831d"
down_revision: str | Sequence[str] | None = "3015f2ecf0cb"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DEFAULT_CATEGORIES = (
    ("Electronics", "electronics", "Devices, gadgets and the cables that connect them"),
    ("Clothing", "clothing", "Garments, shoes and accessories for every season"),
    ("Books", "books", "Printed and digital reading, fiction and non-fiction"),
    ("Home & Garden", "home-garden", "Furniture, tools and supplies for house and yard"),
)

categories = sa.table(
    "categories",
    sa.column("id", sa.Integer()),
    sa.column("parent_id", sa.Integer()),
    sa.column("name", sa.String(100)),
    sa.column("slug", sa.String(200)),
    sa.column("description", sa.Text()),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
products = sa.table("products", sa.column("category_id", sa.Integer()))


def upgrade() -> None:
    now = datetime.now(UTC)
    if op.get_context().dialect.name == "sqlite":
        # SQLite keeps timestamps as naive UTC text, as the application's column type does.
        now = now.replace(tzinfo=None)
    op.bulk_insert(
        categories,
        [
            {"name": name, "slug": slug, "description": description, "created_at": now}
            for name, slug, description in DEFAULT_CATEGORIES
        ],
    )


def downgrade() -> None:
    slugs = [slug for _, slug, _ in DEFAULT_CATEGORIES]
    seeded = sa.select(categories.c.id).where(categories.c.slug.in_(slugs)).scalar_subquery()
    # What ON DELETE SET NULL would do, said explicitly: migrations on SQLite run without
    # foreign-key enforcement, and nothing may be left pointing at a removed category.
    op.execute(products.update().where(products.c.category_id.in_(seeded)).values(category_id=None))
    op.execute(categories.update().where(categories.c.parent_id.in_(seeded)).values(parent_id=None))
    op.execute(categories.delete().where(categories.c.slug.in_(slugs)))
