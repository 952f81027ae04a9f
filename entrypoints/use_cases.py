"""Every use case and query port the entrypoints may call: the one list of them.

    UseCases
    ├── what they are built from   (Dependency: given by the composition root)
    │   unit_of_work, clock, hasher, order_numbers, access_tokens, lifetimes,
    │   user_queries, category_queries, product_queries, order_queries, storage_health,
    │   item_queries, notification_queries
    ├── one Factory per use case   register_user, place_order, log_in, ...   (a fresh handler,
    │                              hence a fresh unit of work, per call)
    └── the reads                  user_reads, product_reads, order_reads, item_reads,
                                   notification_reads: the query ports with the access
                                   rules applied (who may see what)

A use case whose rule depends on who asks takes the caller first: `place_order()(actor,
command)`. Routes reach the read side through the `*_reads`, or through a query port directly
when their rule lets only admins in (lists of users, stats, exports).

This module names ports and use cases only, never an adapter: the HTTP routers and the CLI
take what they need from here (`use_cases.place_order()`), while `entrypoints/container.py`,
the composition root, decides which adapters fill the dependencies. A new use case is one
line here; a new port one `Dependency` here and its adapters there.
"""

from __future__ import annotations

from datetime import timedelta

from dependency_injector import containers, providers

from application.catalog.handlers import (
    AdjustStockHandler,
    CreateCategoryHandler,
    CreateProductHandler,
    DeleteCategoryHandler,
    DeleteProductHandler,
    SeedCategoriesHandler,
    UpdateCategoryHandler,
    UpdateProductHandler,
)
from application.catalog.queries import CategoryQueries, ProductQueries
from application.catalog.reads import ProductReads
from application.content.handlers import (
    ChangePostStatusHandler,
    CreatePostHandler,
    DeletePostHandler,
    RestorePostHandler,
    UpdatePostHandler,
    ViewPostHandler,
)
from application.content.queries import PostQueries, TagQueries
from application.content.reads import PostReads
from application.identity.handlers import (
    CreateAdminHandler,
    DeactivateStaleUsersHandler,
    DeactivateUserHandler,
    EditUserHandler,
    PurgeInactiveUsersHandler,
    RegisterUserHandler,
    RegisterUsersHandler,
)
from application.identity.queries import UserQueries
from application.identity.reads import UserReads
from application.identity.sessions import (
    AuthenticateHandler,
    LogInHandler,
    LogOutHandler,
    ReadAccessTokenHandler,
    RefreshHandler,
)
from application.identity.tokens import AccessTokens
from application.items.handlers import (
    CreateItemHandler,
    DeleteItemHandler,
    TransferItemHandler,
    UpdateItemHandler,
)
from application.items.queries import ItemQueries
from application.items.reads import ItemReads
from application.notifications.handlers import (
    MarkAllNotificationsReadHandler,
    MarkNotificationReadHandler,
)
from application.notifications.queries import NotificationQueries
from application.notifications.reads import NotificationReads
from application.ordering.handlers import (
    ChangeOrderStatusHandler,
    PayOrderHandler,
    PlaceOrderHandler,
)
from application.ordering.ports import CreditPayments
from application.ordering.queries import OrderQueries
from application.ordering.reads import OrderReads
from application.shared.health import StorageHealth
from application.shared.ports import Clock, OrderNumbers, PasswordHasher
from application.shared.unit_of_work import UnitOfWork
from application.stores.handlers import DeactivateStoreHandler, OpenStoreHandler
from application.wallet.handlers import GrantCreditsHandler, TransferCreditsHandler
from application.wallet.queries import WalletQueries
from application.wallet.reads import WalletReads

__all__ = ["UseCases"]


