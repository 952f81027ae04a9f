"""/products: the catalogue, its stock, and per-category figures."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import Depends, Path, Query, Request, Response

from application.catalog.commands import AdjustStock, CreateProduct, DeleteProduct, UpdateProduct
from application.catalog.queries import PRODUCT_LIST
from application.shared.listing import INT4_MAX, Filter, ListQuery, Op
from entrypoints.http.access import Admin, Anyone
from entrypoints.http.errors import error_responses
from entrypoints.http.idempotency import IdempotencyKey, idempotent_request
from entrypoints.http.listing import ListParameters
from entrypoints.http.openapi import created
from entrypoints.http.responses import respond
from entrypoints.http.routers.parameters import ProductId
from entrypoints.http.routing import resource_router
from entrypoints.http.schemas.categories import Slug
from entrypoints.http.schemas.pages import PagePublic
from entrypoints.http.schemas.products import (
    CategoryStatsPublic,
    ProductCreate,
    ProductPublic,
    ProductUpdate,
    ProductWithCategoryPublic,
    Sku,
    StockAdjustment,
)
from entrypoints.http.use_cases import use_cases

__all__ = ["router"]

router = resource_router("/products", "products", 422, 500, 503)

PRODUCTS = ListParameters(PRODUCT_LIST)
LOW_STOCK = ListParameters(PRODUCT_LIST, default_sort="stock_quantity")


@router.post(
    "/",
    status_code=201,
    response_model=ProductPublic,
    responses={
        **error_responses(404, 409),
        **created(
            "The new product, at version 1.",
            GetProduct=("get_product", {"product_id": "$response.body#/id"}),
            GetProductBySku=("get_product_by_sku", {"sku": "$response.body#/sku"}),
            GetProductBySlug=("get_product_by_slug", {"slug": "$response.body#/slug"}),
            UpdateProduct=("update_product", {"product_id": "$response.body#/id"}),
            AdjustStock=("adjust_stock", {"product_id": "$response.body#/id"}),
            DeleteProduct=("delete_product", {"product_id": "$response.body#/id"}),
        ),
    },
)
async def create_product(body: ProductCreate, request: Request, _: Admin) -> Response:
    """Create a product at version 1. An unknown category is a 404; a taken sku, slug, or
    name within the category a 409."""
    product = await use_cases(request).create_product()(CreateProduct(**body.model_dump()))
    return respond(product, ProductPublic, 201)


@router.get("/", response_model=PagePublic[ProductPublic], openapi_extra=PRODUCTS.openapi_extra)
async def list_products(
    actor: Anyone, query: Annotated[ListQuery, Depends(PRODUCTS)], request: Request
) -> Response:
    """Products, filtered (`category_id=3`, `price__gte=10&price__lte=50`,
    `name__like=head`) and sorted (`sort=-price,name`). Only active ones, unless you are an
    admin."""
    page = await use_cases(request).product_reads().list(actor, query)
    return respond(page, PagePublic[ProductPublic])


# The hot reads come first: routes are tried in order. `{product_id:int}` takes digits only,
# so no other path here can be mistaken for it.
@router.get("/{product_id:int}", response_model=ProductPublic, responses=error_responses(404))
async def get_product(product_id: ProductId, request: Request, actor: Anyone) -> Response:
    """A product; an inactive one is a 404 unless you are an admin."""
    product = await use_cases(request).product_reads().get(actor, product_id)
    return respond(product, ProductPublic)


@router.get(
    "/low-stock", response_model=PagePublic[ProductPublic], openapi_extra=LOW_STOCK.openapi_extra
)
async def list_low_stock_products(
    actor: Anyone,
    query: Annotated[ListQuery, Depends(LOW_STOCK)],
    request: Request,
    threshold: Annotated[
        int, Query(ge=0, le=INT4_MAX, description="At most this many in stock.")
    ] = 10,
) -> Response:
    """Products with at most `threshold` in stock, fewest first unless sorted otherwise."""
    low = replace(query, filters=(*query.filters, Filter("stock_quantity", Op.LTE, threshold)))
    page = await use_cases(request).product_reads().list(actor, low)
    return respond(page, PagePublic[ProductPublic])


@router.get("/by-category-stats", response_model=list[CategoryStatsPublic])
async def product_stats_by_category(request: Request, _: Anyone) -> Response:
    """Per category: how many active products, and their average, lowest and highest price."""
    stats = await use_cases(request).product_queries().category_stats()
    return respond(stats, list[CategoryStatsPublic])


@router.get(
    "/with-category",
    response_model=PagePublic[ProductWithCategoryPublic],
    openapi_extra=PRODUCTS.openapi_extra,
)
async def list_products_with_category(
    actor: Anyone, query: Annotated[ListQuery, Depends(PRODUCTS)], request: Request
) -> Response:
    """Products, each with its category (null when it has none)."""
    page = await use_cases(request).product_reads().list_with_category(actor, query)
    return respond(page, PagePublic[ProductWithCategoryPublic])


@router.get("/by-sku/{sku}", response_model=ProductPublic, responses=error_responses(404))
async def get_product_by_sku(
    sku: Annotated[Sku, Path(description="Any letter case.")],
    request: Request,
    actor: Anyone,
) -> Response:
    product = await use_cases(request).product_reads().get_by_sku(actor, sku.upper())
    return respond(product, ProductPublic)


@router.get("/by-slug/{slug}", response_model=ProductPublic, responses=error_responses(404))
async def get_product_by_slug(
    slug: Annotated[Slug, Path()], request: Request, actor: Anyone
) -> Response:
    product = await use_cases(request).product_reads().get_by_slug(actor, slug)
    return respond(product, ProductPublic)


@router.patch(
    "/{product_id:int}", response_model=ProductPublic, responses=error_responses(404, 409)
)
async def update_product(
    product_id: ProductId, body: ProductUpdate, request: Request, _: Admin
) -> Response:
    """Change the fields sent. `version` must be the one last read: it is compared, never
    assigned; a stale one is a 409. The answer carries the new version."""
    command = UpdateProduct(product_id=product_id, version=body.version, **body.changes())
    product = await use_cases(request).update_product()(command)
    return respond(product, ProductPublic)


@router.delete("/{product_id:int}", status_code=204, responses=error_responses(404, 409))
async def delete_product(product_id: ProductId, request: Request, _: Admin) -> Response:
    """Delete a product; one that orders refer to is kept (409)."""
    await use_cases(request).delete_product()(DeleteProduct(product_id))
    return Response(status_code=204)


@router.post(
    "/{product_id:int}/stock-adjustments",
    response_model=ProductPublic,
    responses=error_responses(404, 409),
)
async def adjust_stock(
    product_id: ProductId,
    body: StockAdjustment,
    request: Request,
    _: Admin,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Add `delta` to the stock (negative removes); going below zero is a 409. A rise must
    leave room under 2147483647 for the units that orders not yet shipped hold, which their
    cancel gives back (422 otherwise). With an `Idempotency-Key`, a retry gets the first
    answer and moves the stock only once."""
    command = AdjustStock(
        product_id=product_id,
        delta=body.delta,
        idempotency=idempotent_request(idempotency_key, request, body, 200),
    )
    answer = await use_cases(request).adjust_stock()(command)
    return respond(answer, ProductPublic)
