"""The ASGI application: `create_app()` for tests and servers, `app` for `uvicorn
entrypoints.http.app:app`.

`create_app(settings, container)` wires the routers, the problem handlers and the middleware
around a container (built from the settings when none is given). The lifespan opens the
storage (creates engines, lazily, never at import time) and disposes of it on shutdown.

The middleware, outermost first: response headers, HEAD, request ids (and the bare 500),
the body limit, CORS when `CORS_ORIGINS` lists origins. So every answer, a 500 or a 413
included, carries the same headers and a request id, and a HEAD never a body.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Final

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.routing import APIRoute
from fastapi.telemetry import TelemetryConfig

from application.shared.idempotency.request import KEY_FIELD
from application.shared.listing import MAX_FILTERS, MAX_IN_VALUES, MAX_PAGE_SIZE
from entrypoints import container as composition
from entrypoints.http.docs import install_docs
from entrypoints.http.errors import (
    REQUEST_ID_HEADER,
    RequestIdMiddleware,
    install_problem_handlers,
)
from entrypoints.http.middleware import (
    BodyLimitMiddleware,
    HeadMiddleware,
    ResponseHeadersMiddleware,
)
from entrypoints.http.openapi import install_openapi, operation_id
from entrypoints.http.responses import REPLAYED_HEADER
from entrypoints.http.routers import (
    auth,
    categories,
    exports,
    health,
    items,
    notifications,
    orders,
    posts,
    products,
    tags,
    transfers,
    user_posts,
    users,
    wallet,
)
from entrypoints.http.routing import add_operations
from entrypoints.settings import Settings

__all__ = ["app", "create_app"]

DESCRIPTION = f"""\
An e-commerce data layer: users, categories, products, orders with stock reservation and
payments.

Errors are RFC 9457 problem details (`application/problem+json`). Lists answer one page
(`page`, `page_size` ≤ {MAX_PAGE_SIZE}) and take filters as `field__op=value` (`eq` (bare),
`ne`, `gt`, `gte`, `lt`, `lte`, `like`, `in`, `is_null`) over the fields of the resource, and
`sort=-price,name`. A request takes at most {MAX_FILTERS} filters, and an `in` filter at most
{MAX_IN_VALUES} comma-separated values; beyond either limit the answer is a 422 that says it.
A query parameter an operation does not take is a 422, and so is a parameter or header that
takes one value (`page`, `Idempotency-Key`) given twice; a filter may be repeated. A request
body larger than the server accepts (1 MiB unless configured otherwise) is a 413. Every GET
also answers HEAD.
Money is a string with two decimals ("79.99"); it is accepted as a string or a number.
Timestamps are ISO 8601 in UTC.
"""


# FastAPI's native OpenTelemetry, switched off: it would look for configured providers on
# every request (a few percent of a product read) to find none.
_NO_TELEMETRY: Final[TelemetryConfig] = {"tracing": False, "metrics": False, "logs": False}


def create_app(settings: Settings | None = None, container: Any = None) -> FastAPI:
    """Build the app. A given container is used as is (tests override its providers first);
    otherwise one is built from `settings` (by default, from the environment)."""
    settings = settings or Settings()
    if container is None:
        container = composition.build_container(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await composition.open_storage(container)
        try:
            yield
        finally:
            await composition.close_storage(container)

    app = FastAPI(
        title="storefront",
        version=health.service_version(),
        description=DESCRIPTION,
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
        telemetry=None if settings.otel_enabled else _NO_TELEMETRY,
        # FastAPI's own pages load their scripts from a CDN: ours are served by the app.
        docs_url=None,
        redoc_url=None,
    )
    # The store a request acts in is found by its access gate (entrypoints/http/access.py),
    # which takes that store's use cases from here.
    app.state.container = container
    # Routes are matched in order, each one tried in turn; the hottest resources go first.
    # No request matches operations of two routers (a router under another's prefix, such as
    # /products/{product_id:int}/reviews, takes paths of its own), so the order changes no
    # answer, only the work; tests/integration/http/test_composition.py checks it. They
    # become the app's own routes (see entrypoints/http/routing.py).
    for router in (
        products.router,
        orders.router,
        categories.router,
        users.router,
        exports.router,
        auth.router,
        health.router,
        posts.router,
        tags.router,
        user_posts.router,
        items.router,
        notifications.router,
        transfers.router,
        wallet.router,
        wallet.admin_router,
    ):
        add_operations(app, router)
    install_docs(app)
    # FastAPI put /openapi.json first; it and the documentation pages are the least
    # requested, so they go last. The sort is stable: the operations keep their order.
    app.router.routes.sort(key=lambda route: not isinstance(route, APIRoute))
    install_problem_handlers(app)
    # Each one added wraps those added before it.
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", KEY_FIELD, REQUEST_ID_HEADER],
            expose_headers=[REQUEST_ID_HEADER, REPLAYED_HEADER, "Retry-After", "WWW-Authenticate"],
        )
    app.add_middleware(BodyLimitMiddleware, max_body_bytes=settings.max_body_bytes)
    app.add_middleware(RequestIdMiddleware)
    app.add_middleware(HeadMiddleware)
    app.add_middleware(ResponseHeadersMiddleware)
    install_openapi(app)
    return app


app = create_app()
