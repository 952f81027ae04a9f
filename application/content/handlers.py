"""The content use cases: posts, their tags, the status machine, the trash, views.

Each one is a callable whose body is its whole transaction (see application/ordering/handlers.py
for the pattern, and `retried_on_contention` for why a body may run twice).

Who may: anyone signed in writes a post, as its author; the author or an admin edits,
publishes, archives, deletes and restores it. Another customer's post is `NotFound`, as if it
were not there.

Tags are given by name and made when new. Two requests making the same new tag at once both
succeed with one tag: each new tag is inserted in a savepoint, and the loser of the race (a
`DuplicateValue` once the winner has committed) undoes that insert only and takes the
winner's tag. New tags are inserted in the order of their keys, so that two requests making
the same tags wait for each other instead of deadlocking.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from application.content.commands import (
    ChangePostStatus,
    CreatePost,
    DeletePost,
    RestorePost,
    UpdatePost,
)
from application.content.queries import PostQueries
from application.content.read_models import PostView
from application.shared.access import Principal
from application.shared.ports import Clock
from application.shared.retry import retried_on_contention
from application.shared.unit_of_work import UnitOfWork
from domain.content.post import Post, PostStatus
from domain.content.tag import Tag, distinct_tag_names
from domain.shared.errors import DuplicateValue, Inactive, NotFound
from domain.shared.patch import UNSET, Maybe, Unset

__all__ = [
    "ChangePostStatusHandler",
    "CreatePostHandler",
    "DeletePostHandler",
    "RestorePostHandler",
    "UpdatePostHandler",
    "ViewPostHandler",
]


@dataclass(frozen=True)
class CreatePostHandler:
    uow: UnitOfWork
    clock: Clock

    @retried_on_contention
    async def __call__(self, actor: Principal, command: CreatePost) -> Post:
        author_id = actor.acting_user()
        names = distinct_tag_names(command.tags)
        async with self.uow as uow:
            # The account, in this store and active (a foreign key alone would take a user
            # of any store).
            await _ensure_active_user(uow, author_id)
            now = self.clock.now()
            post = Post.create(
                title=command.title,
                content=command.content,
                slug=command.slug,
                author_id=author_id,
                tag_ids=await _tag_ids(uow, names, now),
                now=now,
            )
            await uow.posts.add(post)
            await uow.commit()
        return post


@dataclass(frozen=True)
class UpdatePostHandler:
    uow: UnitOfWork
    clock: Clock

    @retried_on_contention
    async def __call__(self, actor: Principal, command: UpdatePost) -> Post:
        names = None if isinstance(command.tags, Unset) else distinct_tag_names(command.tags)
        async with self.uow as uow:
            now = self.clock.now()
            post = await _post(uow, actor, command.post_id)
            post.check_version(command.version)
            tag_ids: Maybe[Sequence[int]] = (
                UNSET if names is None else await _tag_ids(uow, names, now)
            )
            post.revise(
                now,
                title=command.title,
                slug=command.slug,
                content=command.content,
                tag_ids=tag_ids,
            )
            await uow.commit()
        return post


@dataclass(frozen=True)
class ChangePostStatusHandler:
    """Publish, archive, or take back to draft; the first publication stamps `published_at`."""

    uow: UnitOfWork
    clock: Clock

    @retried_on_contention
    async def __call__(self, actor: Principal, command: ChangePostStatus) -> Post:
        async with self.uow as uow:
            post = await _post(uow, actor, command.post_id)
            post.transition_to(command.status, self.clock.now())
            await uow.commit()
        return post


@dataclass(frozen=True)
class DeletePostHandler:
    """Into the trash: the post keeps its tags and can be restored."""

    uow: UnitOfWork
    clock: Clock

    @retried_on_contention
    async def __call__(self, actor: Principal, command: DeletePost) -> None:
        async with self.uow as uow:
            post = await _post(uow, actor, command.post_id)
            post.delete(self.clock.now())
            await uow.commit()


@dataclass(frozen=True)
class RestorePostHandler:
    """Out of the trash. A slug another post took meanwhile is a `DuplicateValue` (409)."""

    uow: UnitOfWork
    clock: Clock

    @retried_on_contention
    async def __call__(self, actor: Principal, command: RestorePost) -> Post:
        async with self.uow as uow:
            post = await uow.posts.get_in_trash(command.post_id)
            if post is None:
                raise NotFound("post", command.post_id)
            actor.visible(post.author_id, "post", command.post_id)
            post.restore(self.clock.now())
            await uow.commit()
        return post


@dataclass(frozen=True)
class ViewPostHandler:
    """A post by its slug, as `PostReads.get` shows one; reading a published post counts a
    view, with one atomic increment in the storage (no read-modify-write, no version)."""

    uow: UnitOfWork
    posts: PostQueries

    @retried_on_contention
    async def __call__(self, actor: Principal, slug: str) -> PostView:
        post = await self.posts.get_by_slug(slug)
        if post is None or not (post.status is PostStatus.PUBLISHED or actor.owns(post.author_id)):
            raise NotFound("post", slug, by="slug")
        if post.status is not PostStatus.PUBLISHED:
            return post  # an author reading their draft is no view
        async with self.uow as uow:
            views = await uow.posts.count_view(post.id)
            await uow.commit()
        if views is None:  # unpublished or deleted since it was read
            raise NotFound("post", slug, by="slug")
        return replace(post, view_count=views)


# -- steps the use cases share -------------------------------------------------------------
async def _post(uow: UnitOfWork, actor: Principal, post_id: int) -> Post:
    """The post, not in the trash, if the caller may change it: theirs, or any for an admin."""
    post = await uow.posts.get(post_id)
    if post is None:
        raise NotFound("post", post_id)
    actor.visible(post.author_id, "post", post_id)
    return post


async def _ensure_active_user(uow: UnitOfWork, user_id: int) -> None:
    active = await uow.users.is_active(user_id)
    if active is None:
        raise NotFound("user", user_id)
    if not active:
        raise Inactive(f"user {user_id} is not active")


async def _tag_ids(uow: UnitOfWork, names: Sequence[str], now: datetime) -> list[int]:
    """The ids of the tags of these names (checked and distinct), each made when new."""
    if not names:
        return []
    keys = [name.casefold() for name in names]
    found = {tag.name_key: tag for tag in await uow.tags.with_keys(keys)}
    for name in sorted((n for n in names if n.casefold() not in found), key=str.casefold):
        tag = await _new_tag(uow, name, now)
        found[tag.name_key] = tag
    return [_id(found[key]) for key in keys]


async def _new_tag(uow: UnitOfWork, name: str, now: datetime) -> Tag:
    tag = Tag.create(name=name, now=now)
    try:
        async with uow.savepoint():
            await uow.tags.add(tag)
    except DuplicateValue:
        # Another request made it since we looked, and has committed: take that one. A slug
        # taken by a tag of another name is a conflict of its own, and stands.
        made = await uow.tags.with_keys([tag.name_key])
        if not made:
            raise
        return made[0]
    return tag


def _id(tag: Tag) -> int:
    if tag.id is None:
        raise ValueError("a stored tag has an id")
    return tag.id
