"""Posts and tags on the wire. `version` is read by clients and sent back on an edit, where it
is compared (optimistic locking), never assigned; `view_count`, `status`, `published_at`,
`author_id` and `deleted_at` are the server's: a request cannot name them.

    PostCreate                       POST /posts/
    PostUpdate: `version` required   PATCH /posts/{id}
    PostPublic                       every read of a post
    TagPublic                        GET /tags/
    UserPostsPublic                  GET /users/{id}/posts
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import MISSING, Field, Strict

from domain.content.post import MAX_CONTENT, MAX_TITLE, PostStatus
from domain.content.tag import MAX_TAG_NAME, MAX_TAGS
from entrypoints.http.schemas.categories import Slug
from entrypoints.http.schemas.fields import (
    NON_BLANK_PATTERN,
    REQUIRED_SINGLE_LINE,
    Matches,
    PublicModel,
    RequestModel,
    UtcDatetime,
    Version,
)
from entrypoints.http.schemas.pages import PagePublic

__all__ = [
    "AuthorPublic",
    "PostCreate",
    "PostPublic",
    "PostUpdate",
    "TagPublic",
    "UserPostsPublic",
]

Title = Annotated[str, Strict(), Field(min_length=1, max_length=MAX_TITLE), REQUIRED_SINGLE_LINE]
Content = Annotated[
    str,
    Strict(),
    Field(min_length=1, max_length=MAX_CONTENT, description="Text of several lines."),
    Matches(NON_BLANK_PATTERN, "must not be blank, nor hold control characters"),
]
TagName = Annotated[
    str, Strict(), Field(min_length=1, max_length=MAX_TAG_NAME), REQUIRED_SINGLE_LINE
]
TagNames = Annotated[
    list[TagName],
    Field(
        max_length=MAX_TAGS,
        description=f"Tag names (at most {MAX_TAGS}); a tag is made when new, and names "
        "differing only in letter case are one tag.",
        examples=[["python", "async"]],
    ),
]


class PostCreate(RequestModel):
    title: Title
    content: Content
    slug: Slug | None = None
    tags: TagNames = []

    def command_fields(self) -> dict[str, Any]:
        return {**self.model_dump(), "tags": tuple(self.tags)}


class PostUpdate(RequestModel):
    version: Version = Field(description="The version the client read; a stale one is a 409.")
    title: Title | MISSING = MISSING
    slug: Slug | MISSING = MISSING
    content: Content | MISSING = MISSING
    tags: TagNames | MISSING = MISSING

    def changes(self) -> dict[str, Any]:
        changed = {name: getattr(self, name) for name in self.model_fields_set - {"version"}}
        if "tags" in changed:
            changed["tags"] = tuple(changed["tags"])
        return changed


class PostTagPublic(PublicModel):
    name: str
    slug: str


class PostPublic(PublicModel):
    id: int
    title: str
    slug: str
    content: str
    status: PostStatus
    view_count: int
    author_id: int
    author_username: str
    published_at: UtcDatetime | None
    tags: list[PostTagPublic]
    version: int
    created_at: UtcDatetime
    updated_at: UtcDatetime
    deleted_at: UtcDatetime | None


class TagPublic(PublicModel):
    id: int
    name: str
    slug: str
    post_count: int = Field(description="Published posts with this tag, not in the trash.")
    created_at: UtcDatetime


class AuthorPublic(PublicModel):
    """What anyone may see of a user who writes: no email, no account state."""

    id: int
    username: str
    full_name: str | None
    bio: str | None
    created_at: UtcDatetime


class UserPostsPublic(PublicModel):
    user: AuthorPublic
    posts: PagePublic[PostPublic]
