"""The content read side in SQL.

Soft delete is applied in one place: `posts`, the store's posts not in the trash under the
table's name, is what every read selects posts from (a post, a list, a tag's posts, a user's
posts, the tags' post counts); the trash alone reads `trashed`. A read that forgot it would
have to name the table itself, which the read side never does (it reads `scoped` views).

A page of posts costs two statements whatever its size and however many tags its posts have:
the page with each post's author's username (a join), then the tags of every post on it
(one IN list).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import FromClause, Subquery, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sqlalchemy.content import tables as content_tables
from adapters.sqlalchemy.identity import tables as identity_tables
from adapters.sqlalchemy.list_queries import ListCompiler, fetch_page
from adapters.sqlalchemy.read_side import AnyRow, ReadSide
from adapters.sqlalchemy.schema import STORE_ID
from adapters.sqlalchemy.tenancy import scoped
from application.content.queries import POST_LIST, TAG_LIST, TRASH_LIST, PostQueries, TagQueries
from application.content.read_models import PostTag, PostView, TagView
from application.shared.listing import ListQuery, Page
from domain.content.post import PostStatus

__all__ = ["SqlAlchemyPostQueries", "SqlAlchemyTagQueries"]


def _posts(*, in_trash: bool) -> Subquery:
    """The store's posts out of the trash (or in it), under the table's name."""
    table = content_tables.posts
    state = table.c.deleted_at.is_not(None) if in_trash else table.c.deleted_at.is_(None)
    return select(table).where(table.c[STORE_ID] == bindparam(STORE_ID), state).subquery(table.name)


# The store's rows only (adapters/sqlalchemy/tenancy.py); posts, also only those not in the
# trash: every read below selects from these.
posts = _posts(in_trash=False)
trashed = _posts(in_trash=True)
tags = scoped(content_tables.tags)
post_tags = scoped(content_tables.post_tags)
users = scoped(identity_tables.users)


def _post_columns(source: Subquery) -> tuple[Any, ...]:
    return (
        source.c.id,
        source.c.title,
        source.c.slug,
        source.c.content,
        source.c.status,
        source.c.view_count,
        source.c.author_id,
        users.c.username.label("author_username"),
        source.c.published_at,
        source.c.version,
        source.c.created_at,
        source.c.updated_at,
        source.c.deleted_at,
    )


def _with_author(source: Subquery) -> FromClause:
    return source.join(users, users.c.id == source.c.author_id)


_POST_COLUMNS = _post_columns(posts)
_TRASH_COLUMNS = _post_columns(trashed)
_POST_MAP = {name: posts.c[name] for name in POST_LIST.fields}
_POST_SEARCH = (posts.c.title, posts.c.content)
_POST_LIST = ListCompiler(POST_LIST, _with_author(posts), _POST_MAP, search_columns=_POST_SEARCH)
# A tag's posts: one row per post, since a post carries a tag once; `tag` is the tag's slug.
_TAGGED_POST_LIST = ListCompiler(
    POST_LIST,
    _with_author(posts)
    .join(post_tags, post_tags.c.post_id == posts.c.id)
    .join(tags, tags.c.id == post_tags.c.tag_id),
    {**_POST_MAP, "tag": tags.c.slug},
    search_columns=_POST_SEARCH,
)
_TRASH_LIST = ListCompiler(
    TRASH_LIST,
    _with_author(trashed),
    {name: trashed.c[name] for name in TRASH_LIST.fields},
    search_columns=(trashed.c.title, trashed.c.content),
)
_TAGS_OF_POSTS = (
    select(post_tags.c.post_id, tags.c.name, tags.c.slug)
    .select_from(post_tags.join(tags, tags.c.id == post_tags.c.tag_id))
    .where(post_tags.c.post_id.in_(bindparam("post_ids", expanding=True)))
    .order_by(post_tags.c.post_id, tags.c.name, tags.c.slug)
)

# Published posts not in the trash, per tag.
_TAG_COUNTS = (
    select(post_tags.c.tag_id, func.count().label("post_count"))
    .select_from(post_tags.join(posts, posts.c.id == post_tags.c.post_id))
    .where(posts.c.status == PostStatus.PUBLISHED.value)
    .group_by(post_tags.c.tag_id)
    .subquery("tag_counts")
)
_TAG_COLUMNS = (
    tags.c.id,
    tags.c.name,
    tags.c.slug,
    func.coalesce(_TAG_COUNTS.c.post_count, 0).label("post_count"),
    tags.c.created_at,
)
_TAG_LIST = ListCompiler(
    TAG_LIST,
    tags.outerjoin(_TAG_COUNTS, _TAG_COUNTS.c.tag_id == tags.c.id),
    {name: tags.c[name] for name in TAG_LIST.fields},
)


async def _views(connection: AsyncConnection, rows: Sequence[AnyRow]) -> list[PostView]:
    """The posts of `rows`, each with its tags: one statement for every post's tags."""
    if not rows:
        return []
    found: dict[int, list[PostTag]] = {row.id: [] for row in rows}
    for post_id, name, slug in await connection.execute(_TAGS_OF_POSTS, {"post_ids": list(found)}):
        found[post_id].append(PostTag(name, slug))
    return [_view(row, tuple(found[row.id])) for row in rows]


