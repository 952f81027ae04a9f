"""`PostRepository` and `TagRepository` over the unit of work's session.

Soft delete is applied in one place: `_LIVE`, the criterion every statement of the post
repository but `get_in_trash` carries. Loading a post loads its taggings with it
(`selectinload`), since the relationship never loads lazily. A view is one Core UPDATE
(`view_count = view_count + 1`), atomic in the database under any number of concurrent
readers, that leaves the version alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, bindparam, inspect, select, update
from sqlalchemy.orm import selectinload

from adapters.sqlalchemy.content.tables import posts, tags
from adapters.sqlalchemy.errors import storage_errors
from adapters.sqlalchemy.repository import SqlAlchemyRepository
from adapters.sqlalchemy.tenancy import keeps_to_store, session_store
from domain.content.post import Post, PostStatus
from domain.content.repository import PostRepository, TagRepository
from domain.content.tag import Tag

__all__ = ["SqlAlchemyPostRepository", "SqlAlchemyTagRepository"]

_LIVE: ColumnElement[bool] = posts.c.deleted_at.is_(None)
"""A post not in the trash: the one place this repository tells them apart."""
_IN_TRASH: ColumnElement[bool] = posts.c.deleted_at.is_not(None)

_COUNT_VIEW = keeps_to_store(
    update(posts)
    .where(
        posts.c.id == bindparam("post_id"),
        # Not named "store_id": an UPDATE keeps its columns' names for the SET clause.
        posts.c.store_id == bindparam("in_store"),
        posts.c.status == PostStatus.PUBLISHED.value,
        _LIVE,
    )
    .values(view_count=posts.c.view_count + 1)
    .returning(posts.c.view_count)
)


def _taggings() -> Any:
    return inspect(Post).relationships["taggings"].class_attribute


class SqlAlchemyPostRepository(SqlAlchemyRepository, PostRepository):
    async def add(self, post: Post) -> None:
        await self._add(post)

    async def get(self, post_id: int) -> Post | None:
        return await self._one(post_id, _LIVE)

    async def get_in_trash(self, post_id: int) -> Post | None:
        return await self._one(post_id, _IN_TRASH)

    async def _one(self, post_id: int, state: ColumnElement[bool]) -> Post | None:
        statement = (
            select(Post)
            .where(posts.c.id == post_id, state)
            .options(selectinload(_taggings()))
            .execution_options(populate_existing=True)
        )
        async with storage_errors():
            result = await self._session.execute(statement)
            return result.scalars().first()

    async def count_view(self, post_id: int) -> int | None:
        session = self._session
        async with storage_errors():
            result = await session.execute(
                _COUNT_VIEW, {"post_id": post_id, "in_store": session_store(session)}
            )
            views = result.scalar()
        return None if views is None else int(views)


class SqlAlchemyTagRepository(SqlAlchemyRepository, TagRepository):
    async def add(self, tag: Tag) -> None:
        await self._add(tag)

    async def with_keys(self, name_keys: Sequence[str]) -> list[Tag]:
        if not name_keys:
            return []
        statement = select(Tag).where(tags.c.name_key.in_(sorted(set(name_keys))))
        async with storage_errors():
            result = await self._session.execute(statement)
            return list(result.scalars())
