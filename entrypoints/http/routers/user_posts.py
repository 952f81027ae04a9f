"""/users/{id}/posts: a user who writes, with their published posts. Open to anyone: what it
shows of the user is what their posts show (no email, no account state)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Response

from application.content.queries import POST_LIST
from application.shared.listing import ListQuery
from entrypoints.http.access import Anyone
from entrypoints.http.errors import error_responses
from entrypoints.http.listing import ListParameters
from entrypoints.http.responses import respond
from entrypoints.http.routers.parameters import UserId
from entrypoints.http.routing import resource_router
from entrypoints.http.schemas.posts import UserPostsPublic
from entrypoints.http.use_cases import use_cases

__all__ = ["router"]

router = resource_router("/users", "posts", 422, 500, 503)

POSTS = ListParameters(POST_LIST, default_sort="-published_at")


@router.get(
    "/{user_id:int}/posts",
    response_model=UserPostsPublic,
    responses=error_responses(404),
    openapi_extra=POSTS.openapi_extra,
)
async def list_user_posts(
    user_id: UserId,
    actor: Anyone,
    query: Annotated[ListQuery, Depends(POSTS)],
    request: Request,
) -> Response:
    """A user and a page of their published posts, newest first unless sorted otherwise."""
    found = await use_cases(request).post_reads().of_user(user_id, query)
    return respond(found, UserPostsPublic)
