"""Posts and tags as a caller may see them.

Anyone reads published posts and tags. A draft or an archived post is its author's (and the
admins'): to anyone else it is `NotFound`, by id and by slug. Lists show published posts
only, except to an admin, who sees every status, and to a customer who asks for their own
posts (`author_id=<their id>`), who sees all of theirs. The trash shows a customer their own
deleted posts, an admin everyone's. A post in the trash is in no other read (the query ports
see to it).
"""

from __future__ import annotations

from dataclasses import dataclass

from application.content.queries import PostQueries, TagQueries
from application.content.read_models import PostView, TagView, UserWithPosts
from application.identity.queries import UserQueries
from application.shared.access import Principal
from application.shared.listing import ListQuery, Op, Page
from domain.content.post import PostStatus
from domain.shared.errors import NotFound

__all__ = ["PostReads"]


@dataclass(frozen=True)
class PostReads:
    posts: PostQueries
    tags: TagQueries
    users: UserQueries

    async def get(self, actor: Principal, post_id: int) -> PostView:
        post = await self.posts.get(post_id)
        if post is None or not _readable(actor, post):
            raise NotFound("post", post_id)
        return post

    async def list(
        self, actor: Principal, query: ListQuery, *, tag: str | None = None
    ) -> Page[PostView]:
        return await self.posts.list(_visible(actor, query), tag=tag)

    async def trash(self, actor: Principal, query: ListQuery) -> Page[PostView]:
        if not actor.is_admin:
            query = query.narrowed("author_id", actor.acting_user())
        return await self.posts.trash(query)

    async def list_tags(self, query: ListQuery) -> Page[TagView]:
        return await self.tags.list(query)

    async def of_tag(self, slug: str, query: ListQuery) -> Page[PostView]:
        """The published posts of a tag; an unknown tag is `NotFound`."""
        if await self.tags.get_by_slug(slug) is None:
            raise NotFound("tag", slug, by="slug")
        return await self.posts.list(_published(query), tag=slug)

    async def of_user(self, user_id: int, query: ListQuery) -> UserWithPosts:
        """A user and a page of their published posts; an unknown user is `NotFound`."""
        user = await self.users.get(user_id)
        if user is None:
            raise NotFound("user", user_id)
        posts = await self.posts.list(_published(query).narrowed("author_id", user_id))
        return UserWithPosts(user, posts)


def _readable(actor: Principal, post: PostView) -> bool:
    return post.status is PostStatus.PUBLISHED or actor.owns(post.author_id)


def _published(query: ListQuery) -> ListQuery:
    return query.narrowed("status", PostStatus.PUBLISHED.value)


def _visible(actor: Principal, query: ListQuery) -> ListQuery:
    if actor.is_admin:
        return query
    own = actor.user_id is not None and any(
        flt.field == "author_id" and flt.op is Op.EQ and flt.value == actor.user_id
        for flt in query.filters
    )
    return query if own else _published(query)
