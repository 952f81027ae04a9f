"""The ASGI application: `create_app()` for tests and servers, `app` for `uvicorn
entrypoints.http.app:app`.

`create_app(settings, container)` wires the routers, the problem handlers and the request-id
middleware around a container (built from the settings when none is given). The lifespan opens
the storage (creates engines, lazily, never at import time) and disposes of it on shutdown.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Final

from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.telemetry import TelemetryConfig

from entrypoints import container as composition
from entrypoints.http.docs import install_docs
from entrypoints.http.errors import RequestIdMiddleware, install_problem_handlers
from entrypoints.http.openapi import install_openapi, operation_id
from entrypoints.http.routers import categories, exports, health, orders, products, users
from entrypoints.http.routing import add_operations
from entrypoints.settings import Settings

__all__ = ["app", "create_app"]

DESCRIPTION = """\
An e-commerce data layer: users, categories, products, orders with stock reservation and
payments.

Errors are RFC 9457 problem details (`application/problem+json`). Lists answer one page
(`page`, `page_size` ≤ 100) and take filters as `field__op=value` (`eq` (bare), `ne`, `gt`,
`gte`, `lt`, `lte`, `like`, `in`, `is_null`) over the fields of the resource, and
`sort=-price,name`. Money is a string with two decimals ("79.99"); it is accepted as a string
or a number. Timestamps are ISO 8601 in UTC.
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
    app.state.use_cases = container.use_cases()
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
        health.router,
    ):
        add_operations(app, router)
    install_docs(app)
    # FastAPI put /openapi.json first; it and the documentation pages are the least
    # requested, so they go last. The sort is stable: the operations keep their order.
    app.router.routes.sort(key=lambda route: not isinstance(route, APIRoute))
    install_problem_handlers(app)
    app.add_middleware(RequestIdMiddleware)
    install_openapi(app)
    return app


app = create_app()
