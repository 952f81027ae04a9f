"""What the HTTP layer asks the composition root for, and how a request gets it.

`Services` names every use case and query port the routers need. The container in
`entrypoints/container.py` provides each of them (the HTTP package never sees that module or
any adapter): calling a use-case member gives a fresh handler, so every request has its own
unit of work and no session is ever shared between requests; a query port holds nothing of a
request, so the same one may serve them all.

`provide(lambda s: s.register_user)` is a FastAPI dependency that reads the services from
`request.app.state.services`; it is an `async def` so it runs inline, not in a thread.
The hottest reads call `services(request)` in their body instead: resolving a dependency
costs FastAPI about a tenth of such a request (bench/results).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar, cast

from fastapi import Depends, Request

from application.catalog.handlers import (
    AdjustStockHandler,
    CreateCategoryHandler,
    CreateProductHandler,
    DeleteCategoryHandler,
    DeleteProductHandler,
    UpdateCategoryHandler,
    UpdateProductHandler,
)
from application.catalog.queries import CategoryQueries, ProductQueries
from application.identity.handlers import (
    DeactivateStaleUsersHandler,
    DeactivateUserHandler,
    PatchUserHandler,
    PurgeInactiveUsersHandler,
    RegisterUserHandler,
    RegisterUsersHandler,
    ReplaceUserHandler,
)
from application.identity.queries import UserQueries
from application.ordering.handlers import (
    ChangeOrderStatusHandler,
    PayOrderHandler,
    PlaceOrderHandler,
)
from application.ordering.queries import OrderQueries
from application.shared.health import StorageHealth

__all__ = ["Services", "provide", "services"]

T = TypeVar("T")


class Services(Protocol):
    # identity
    register_user: Callable[[], RegisterUserHandler]
    register_users: Callable[[], RegisterUsersHandler]
    replace_user: Callable[[], ReplaceUserHandler]
    patch_user: Callable[[], PatchUserHandler]
    deactivate_user: Callable[[], DeactivateUserHandler]
    deactivate_stale_users: Callable[[], DeactivateStaleUsersHandler]
    purge_inactive_users: Callable[[], PurgeInactiveUsersHandler]
    user_queries: Callable[[], UserQueries]
    # catalog
    create_category: Callable[[], CreateCategoryHandler]
    update_category: Callable[[], UpdateCategoryHandler]
    delete_category: Callable[[], DeleteCategoryHandler]
    create_product: Callable[[], CreateProductHandler]
    update_product: Callable[[], UpdateProductHandler]
    delete_product: Callable[[], DeleteProductHandler]
    adjust_stock: Callable[[], AdjustStockHandler]
    category_queries: Callable[[], CategoryQueries]
    product_queries: Callable[[], ProductQueries]
    # ordering
    place_order: Callable[[], PlaceOrderHandler]
    change_order_status: Callable[[], ChangeOrderStatusHandler]
    pay_order: Callable[[], PayOrderHandler]
    order_queries: Callable[[], OrderQueries]
    # operations
    storage_health: Callable[[], StorageHealth]


def services(request: Request) -> Services:
    """The app's services; call a member for a fresh use case or query port."""
    return cast(Services, request.app.state.services)


def provide(pick: Callable[[Services], Callable[[], T]]) -> Any:
    """A `Depends` giving a fresh `T` from the app's services for each request."""

    async def dependency(request: Request) -> T:
        return pick(services(request))()

    return Depends(dependency)
