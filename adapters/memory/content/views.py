"""The content read models built from stored posts and tags: frozen copies, so nothing of the
store leaks out."""

from __future__ import annotations

from collections.abc import Mapping

from adapters.memory.tracking import key_of
from application.content.read_models import PostTag, PostView, TagView
from domain.content.post import Post
from domain.content.tag import Tag
from domain.identity.user import User

__all__ = ["post_tags", "post_view", "tag_view"]


def post_tags(post: Post, tags: Mapping[int, Tag]) -> tuple[PostTag, ...]:
    """A post's tags as its view shows them: sorted by name, then slug."""
    shown = (PostTag(tags[tag_id].name, tags[tag_id].slug) for tag_id in post.tag_ids)
    return tuple(sorted(shown, key=lambda tag: (tag.name, tag.slug)))


def post_view(post: Post, author: User, tags: Mapping[int, Tag]) -> PostView:
    return PostView(
        id=key_of(post),
        title=post.title,
        slug=post.slug,
        content=post.content,
        status=post.status,
        view_count=post.view_count,
        author_id=post.author_id,
        author_username=author.username,
        published_at=post.published_at,
        tags=post_tags(post, tags),
        version=post.version,
        created_at=post.created_at,
        updated_at=post.updated_at,
        deleted_at=post.deleted_at,
    )


def tag_view(tag: Tag, post_count: int) -> TagView:
    return TagView(
        id=key_of(tag),
        name=tag.name,
        slug=tag.slug,
        post_count=post_count,
        created_at=tag.created_at,
    )
