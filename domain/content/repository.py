"""The ports through which the content context's posts and tags are stored and found.

Soft delete is the adapters' business: a deleted post is in the trash, and every method below
but `get_in_trash` acts as if it were not there."""

from __future__ import annotations

import abc
from collections.abc import Sequence

from domain.content.post import Post
from domain.content.tag import Tag

__all__ = ["PostRepository", "TagRepository"]


class PostRepository(abc.ABC):
    @abc.abstractmethod
    async def add(self, post: Post) -> None:
        """Store and give an id; a slug another live post has is DuplicateValue."""

    @abc.abstractmethod
    async def get(self, post_id: int) -> Post | None:
        """The post, unless it is not there or in the trash."""

    @abc.abstractmethod
    async def get_in_trash(self, post_id: int) -> Post | None:
        """The post if it is in the trash (soft-deleted), else None."""

    @abc.abstractmethod
    async def count_view(self, post_id: int) -> int | None:
        """Add one view to a published post that is not in the trash, as one atomic
        increment in the storage (concurrent views are never lost), and give the new count;
        None if there is no such post. The post's version does not move: a view is no edit."""


class TagRepository(abc.ABC):
    @abc.abstractmethod
    async def add(self, tag: Tag) -> None:
        """Store and give an id; a taken name (in any letter case) or slug is DuplicateValue."""

    @abc.abstractmethod
    async def with_keys(self, name_keys: Sequence[str]) -> list[Tag]:
        """The tags whose `name_key` is among `name_keys`, in no particular order."""
