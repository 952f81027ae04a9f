"""A post: written as a draft, published, archived; soft-deleted into the trash and restored.

    draft ──► published ──► archived
      ▲  └─────────────────────┘ │
      └──────────────────────────┘

`published_at` is set the first time a post is published and kept after. Every change of a
post's own state bumps `version` (optimistic locking: an edit carries the version it read);
a view does not: `view_count` is counted by the storage, one atomic increment per view.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from domain.content.tag import MAX_TAGS
from domain.shared.errors import InvalidTransition, InvalidValue, StaleVersion
from domain.shared.patch import UNSET, Maybe, Unset
from domain.shared.text import Slug, clean_text

__all__ = [
    "ALLOWED_TRANSITIONS",
    "MAX_CONTENT",
    "MAX_TITLE",
    "Post",
    "PostStatus",
    "Tagging",
]

MAX_TITLE = 200
MAX_CONTENT = 100_000


class PostStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


ALLOWED_TRANSITIONS: dict[PostStatus, frozenset[PostStatus]] = {
    PostStatus.DRAFT: frozenset({PostStatus.PUBLISHED, PostStatus.ARCHIVED}),
    PostStatus.PUBLISHED: frozenset({PostStatus.ARCHIVED}),
    PostStatus.ARCHIVED: frozenset({PostStatus.DRAFT}),
}


def _title(value: str) -> str:
    return clean_text(value, "title", max_length=MAX_TITLE, multiline=False)


def _content(value: str) -> str:
    return clean_text(value, "content", max_length=MAX_CONTENT, multiline=True)


def _tag_ids(ids: Iterable[int]) -> list[int]:
    distinct = list(dict.fromkeys(ids))
    if len(distinct) > MAX_TAGS:
        raise InvalidValue("tags", f"a post has at most {MAX_TAGS} tags")
    return distinct


@dataclass(eq=False)
class Tagging:
    """One tag of a post: the row of the many-to-many between posts and tags."""

    tag_id: int
    id: int | None = field(default=None)


@dataclass(eq=False)
class Post:
    title: str
    slug: str
    content: str
    author_id: int
    created_at: datetime
    updated_at: datetime
    status: PostStatus = PostStatus.DRAFT
    view_count: int = 0
    published_at: datetime | None = None
    deleted_at: datetime | None = None
    taggings: list[Tagging] = field(default_factory=list)
    version: int = 1
    id: int | None = field(default=None)

    @classmethod
    def create(
        cls,
        *,
        title: str,
        content: str,
        author_id: int,
        now: datetime,
        slug: str | None = None,
        tag_ids: Sequence[int] = (),
    ) -> Post:
        """A draft by `author_id`; the slug is derived from the title unless given."""
        title = _title(title)
        return cls(
            title=title,
            slug=Slug.given_or_derived(slug, title).value,
            content=_content(content),
            author_id=author_id,
            taggings=[Tagging(tag_id) for tag_id in _tag_ids(tag_ids)],
            created_at=now,
            updated_at=now,
        )

    @property
    def tag_ids(self) -> list[int]:
        return [tagging.tag_id for tagging in self.taggings]

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    # -- optimistic locking ---------------------------------------------------------------
    def check_version(self, expected: int) -> None:
        if expected != self.version:
            raise StaleVersion("post", self.id, expected, self.version)

    def _touch(self, now: datetime) -> None:
        self.version += 1
        self.updated_at = now

    # -- writing --------------------------------------------------------------------------
    def revise(
        self,
        now: datetime,
        *,
        title: Maybe[str] = UNSET,
        slug: Maybe[str] = UNSET,
        content: Maybe[str] = UNSET,
        tag_ids: Maybe[Sequence[int]] = UNSET,
    ) -> None:
        """Change the given fields as one edit; fields left UNSET keep their value.

        Every value is checked before any is set; the version moves by one however many
        fields change, and not at all when nothing does. The slug stays when the title
        changes (links to the post keep working) unless a new one is given."""
        changes: dict[str, object] = {}
        if not isinstance(title, Unset):
            changes["title"] = _title(title)
        if not isinstance(slug, Unset):
            changes["slug"] = Slug.parse(slug).value
        if not isinstance(content, Unset):
            changes["content"] = _content(content)
        new_tags = None if isinstance(tag_ids, Unset) else _tag_ids(tag_ids)
        changed = {key: value for key, value in changes.items() if getattr(self, key) != value}
        retag = new_tags is not None and new_tags != self.tag_ids
        if not changed and not retag:
            return
        for key, value in changed.items():
            setattr(self, key, value)
        if new_tags is not None and retag:
            self._retag(new_tags)
        self._touch(now)

    def _retag(self, tag_ids: list[int]) -> None:
        """Keep the taggings of the tags that stay, drop the others, add the new ones."""
        kept = {tagging.tag_id: tagging for tagging in self.taggings}
        self.taggings = [kept.get(tag_id) or Tagging(tag_id) for tag_id in tag_ids]

    # -- the status machine ---------------------------------------------------------------
    def transition_to(self, target: PostStatus, now: datetime) -> None:
        """Move along the status machine; the first publication stamps `published_at`."""
        if target not in ALLOWED_TRANSITIONS[self.status]:
            raise InvalidTransition("post", self.status.value, target.value)
        self.status = target
        if target is PostStatus.PUBLISHED and self.published_at is None:
            self.published_at = now
        self._touch(now)

    # -- the trash ------------------------------------------------------------------------
    def delete(self, now: datetime) -> None:
        """Into the trash: hidden from every read but the trash, tags kept."""
        if self.deleted_at is not None:
            raise InvalidTransition("post", "deleted", "deleted")
        self.deleted_at = now
        self._touch(now)

    def restore(self, now: datetime) -> None:
        """Out of the trash, as it was; its slug must still be free (the storage checks)."""
        if self.deleted_at is None:
            raise InvalidTransition("post", "live", "restored")
        self.deleted_at = None
        self._touch(now)
