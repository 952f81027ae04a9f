"""/categories: the category tree and the products filed under each category."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Response

from application.catalog.commands import CreateCategory, DeleteCategory, UpdateCategory
from application.catalog.queries import CATEGORY_LIST, PRODUCT_LIST
from application.shared.listing import ListQuery
from domain.shared.errors import NotFound
from entrypoints.http.access import Admin, Anyone
from entrypoints.http.errors import error_responses
from entrypoints.http.listing import ListParameters
from entrypoints.http.openapi import created
from entrypoints.http.responses import respond
from entrypoints.http.routers.parameters import CategoryId
from entrypoints.http.routing import resource_router
from entrypoints.http.schemas.categories import (
    CategoryCreate,
    CategoryNode,
    CategoryPublic,
    CategoryUpdate,
)
from entrypoints.http.schemas.pages import PagePublic
from entrypoints.http.schemas.products import ProductPublic
from entrypoints.http.use_cases import use_cases
from entrypoints.use_cases import UseCases

__all__ = ["router"]

router = resource_router("/categories", "categories", 422, 500, 503)

CATEGORIES = ListParameters(CATEGORY_LIST)
PRODUCTS = ListParameters(PRODUCT_LIST)


async def _existing_category(found: UseCases, category_id: int) -> object:
    category = await found.category_queries().get(category_id)
    if category is None:
        raise NotFound("category", category_id)
    return category


@router.post(
    "/",
    status_code=201,
    response_model=CategoryPublic,
    responses={
        **error_responses(404, 409),
        **created(
            "The new category.",
            GetCategory=("get_category", {"category_id": "$response.body#/id"}),
            UpdateCategory=("update_category", {"category_id": "$response.body#/id"}),
            ListCategoryProducts=(
                "list_category_products",
                {"category_id": "$response.body#/id"},
            ),
            DeleteCategory=("delete_category", {"category_id": "$response.body#/id"}),
        ),
    },
)
async def create_category(body: CategoryCreate, request: Request, _: Admin) -> Response:
    """Create a category; its slug is derived from the name unless given. A parent that does
    not exist is a 404; a taken name or slug a 409."""
    category = await use_cases(request).create_category()(CreateCategory(**body.model_dump()))
    return respond(category, CategoryPublic, 201)


@router.get("/", response_model=PagePublic[CategoryPublic], openapi_extra=CATEGORIES.openapi_extra)
async def list_categories(
    _: Anyone, query: Annotated[ListQuery, Depends(CATEGORIES)], request: Request
) -> Response:
    page = await use_cases(request).category_queries().list(query)
    return respond(page, PagePublic[CategoryPublic])


@router.get("/tree", response_model=list[CategoryNode])
async def category_tree(request: Request, _: Anyone) -> Response:
    """Root categories with their sub-trees, each level sorted by name."""
    return respond(await use_cases(request).category_queries().tree(), list[CategoryNode])


@router.get("/{category_id:int}", response_model=CategoryPublic, responses=error_responses(404))
async def get_category(category_id: CategoryId, request: Request, _: Anyone) -> Response:
    return respond(await _existing_category(use_cases(request), category_id), CategoryPublic)


@router.patch(
    "/{category_id:int}", response_model=CategoryPublic, responses=error_responses(404, 409)
)
async def update_category(
    category_id: CategoryId, body: CategoryUpdate, request: Request, _: Admin
) -> Response:
    """Change only the fields sent. Moving a category under its own descendant is a 409."""
    command = UpdateCategory(category_id=category_id, **body.changes())
    category = await use_cases(request).update_category()(command)
    return respond(category, CategoryPublic)


@router.delete("/{category_id:int}", status_code=204, responses=error_responses(404))
async def delete_category(category_id: CategoryId, request: Request, _: Admin) -> Response:
    """Delete a category; its children become roots and its products uncategorised."""
    await use_cases(request).delete_category()(DeleteCategory(category_id))
    return Response(status_code=204)


@router.get(
    "/{category_id:int}/products",
    response_model=PagePublic[ProductPublic],
    responses=error_responses(404),
    openapi_extra=PRODUCTS.openapi_extra,
)
async def list_category_products(
    category_id: CategoryId,
    actor: Anyone,
    query: Annotated[ListQuery, Depends(PRODUCTS)],
    request: Request,
) -> Response:
    """The category's products (active ones, unless you are an admin); `total` is how many."""
    found = use_cases(request)
    await _existing_category(found, category_id)
    filed = query.narrowed("category_id", category_id)
    return respond(await found.product_reads().list(actor, filed), PagePublic[ProductPublic])
