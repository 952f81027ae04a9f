"""/categories: the category tree and the products filed under each category."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import Depends, Response

from application.catalog.commands import CreateCategory, DeleteCategory, UpdateCategory
from application.catalog.handlers import (
    CreateCategoryHandler,
    DeleteCategoryHandler,
    UpdateCategoryHandler,
)
from application.catalog.queries import (
    CATEGORY_LIST,
    PRODUCT_LIST,
    CategoryQueries,
    ProductQueries,
)
from application.catalog.read_models import CategoryNode as CategoryNodeView
from application.shared.listing import Filter, ListQuery, Op
from domain.shared.errors import NotFound
from entrypoints.http.errors import error_responses
from entrypoints.http.listing import ListParameters
from entrypoints.http.openapi import created
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
from entrypoints.http.services import provide

__all__ = ["router"]

router = resource_router("/categories", "categories", 422, 500, 503)

CATEGORIES = ListParameters(CATEGORY_LIST)
PRODUCTS = ListParameters(PRODUCT_LIST)

Categories = Annotated[CategoryQueries, provide(lambda s: s.category_queries)]


async def _existing_category(categories: CategoryQueries, category_id: int) -> CategoryPublic:
    category = await categories.get(category_id)
    if category is None:
        raise NotFound("category", category_id)
    return CategoryPublic.model_validate(category)


def _node(view: CategoryNodeView) -> CategoryNode:
    return CategoryNode(
        id=view.id,
        name=view.name,
        slug=view.slug,
        description=view.description,
        parent_id=view.parent_id,
        created_at=view.created_at,
        children=[_node(child) for child in view.children],
    )


@router.post(
    "/",
    status_code=201,
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
async def create_category(
    body: CategoryCreate,
    handler: Annotated[CreateCategoryHandler, provide(lambda s: s.create_category)],
) -> CategoryPublic:
    """Create a category; its slug is derived from the name unless given. A parent that does
    not exist is a 404; a taken name or slug a 409."""
    category = await handler(CreateCategory(**body.model_dump()))
    return CategoryPublic.model_validate(category)


@router.get("/", openapi_extra=CATEGORIES.openapi_extra)
async def list_categories(
    query: Annotated[ListQuery, Depends(CATEGORIES)], categories: Categories
) -> PagePublic[CategoryPublic]:
    return PagePublic[CategoryPublic].of(
        await categories.list(query), CategoryPublic.model_validate
    )


@router.get("/tree")
async def category_tree(categories: Categories) -> list[CategoryNode]:
    """Root categories with their sub-trees, each level sorted by name."""
    return [_node(root) for root in await categories.tree()]


@router.get("/{category_id:int}", responses=error_responses(404))
async def get_category(category_id: CategoryId, categories: Categories) -> CategoryPublic:
    return await _existing_category(categories, category_id)


@router.patch("/{category_id:int}", responses=error_responses(404, 409))
async def update_category(
    category_id: CategoryId,
    body: CategoryUpdate,
    handler: Annotated[UpdateCategoryHandler, provide(lambda s: s.update_category)],
) -> CategoryPublic:
    """Change only the fields sent. Moving a category under its own descendant is a 409."""
    category = await handler(UpdateCategory(category_id=category_id, **body.changes()))
    return CategoryPublic.model_validate(category)


@router.delete("/{category_id:int}", status_code=204, responses=error_responses(404))
async def delete_category(
    category_id: CategoryId,
    handler: Annotated[DeleteCategoryHandler, provide(lambda s: s.delete_category)],
) -> Response:
    """Delete a category; its children become roots and its products uncategorised."""
    await handler(DeleteCategory(category_id))
    return Response(status_code=204)


@router.get(
    "/{category_id:int}/products",
    responses=error_responses(404),
    openapi_extra=PRODUCTS.openapi_extra,
)
async def list_category_products(
    category_id: CategoryId,
    query: Annotated[ListQuery, Depends(PRODUCTS)],
    categories: Categories,
    products: Annotated[ProductQueries, provide(lambda s: s.product_queries)],
) -> PagePublic[ProductPublic]:
    """The category's products; `total` is how many it has."""
    await _existing_category(categories, category_id)
    filed = replace(query, filters=(*query.filters, Filter("category_id", Op.EQ, category_id)))
    return PagePublic[ProductPublic].of(await products.list(filed), ProductPublic.model_validate)
