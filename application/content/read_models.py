"""What the content read side returns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from application.identity.read_models import UserView
from application.shared.listing import Page
from domain.content.post import PostStatus

__all__ = ["PostTag", "PostView", "TagView", "UserWithPosts"]


@dataclass(frozen=True, slots=True)
class PostTag:
    """A tag as a post shows it."""

    name: str
    slug: str


@dataclass(frozen=True, slots=True)
class PostView:
    """A post with its author's username and its tags (sorted by name, then slug)."""

    id: int
    title: str
    slug: str
    content: str
    status: PostStatus
    view_count: int
    author_id: int
    author_username: str
    published_at: datetime | None
    tags: tuple[PostTag, ...]
    version: int
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None


@dataclass(frozen=True, slots=True)
class TagView:
    """A tag and how many published posts, not in the trash, it has."""

    id: int
    name: str
    slug: str
    post_count: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class UserWithPosts:
    user: UserView
    posts: Page[PostView]
