"""The content context's tables: posts, tags, and post_tags between them (many-to-many).

A post's slug is unique among the posts of its store that are not in the trash: a partial
unique index (`WHERE deleted_at IS NULL`, on PostgreSQL and SQLite alike), so a slug left by a
deleted post can be taken, and restoring the deleted post then is a duplicate. A tag is
unique by its case-folded name (`name_key`) and by its slug. Deleting a post (for good: the
app only soft-deletes) takes its post_tags rows with it; a tag that posts carry cannot be
deleted.

On PostgreSQL, search over titles and contents (`ILIKE '%term%'`) uses trigram GIN indexes.
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
    Text,
    UniqueConstraint,
    text,
)

from adapters.sqlalchemy.column_types import StrEnumType, UtcDateTime
from adapters.sqlalchemy.schema import (
    ENTITY,
    FIELD,
    POSTGRESQL_ONLY,
    enum_check,
    metadata,
    store_column,
)
from domain.content.post import MAX_TITLE, PostStatus
from domain.content.tag import MAX_TAG_NAME
from domain.shared.text import Slug

__all__ = ["post_tags", "posts", "tags"]

_STATUSES = tuple(status.value for status in PostStatus)

posts = Table(
    "posts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("title", String(MAX_TITLE), nullable=False),
    Column("slug", String(Slug.MAX_LENGTH), nullable=False),
    Column("content", Text, nullable=False),
    Column("status", StrEnumType(PostStatus, 16), nullable=False),
    Column("view_count", Integer, nullable=False),
    Column("author_id", Integer, ForeignKey("users.id", ondelete="RESTRICT"), nullable=False),
    Column("published_at", UtcDateTime, nullable=True),
    Column("version", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("deleted_at", UtcDateTime, nullable=True),
    store_column(),
    CheckConstraint("view_count >= 0", name="view_count_not_negative", info={FIELD: "view_count"}),
    CheckConstraint("version >= 1", name="version_positive", info={FIELD: "version"}),
    CheckConstraint(enum_check("status", _STATUSES), name="status_known", info={FIELD: "status"}),
    Index(None, "author_id"),
    Index(None, "status", "published_at"),
    # UNIQUE (store_id, slug) among the posts not in the trash.
    Index(
        "ix_posts_store_id_slug",
        "store_id",
        "slug",
        unique=True,
        sqlite_where=text("deleted_at IS NULL"),
        postgresql_where=text("deleted_at IS NULL"),
        info={FIELD: "slug"},
    ),
    sqlite_autoincrement=True,
    info={ENTITY: "post"},
)

tags = Table(
    "tags",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(MAX_TAG_NAME), nullable=False),
    # The name as tags are compared: case-folded, which may lengthen it ("ß" -> "ss").
    Column("name_key", String(4 * MAX_TAG_NAME), nullable=False, insert_sentinel=True),
    Column("slug", String(Slug.MAX_LENGTH), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    store_column(),
    UniqueConstraint("store_id", "name_key", info={FIELD: "name_key"}),
    UniqueConstraint("store_id", "slug", info={FIELD: "slug"}),
    sqlite_autoincrement=True,
    info={ENTITY: "tag"},
)

post_tags = Table(
    "post_tags",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "post_id",
        Integer,
        ForeignKey("posts.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column(
        "tag_id",
        Integer,
        ForeignKey("tags.id", ondelete="RESTRICT"),
        nullable=False,
        index=True,
        insert_sentinel=True,
    ),
    store_column(),
    # A post is in one store already; a tag once per post (the domain keeps tags distinct).
    UniqueConstraint("post_id", "tag_id", info={FIELD: "tag_id"}),
    sqlite_autoincrement=True,
    info={ENTITY: "post tag"},
)

# Search over titles and contents (`ILIKE '%term%'`) uses these on PostgreSQL.
Index(
    "ix_posts_title_trgm",
    posts.c.title,
    postgresql_using="gin",
    postgresql_ops={"title": "gin_trgm_ops"},
    info={POSTGRESQL_ONLY: True},
).ddl_if(dialect="postgresql")
Index(
    "ix_posts_content_trgm",
    posts.c.content,
    postgresql_using="gin",
    postgresql_ops={"content": "gin_trgm_ops"},
    info={POSTGRESQL_ONLY: True},
).ddl_if(dialect="postgresql")
