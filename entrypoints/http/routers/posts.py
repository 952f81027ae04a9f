"""/posts: writing, publishing, the trash, and reading posts.

Anyone reads published posts; a signed-in user writes posts of their own and edits,
publishes, archives, deletes and restores them; an admin does so with anyone's. Another
user's draft, archived or deleted post is a 404, as if it were not there. Reading a published
post by its slug counts a view.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Query, Request, Response

from application.content.commands import (
    ChangePostStatus,
    CreatePost,
    DeletePost,
    RestorePost,
    UpdatePost,
)
from application.content.queries import POST_LIST, TRASH_LIST
from application.shared.access import Principal
from application.shared.listing import INT4_MAX, ListQuery
from domain.content.post import Post, PostStatus
from entrypoints.http.access import Anyone, SignedIn
from entrypoints.http.errors import error_responses
from entrypoints.http.listing import ListParameters
from entrypoints.http.openapi import created
from entrypoints.http.responses import respond
from entrypoints.http.routing import resource_router
from entrypoints.http.schemas.categories import Slug
from entrypoints.http.schemas.pages import PagePublic
from entrypoints.http.schemas.posts import PostCreate, PostPublic, PostUpdate
from entrypoints.http.use_cases import use_cases

__all__ = ["PostId", "router"]

router = resource_router("/posts", "posts", 422, 500, 503)

PostId = Annotated[int, Path(ge=1, le=INT4_MAX, description="The post's id.")]
POSTS = ListParameters(POST_LIST)
TRASH = ListParameters(TRASH_LIST)


async def _shown(
    request: Request, actor: Principal, post: Post, status_code: int = 200
) -> Response:
    """A post a use case wrote, as the read side shows it (its author's name, its tags),
    read once the use case has committed."""
    if post.id is None:
        raise ValueError("a post is shown once stored")
    view = await use_cases(request).post_reads().get(actor, post.id)
    return respond(view, PostPublic, status_code)


@router.post(
    "/",
    status_code=201,
    response_model=PostPublic,
    responses={
        **error_responses(409),
        **created(
            "The new draft, at version 1, by the caller.",
            GetPost=("get_post", {"post_id": "$response.body#/id"}),
            UpdatePost=("update_post", {"post_id": "$response.body#/id"}),
            PublishPost=("publish_post", {"post_id": "$response.body#/id"}),
            DeletePost=("delete_post", {"post_id": "$response.body#/id"}),
        ),
    },
)
async def create_post(body: PostCreate, request: Request, actor: SignedIn) -> Response:
    """Write a draft, as its author. Tags are given by name and made when new. A slug is
    derived from the title unless given; one another post has is a 409."""
    post = await use_cases(request).create_post()(actor, CreatePost(**body.command_fields()))
    return await _shown(request, actor, post, 201)


@router.get("/", response_model=PagePublic[PostPublic], openapi_extra=POSTS.openapi_extra)
async def list_posts(
    actor: Anyone,
    query: Annotated[ListQuery, Depends(POSTS)],
    request: Request,
    tag: Annotated[
        Slug | None, Query(description="Only the posts with the tag of this slug.")
    ] = None,
) -> Response:
    """Published posts, filtered (`author_id=3`, `published_at__gte=...`, `tag=python`),
    searched in titles and contents (`search=...`) and sorted (`sort=-published_at`). Your
    own posts of every status when you ask for them (`author_id=<your id>`); every post for
    an admin."""
    page = await use_cases(request).post_reads().list(actor, query, tag=tag)
    return respond(page, PagePublic[PostPublic])


@router.get("/trash", response_model=PagePublic[PostPublic], openapi_extra=TRASH.openapi_extra)
async def list_trashed_posts(
    actor: SignedIn, query: Annotated[ListQuery, Depends(TRASH)], request: Request
) -> Response:
    """Your deleted posts, most recently deleted first; everyone's for an admin."""
    page = await use_cases(request).post_reads().trash(actor, query)
    return respond(page, PagePublic[PostPublic])


@router.get("/{post_id:int}", response_model=PostPublic, responses=error_responses(404))
async def get_post(post_id: PostId, request: Request, actor: Anyone) -> Response:
    """A post: published, or your own, or any for an admin. Counts no view."""
    post = await use_cases(request).post_reads().get(actor, post_id)
    return respond(post, PostPublic)


@router.get("/by-slug/{slug}", response_model=PostPublic, responses=error_responses(404))
async def get_post_by_slug(
    slug: Annotated[Slug, Path()], request: Request, actor: Anyone
) -> Response:
    """A post by its slug; reading a published one counts a view (`view_count` includes it)."""
    post = await use_cases(request).view_post()(actor, slug)
    return respond(post, PostPublic)


@router.patch("/{post_id:int}", response_model=PostPublic, responses=error_responses(404, 409))
async def update_post(
    post_id: PostId, body: PostUpdate, request: Request, actor: SignedIn
) -> Response:
    """Change the fields sent (`tags` replaces them all). `version` must be the one last
    read: it is compared, never assigned; a stale one is a 409."""
    command = UpdatePost(post_id=post_id, version=body.version, **body.changes())
    post = await use_cases(request).update_post()(actor, command)
    return await _shown(request, actor, post)


async def _move(request: Request, actor: Principal, post_id: int, status: PostStatus) -> Response:
    post = await use_cases(request).change_post_status()(actor, ChangePostStatus(post_id, status))
    return await _shown(request, actor, post)


@router.post(
    "/{post_id:int}/publish", response_model=PostPublic, responses=error_responses(404, 409)
)
async def publish_post(post_id: PostId, request: Request, actor: SignedIn) -> Response:
    """Draft to published; the first publication sets `published_at`. From another status,
    a 409."""
    return await _move(request, actor, post_id, PostStatus.PUBLISHED)


@router.post(
    "/{post_id:int}/archive", response_model=PostPublic, responses=error_responses(404, 409)
)
async def archive_post(post_id: PostId, request: Request, actor: SignedIn) -> Response:
    """Draft or published to archived; an archived post is a 409."""
    return await _move(request, actor, post_id, PostStatus.ARCHIVED)


@router.post("/{post_id:int}/draft", response_model=PostPublic, responses=error_responses(404, 409))
async def draft_post(post_id: PostId, request: Request, actor: SignedIn) -> Response:
    """Archived back to draft; from another status, a 409."""
    return await _move(request, actor, post_id, PostStatus.DRAFT)


@router.delete("/{post_id:int}", status_code=204, responses=error_responses(404))
async def delete_post(post_id: PostId, request: Request, actor: SignedIn) -> Response:
    """Into the trash: gone from every read but the trash, tags kept, restorable."""
    await use_cases(request).delete_post()(actor, DeletePost(post_id))
    return Response(status_code=204)


@router.post(
    "/{post_id:int}/restore", response_model=PostPublic, responses=error_responses(404, 409)
)
async def restore_post(post_id: PostId, request: Request, actor: SignedIn) -> Response:
    """Out of the trash, as it was. If another post took its slug meanwhile, a 409."""
    post = await use_cases(request).restore_post()(actor, RestorePost(post_id))
    return await _shown(request, actor, post)
