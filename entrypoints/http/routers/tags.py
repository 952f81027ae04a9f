"""/tags: the tags with their post counts, and the published posts of a tag. Open to anyone;
tags are made by the posts that name them."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request, Response

from application.content.queries import POST_LIST, TAG_LIST
from application.shared.listing import ListQuery
from entrypoints.http.access import Anyone
from entrypoints.http.errors import error_responses
from entrypoints.http.listing import ListParameters
from entrypoints.http.responses import respond
from entrypoints.http.routing import resource_router
from entrypoints.http.schemas.categories import Slug
from entrypoints.http.schemas.pages import PagePublic
from entrypoints.http.schemas.posts import PostPublic, TagPublic
from entrypoints.http.use_cases import use_cases

__all__ = ["router"]

router = resource_router("/tags", "tags", 422, 500, 503)

TAGS = ListParameters(TAG_LIST)
POSTS = ListParameters(POST_LIST)


@router.get("/", response_model=PagePublic[TagPublic], openapi_extra=TAGS.openapi_extra)
async def list_tags(
    actor: Anyone, query: Annotated[ListQuery, Depends(TAGS)], request: Request
) -> Response:
    """Tags by name, each with the count of its published posts."""
    page = await use_cases(request).post_reads().list_tags(query)
    return respond(page, PagePublic[TagPublic])


@router.get(
    "/{slug}/posts",
    response_model=PagePublic[PostPublic],
    responses=error_responses(404),
    openapi_extra=POSTS.openapi_extra,
)
async def list_tag_posts(
    slug: Annotated[Slug, Path()],
    actor: Anyone,
    query: Annotated[ListQuery, Depends(POSTS)],
    request: Request,
) -> Response:
    """The published posts of a tag; an unknown tag is a 404."""
    page = await use_cases(request).post_reads().of_tag(slug, query)
    return respond(page, PagePublic[PostPublic])
