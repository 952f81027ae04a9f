"""/products: the catalogue, its stock, and per-category figures."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import Depends, Path, Query, Request, Response

from application.catalog.commands import AdjustStock, CreateProduct, DeleteProduct, UpdateProduct
from application.catalog.handlers import (
    AdjustStockHandler,
    CreateProductHandler,
    DeleteProductHandler,
    UpdateProductHandler,
)
from application.catalog.queries import PRODUCT_LIST, ProductQueries
from application.shared.listing import INT4_MAX, Filter, ListQuery, Op
from domain.shared.errors import NotFound
from entrypoints.http.encoding import JsonBody, page_body, product_body
from entrypoints.http.errors import error_responses
from entrypoints.http.idempotency import IdempotencyKey, idempotent_request, render_answer
from entrypoints.http.listing import ListParameters
from entrypoints.http.openapi import created
from entrypoints.http.routers.parameters import ProductId
from entrypoints.http.routing import resource_router
from entrypoints.http.schemas.categories import SLUG_PATTERN
from entrypoints.http.schemas.pages import PagePublic
from entrypoints.http.schemas.products import (
    SKU_PATTERN,
    CategoryStatsPublic,
    ProductCreate,
    ProductPublic,
    ProductUpdate,
    ProductWithCategoryPublic,
    StockAdjustment,
)
from entrypoints.http.services import provide, services

__all__ = ["router"]

router = resource_router("/products", "products", 422, 500, 503)

PRODUCTS = ListParameters(PRODUCT_LIST)
LOW_STOCK = ListParameters(PRODUCT_LIST, default_sort="stock_quantity")

Products = Annotated[ProductQueries, provide(lambda s: s.product_queries)]


@router.post(
    "/",
    status_code=201,
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
async def create_product(
    body: ProductCreate,
    handler: Annotated[CreateProductHandler, provide(lambda s: s.create_product)],
) -> ProductPublic:
    """Create a product at version 1. An unknown category is a 404; a taken sku, slug, or
    name within the category a 409."""
    product = await handler(CreateProduct(**body.model_dump()))
    return ProductPublic.model_validate(product)


@router.get("/", response_model=PagePublic[ProductPublic], openapi_extra=PRODUCTS.openapi_extra)
async def list_products(
    query: Annotated[ListQuery, Depends(PRODUCTS)], request: Request
) -> Response:
    """Products, filtered (`category_id=3`, `price__gte=10&price__lte=50`,
    `name__like=head`) and sorted (`sort=-price,name`)."""
    # A hot path: the query port is taken without a dependency, and the body is written
    # once from the read models (entrypoints/http/encoding.py).
    page = await services(request).product_queries().list(query)
    return JsonBody(page_body(page, product_body))


# The hot reads come first: routes are tried in order. `{product_id:int}` takes digits only,
# so no other path here can be mistaken for it.
@router.get("/{product_id:int}", response_model=ProductPublic, responses=error_responses(404))
async def get_product(product_id: ProductId, request: Request) -> Response:
    # A hot path, written as list_products is.
    product = await services(request).product_queries().get(product_id)
    if product is None:
        raise NotFound("product", product_id)
    return JsonBody(product_body(product))


@router.get("/low-stock", openapi_extra=LOW_STOCK.openapi_extra)
async def list_low_stock_products(
    query: Annotated[ListQuery, Depends(LOW_STOCK)],
    products: Products,
    threshold: Annotated[
        int, Query(ge=0, le=INT4_MAX, description="At most this many in stock.")
    ] = 10,
) -> PagePublic[ProductPublic]:
    """Products with at most `threshold` in stock, fewest first unless sorted otherwise."""
    low = replace(query, filters=(*query.filters, Filter("stock_quantity", Op.LTE, threshold)))
    return PagePublic[ProductPublic].of(await products.list(low), ProductPublic.model_validate)


@router.get("/by-category-stats")
async def product_stats_by_category(products: Products) -> list[CategoryStatsPublic]:
    """Per category: how many active products, and their average, lowest and highest price."""
    return [CategoryStatsPublic.model_validate(one) for one in await products.category_stats()]


@router.get("/with-category", openapi_extra=PRODUCTS.openapi_extra)
async def list_products_with_category(
    query: Annotated[ListQuery, Depends(PRODUCTS)], products: Products
) -> PagePublic[ProductWithCategoryPublic]:
    """Products, each with its category (null when it has none)."""
    return PagePublic[ProductWithCategoryPublic].of(
        await products.list_with_category(query), ProductWithCategoryPublic.model_validate
    )


@router.get("/by-sku/{sku}", responses=error_responses(404))
async def get_product_by_sku(
    sku: Annotated[str, Path(max_length=64, pattern=SKU_PATTERN, description="Any letter case.")],
    products: Products,
) -> ProductPublic:
    product = await products.get_by_sku(sku.upper())
    if product is None:
        raise NotFound("product", sku.upper(), by="sku")
    return ProductPublic.model_validate(product)


@router.get("/by-slug/{slug}", responses=error_responses(404))
async def get_product_by_slug(
    slug: Annotated[str, Path(max_length=200, pattern=SLUG_PATTERN)], products: Products
) -> ProductPublic:
    product = await products.get_by_slug(slug)
    if product is None:
        raise NotFound("product", slug, by="slug")
    return ProductPublic.model_validate(product)


@router.patch("/{product_id:int}", responses=error_responses(404, 409))
async def update_product(
    product_id: ProductId,
    body: ProductUpdate,
    handler: Annotated[UpdateProductHandler, provide(lambda s: s.update_product)],
) -> ProductPublic:
    """Change the fields sent. `version` must be the one last read: it is compared, never
    assigned; a stale one is a 409. The answer carries the new version."""
    product = await handler(
        UpdateProduct(product_id=product_id, version=body.version, **body.changes())
    )
    return ProductPublic.model_validate(product)


@router.delete("/{product_id:int}", status_code=204, responses=error_responses(404, 409))
async def delete_product(
    product_id: ProductId,
    handler: Annotated[DeleteProductHandler, provide(lambda s: s.delete_product)],
) -> Response:
    """Delete a product; one that orders refer to is kept (409)."""
    await handler(DeleteProduct(product_id))
    return Response(status_code=204)


@router.post(
    "/{product_id:int}/stock-adjustments",
    response_model=ProductPublic,
    responses=error_responses(404, 409),
)
async def adjust_stock(
    product_id: ProductId,
    body: StockAdjustment,
    handler: Annotated[AdjustStockHandler, provide(lambda s: s.adjust_stock)],
    request: Request,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Add `delta` to the stock (negative removes); going below zero is a 409. With an
    `Idempotency-Key`, a retry gets the first answer and moves the stock only once."""
    answer = await handler.answer(
        AdjustStock(
            product_id=product_id,
            delta=body.delta,
            idempotency=idempotent_request(idempotency_key, request, body, 200),
        )
    )
    return render_answer(answer, ProductPublic, 200)
