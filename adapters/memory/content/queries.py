"""The in-memory twins of `PostQueries` and `TagQueries`: posts and tags as committed.

Soft delete is applied in one place, `_posts`: every read but the trash takes its posts from
it; the trash takes the others."""

from __future__ import annotations

from collections.abc import Iterator

from adapters.memory.content.views import post_view, tag_view
from adapters.memory.listing import list_page
from adapters.memory.read_side import InMemoryQueries
from adapters.memory.tracking import key_of
from application.content.queries import PostQueries, TagQueries
from application.content.read_models import PostView, TagView
from application.shared.listing import ListQuery, Page
from domain.content.post import Post, PostStatus
from domain.content.tag import Tag
from domain.identity.user import User

__all__ = ["InMemoryPostQueries", "InMemoryTagQueries"]


class _ContentQueries(InMemoryQueries):
    def _posts(self, *, in_trash: bool = False) -> Iterator[Post]:
        """The posts not in the trash (or, `in_trash`, those in it): the one place this
        adapter's reads tell them apart."""
        return (
            p for p in self._store.rows(Post).values() if (p.deleted_at is not None) is in_trash
        )

    def _views(self, posts: Iterator[Post]) -> Iterator[PostView]:
        users, tags = self._store.rows(User), self._store.rows(Tag)
        return (post_view(post, users[post.author_id], tags) for post in posts)


class InMemoryPostQueries(_ContentQueries, PostQueries):
    async def get(self, post_id: int) -> PostView | None:
        return next(self._views(p for p in self._posts() if p.id == post_id), None)

    async def get_by_slug(self, slug: str) -> PostView | None:
        return next(self._views(p for p in self._posts() if p.slug == slug), None)

    async def list(self, query: ListQuery, *, tag: str | None = None) -> Page[PostView]:
        posts = self._posts()
        if tag is not None:
            tags = self._store.rows(Tag)
            posts = (p for p in posts if any(tags[t].slug == tag for t in p.tag_ids))
        return list_page(self._views(posts), query, search=_post_matches)

    async def trash(self, query: ListQuery) -> Page[PostView]:
        return list_page(self._views(self._posts(in_trash=True)), query, search=_post_matches)


class InMemoryTagQueries(_ContentQueries, TagQueries):
    async def get_by_slug(self, slug: str) -> TagView | None:
        found = next((t for t in self._store.rows(Tag).values() if t.slug == slug), None)
        return None if found is None else tag_view(found, self._counts().get(key_of(found), 0))

    async def list(self, query: ListQuery) -> Page[TagView]:
        counts = self._counts()
        tags = self._store.rows(Tag).values()
        return list_page((tag_view(t, counts.get(key_of(t), 0)) for t in tags), query)

    def _counts(self) -> dict[int, int]:
        """Published posts not in the trash, per tag."""
        counts: dict[int, int] = {}
        for post in self._posts():
            if post.status is PostStatus.PUBLISHED:
                for tag_id in post.tag_ids:
                    counts[tag_id] = counts.get(tag_id, 0) + 1
        return counts


def _post_matches(post: PostView, term: str) -> bool:
    wanted = term.lower()
    return wanted in post.title.lower() or wanted in post.content.lower()