def _view(row: AnyRow, post_tags: tuple[PostTag, ...]) -> PostView:
    return PostView(
        id=row.id,
        title=row.title,
        slug=row.slug,
        content=row.content,
        status=PostStatus(row.status),
        view_count=row.view_count,
        author_id=row.author_id,
        author_username=row.author_username,
        published_at=row.published_at,
        tags=post_tags,
        version=row.version,
        created_at=row.created_at,
        updated_at=row.updated_at,
        deleted_at=row.deleted_at,
    )


def _tag(row: AnyRow) -> TagView:
    return TagView(
        id=row.id,
        name=row.name,
        slug=row.slug,
        post_count=int(row.post_count),
        created_at=row.created_at,
    )


class SqlAlchemyPostQueries(ReadSide, PostQueries):
    async def _one(self, column: str, value: object) -> PostView | None:
        statement = (
            select(*_POST_COLUMNS).select_from(_with_author(posts)).where(posts.c[column] == value)
        )
        async with self._connection() as connection:
            row = (await connection.execute(statement)).first()
            views = await _views(connection, [] if row is None else [row])
        return views[0] if views else None

    async def get(self, post_id: int) -> PostView | None:
        return await self._one("id", post_id)

    async def get_by_slug(self, slug: str) -> PostView | None:
        return await self._one("slug", slug)

    async def list(self, query: ListQuery, *, tag: str | None = None) -> Page[PostView]:
        compiler = _POST_LIST
        if tag is not None:
            compiler, query = _TAGGED_POST_LIST, query.narrowed("tag", tag)
        return await self._page(compiler, _POST_COLUMNS, query)

    async def trash(self, query: ListQuery) -> Page[PostView]:
        return await self._page(_TRASH_LIST, _TRASH_COLUMNS, query)

    async def _page(
        self, compiler: ListCompiler, columns: Sequence[Any], query: ListQuery
    ) -> Page[PostView]:
        async with self._connection() as connection:
            rows, total = await fetch_page(connection, compiler, columns, query)
            items = await _views(connection, rows)
        return Page(items, total, query.page.page, query.page.page_size)


class SqlAlchemyTagQueries(ReadSide, TagQueries):
    async def get_by_slug(self, slug: str) -> TagView | None:
        statement = select(*_TAG_COLUMNS).select_from(_TAG_LIST.source).where(tags.c.slug == slug)
        async with self._connection() as connection:
            row = (await connection.execute(statement)).first()
        return None if row is None else _tag(row)

    async def list(self, query: ListQuery) -> Page[TagView]:
        async with self._connection() as connection:
            rows, total = await fetch_page(connection, _TAG_LIST, _TAG_COLUMNS, query)
        return Page([_tag(row) for row in rows], total, query.page.page, query.page.page_size)
