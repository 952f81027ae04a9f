"""The in-memory post and tag repositories, and the records they store.

As in the schema: a post's slug is unique among the posts not in the trash (the partial
unique index), so a post in the trash holds no slug and restoring it into a slug taken
meanwhile is a `DuplicateValue`; a tag's case-folded name and its slug are unique. A post is
one record with its taggings, which take ids of their own and refer to tags (RESTRICT). A
post's author is a user (RESTRICT: users are deactivated, not deleted).

Soft delete is applied in one place, `_live`: every method but `get_in_trash` goes through it.
"""

from __future__ import annotations

from collections.abc import Sequence

from adapters.memory.kinds import OnDelete, Part, RecordKind, Reference, UniqueRule
from adapters.memory.repository import InMemoryRepository
from domain.content.post import Post, PostStatus
from domain.content.repository import PostRepository, TagRepository
from domain.content.tag import Tag
from domain.identity.user import User

__all__ = ["InMemoryPostRepository", "InMemoryTagRepository"]

_TAGGINGS: Part[Post] = Part("post_tag", lambda p: p.taggings)


def _live(post: Post | None) -> Post | None:
    """The post unless it is in the trash: the one place this adapter hides deleted posts."""
    return None if post is None or post.deleted_at is not None else post


class InMemoryPostRepository(InMemoryRepository, PostRepository):
    kind = RecordKind(
        Post,
        "post",
        # UNIQUE (slug) WHERE deleted_at IS NULL: a post in the trash holds no slug.
        unique=(UniqueRule("slug", lambda p: None if p.deleted_at is not None else p.slug),),
        references=(
            Reference("author_id", User, OnDelete.RESTRICT),
            Reference("tag_id", Tag, OnDelete.RESTRICT, within=_TAGGINGS, named="posts"),
        ),
        parts=(_TAGGINGS,),
    )

    async def add(self, post: Post) -> None:
        self._tx.add(post)

    async def get(self, post_id: int) -> Post | None:
        return _live(self._tx.rows(Post).get(post_id))

    async def get_in_trash(self, post_id: int) -> Post | None:
        post = self._tx.rows(Post).get(post_id)
        return post if post is not None and post.deleted_at is not None else None

    async def count_view(self, post_id: int) -> int | None:
        # The writer lock makes this read and write one step, as the SQL UPDATE is.
        post = await self.get(post_id)
        if post is None or post.status is not PostStatus.PUBLISHED:
            return None
        post.view_count += 1
        return post.view_count


class InMemoryTagRepository(InMemoryRepository, TagRepository):
    kind = RecordKind(
        Tag,
        "tag",
        unique=(
            UniqueRule("name_key", lambda t: t.name_key, shown=lambda t: t.name),
            UniqueRule("slug", lambda t: t.slug),
        ),
    )

    async def add(self, tag: Tag) -> None:
        self._tx.add(tag)

    async def with_keys(self, name_keys: Sequence[str]) -> list[Tag]:
        wanted = set(name_keys)
        return self._tx.rows(Tag).load_where(lambda t: t.name_key in wanted)