class UseCases(containers.DeclarativeContainer):
    # -- what the use cases are built from: the composition root provides each one -------
    # (typed here for mypy; not checked at run time, so that tests may provide stand-ins)
    unit_of_work: providers.Dependency[UnitOfWork] = providers.Dependency()
    clock: providers.Dependency[Clock] = providers.Dependency()
    hasher: providers.Dependency[PasswordHasher] = providers.Dependency()
    order_numbers: providers.Dependency[OrderNumbers] = providers.Dependency()
    # How long a stored answer serves retries with the same Idempotency-Key.
    idempotency_ttl: providers.Dependency[timedelta] = providers.Dependency()
    access_tokens: providers.Dependency[AccessTokens] = providers.Dependency()
    refresh_lifetime: providers.Dependency[timedelta] = providers.Dependency()
    # How orders are paid with credits (ordering's port; the wallet implements it).
    credit_payments: providers.Dependency[CreditPayments] = providers.Dependency()

    # -- the read side: stateless, shared by every request --------------------------------
    user_queries: providers.Dependency[UserQueries] = providers.Dependency()
    category_queries: providers.Dependency[CategoryQueries] = providers.Dependency()
    product_queries: providers.Dependency[ProductQueries] = providers.Dependency()
    order_queries: providers.Dependency[OrderQueries] = providers.Dependency()
    wallet_queries: providers.Dependency[WalletQueries] = providers.Dependency()
    storage_health: providers.Dependency[StorageHealth] = providers.Dependency()
    post_queries: providers.Dependency[PostQueries] = providers.Dependency()
    tag_queries: providers.Dependency[TagQueries] = providers.Dependency()
    # ... and as a caller may see it.
    user_reads = providers.Factory(UserReads, user_queries)
    product_reads = providers.Factory(ProductReads, product_queries)
    order_reads = providers.Factory(OrderReads, order_queries, user_queries)
    post_reads = providers.Factory(PostReads, post_queries, tag_queries, user_queries)
    wallet_reads = providers.Factory(WalletReads, wallet_queries)

    # -- sessions ---------------------------------------------------------------------------
    log_in = providers.Factory(
        LogInHandler, unit_of_work, clock, hasher, access_tokens, refresh_lifetime
    )
    refresh = providers.Factory(
        RefreshHandler, unit_of_work, clock, access_tokens, refresh_lifetime
    )
    log_out = providers.Factory(LogOutHandler, unit_of_work, clock)
    read_access_token = providers.Factory(ReadAccessTokenHandler, clock, access_tokens)
    authenticate = providers.Factory(AuthenticateHandler, user_queries)

    # -- identity ---------------------------------------------------------------------------
    register_user = providers.Factory(RegisterUserHandler, unit_of_work, clock, hasher)
    register_users = providers.Factory(RegisterUsersHandler, unit_of_work, clock, hasher)
    edit_user = providers.Factory(EditUserHandler, unit_of_work, clock, hasher)
    deactivate_user = providers.Factory(DeactivateUserHandler, unit_of_work, clock)
    deactivate_stale_users = providers.Factory(DeactivateStaleUsersHandler, unit_of_work, clock)
    purge_inactive_users = providers.Factory(PurgeInactiveUsersHandler, unit_of_work)
    create_admin = providers.Factory(CreateAdminHandler, unit_of_work, clock, hasher)

    # -- catalog ----------------------------------------------------------------------------
    create_category = providers.Factory(CreateCategoryHandler, unit_of_work, clock)
    update_category = providers.Factory(UpdateCategoryHandler, unit_of_work)
    delete_category = providers.Factory(DeleteCategoryHandler, unit_of_work, clock)
    seed_categories = providers.Factory(SeedCategoriesHandler, unit_of_work, clock)
    create_product = providers.Factory(CreateProductHandler, unit_of_work, clock)
    update_product = providers.Factory(UpdateProductHandler, unit_of_work, clock)
    delete_product = providers.Factory(DeleteProductHandler, unit_of_work)
    adjust_stock = providers.Factory(AdjustStockHandler, unit_of_work, clock, idempotency_ttl)

    # -- ordering ---------------------------------------------------------------------------
    place_order = providers.Factory(
        PlaceOrderHandler, unit_of_work, clock, order_numbers, idempotency_ttl
    )
    change_order_status = providers.Factory(
        ChangeOrderStatusHandler, unit_of_work, clock, credit_payments
    )
    pay_order = providers.Factory(
        PayOrderHandler, unit_of_work, clock, credit_payments, idempotency_ttl
    )

    # -- wallet -----------------------------------------------------------------------------
    grant_credits = providers.Factory(GrantCreditsHandler, unit_of_work, clock)
    transfer_credits = providers.Factory(
        TransferCreditsHandler, unit_of_work, clock, idempotency_ttl
    )

    # -- stores (the operator's, in no store: they see the stores and nothing else) ----------
    open_store = providers.Factory(OpenStoreHandler, unit_of_work, clock)
    deactivate_store = providers.Factory(DeactivateStoreHandler, unit_of_work)

    # -- content ----------------------------------------------------------------------------
    create_post = providers.Factory(CreatePostHandler, unit_of_work, clock)
    update_post = providers.Factory(UpdatePostHandler, unit_of_work, clock)
    change_post_status = providers.Factory(ChangePostStatusHandler, unit_of_work, clock)
    delete_post = providers.Factory(DeletePostHandler, unit_of_work, clock)
    restore_post = providers.Factory(RestorePostHandler, unit_of_work, clock)
    view_post = providers.Factory(ViewPostHandler, unit_of_work, post_queries)
    # -- items --------------------------------------------------------------------------------
    item_queries: providers.Dependency[ItemQueries] = providers.Dependency()
    item_reads = providers.Factory(ItemReads, item_queries)
    create_item = providers.Factory(CreateItemHandler, unit_of_work, clock)
    update_item = providers.Factory(UpdateItemHandler, unit_of_work, clock)
    delete_item = providers.Factory(DeleteItemHandler, unit_of_work)
    transfer_item = providers.Factory(TransferItemHandler, unit_of_work, clock)

    # -- notifications ------------------------------------------------------------------------
    notification_queries: providers.Dependency[NotificationQueries] = providers.Dependency()
    notification_reads = providers.Factory(NotificationReads, notification_queries)
    mark_notification_read = providers.Factory(MarkNotificationReadHandler, unit_of_work, clock)
    mark_all_notifications_read = providers.Factory(
        MarkAllNotificationsReadHandler, unit_of_work, clock
    )
