"""Content: posts, tags, and post_tags between them (many-to-many)

Posts are soft-deleted: `deleted_at` is set and the row stays, with its tags. A post's slug is
unique among the posts of its store not in the trash: a partial unique index (`WHERE
deleted_at IS NULL`) on both engines, so that a new post may take the slug of a deleted one,
and restoring the deleted one is then refused as a duplicate. A tag is unique per store by its
case-folded name (`name_key`) and by its slug. `view_count` is incremented in place by the
database, never written from a read value.

Every table belongs to a store (`store_id`, ON DELETE RESTRICT); on PostgreSQL each gets the
`store_isolation` row-level security policy the stores revision gave the others, and the
posts get trigram indexes on their title and content for search (`ILIKE '%term%'`).

Revision ID: fd82600c0214
Revises: 6b56c4e8b256
Create Date: 2026-12-03 13:23:11
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "fd82600c0214"
down_revision: str | Sequence[str] | None = "6b56c4e8b256"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# SQLite: never hand out the id of a deleted row again, as PostgreSQL's sequences never do.
TABLE_OPTIONS = {"sqlite_autoincrement": True}
TABLES = ("tags", "posts", "post_tags")
POLICY = "store_isolation"
# The store the transaction named; NULL when it named none (see the stores revision).
CURRENT_STORE = "NULLIF(current_setting('storefront.store_id', true), '')::int"


def _is_postgresql() -> bool:
    return op.get_context().dialect.name == "postgresql"


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), autoincrement=True, nullable=False)


def _timestamp(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _store(table: str) -> tuple[sa.Column[int], sa.ForeignKeyConstraint]:
    return (
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["store_id"],
            ["stores.id"],
            name=op.f(f"fk_{table}_store_id_stores"),
            ondelete="RESTRICT",
        ),
    )


def upgrade() -> None:
    op.create_table(
        "tags",
        _id(),
        sa.Column("name", sa.String(50), nullable=False),
        sa.Column("name_key", sa.String(200), nullable=False),
        sa.Column("slug", sa.String(200), nullable=False),
        _timestamp("created_at"),
        *_store("tags"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tags")),
        sa.UniqueConstraint("store_id", "name_key", name=op.f("uq_tags_store_id_name_key")),
        sa.UniqueConstraint("store_id", "slug", name=op.f("uq_tags_store_id_slug")),
        **TABLE_OPTIONS,
    )
    op.create_table(
        "posts",
        _id(),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("slug", sa.String(200), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("view_count", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        _timestamp("published_at", nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        _timestamp("created_at"),
        _timestamp("updated_at"),
        _timestamp("deleted_at", nullable=True),
        *_store("posts"),
        sa.CheckConstraint("view_count >= 0", name=op.f("ck_posts_view_count_not_negative")),
        sa.CheckConstraint("version >= 1", name=op.f("ck_posts_version_positive")),
        sa.CheckConstraint(
            "status IN ('draft', 'published', 'archived')", name=op.f("ck_posts_status_known")
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_posts_author_id_users"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_posts")),
        **TABLE_OPTIONS,
    )
    op.create_index(op.f("ix_posts_author_id"), "posts", ["author_id"])
    op.create_index(op.f("ix_posts_status_published_at"), "posts", ["status", "published_at"])
    op.create_index(
        op.f("ix_posts_store_id_slug"),
        "posts",
        ["store_id", "slug"],
        unique=True,
        sqlite_where=sa.text("deleted_at IS NULL"),
        postgresql_where=sa.text("deleted_at IS NULL"),
    )
    op.create_table(
        "post_tags",
        _id(),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        *_store("post_tags"),
        sa.ForeignKeyConstraint(
            ["post_id"], ["posts.id"], name=op.f("fk_post_tags_post_id_posts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["tag_id"], ["tags.id"], name=op.f("fk_post_tags_tag_id_tags"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_post_tags")),
        sa.UniqueConstraint("post_id", "tag_id", name=op.f("uq_post_tags_post_id_tag_id")),
        **TABLE_OPTIONS,
    )
    op.create_index(op.f("ix_post_tags_tag_id"), "post_tags", ["tag_id"])

    if _is_postgresql():
        # pg_trgm is there since the initial schema.
        for column in ("title", "content"):
            op.create_index(
                op.f(f"ix_posts_{column}_trgm"),
                "posts",
                [column],
                postgresql_using="gin",
                postgresql_ops={column: "gin_trgm_ops"},
            )
        for table in TABLES:
            op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
            op.execute(
                f"CREATE POLICY {POLICY} ON {table} FOR ALL "
                f"USING (store_id = {CURRENT_STORE}) WITH CHECK (store_id = {CURRENT_STORE})"
            )


def downgrade() -> None:
    # Dropping a table drops its indexes and its policy with it.
    op.drop_table("post_tags")
    op.drop_table("posts")
    op.drop_table("tags")
