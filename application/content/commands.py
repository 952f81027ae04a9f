"""What the content use cases are asked to do."""

from __future__ import annotations

from dataclasses import dataclass

from domain.content.post import PostStatus
from domain.shared.patch import UNSET, Maybe

__all__ = ["ChangePostStatus", "CreatePost", "DeletePost", "RestorePost", "UpdatePost"]


@dataclass(frozen=True)
class CreatePost:
    """A draft by the caller; `tags` are names, each tag created when new."""

    title: str
    content: str
    slug: str | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class UpdatePost:
    """An optimistic update: `version` is the one the client read, compared and never set.
    `tags`, when given, replace the post's tags."""

    post_id: int
    version: int
    title: Maybe[str] = UNSET
    slug: Maybe[str] = UNSET
    content: Maybe[str] = UNSET
    tags: Maybe[tuple[str, ...]] = UNSET


@dataclass(frozen=True)
class ChangePostStatus:
    post_id: int
    status: PostStatus


@dataclass(frozen=True)
class DeletePost:
    post_id: int


@dataclass(frozen=True)
class RestorePost:
    post_id: int
