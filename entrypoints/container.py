"""The composition root: the one module that names concrete adapters.

    Container                     what the whole app shares
    ├── config                    from Settings (DATABASE_URL picks `backend`)
    ├── clock, hasher, order_numbers, access_tokens  Singletons
    ├── event_bus                 the handlers of committed events (application/subscriptions.py),
                                  given to every unit of work
    ├── sqlalchemy set            primary engine, optional replica engine, session factory
    ├── memory                    one InMemoryStore (a part of it per store)
    ├── store_queries, store_directory, storage_health   what belongs to no store
    └── store_scopes              each store's `StoreScope`, made on first use and kept;
                                  `use_cases` is the main store's
    StoreScope                    one store's side
    ├── unit_of_work, *_queries   Selector(backend): sqlalchemy | memory, opened for the store
    └── use_cases                 the `UseCases` container (entrypoints/use_cases.py), its
                                  dependencies filled with the providers above

The use cases are listed once, in `UseCases`, which names no adapter and no store; this module
decides which adapters they are built from, and for which store. A request's store is found
at the HTTP edge, which takes that store's use cases (`store_scopes()(store_id)`): so every
unit of work and query a request can reach keeps to its store, and a new context's use cases
are isolated with no code of theirs. Each use-case provider is a `Factory` over the `Factory`
of the unit of work: each call, hence each request, gets a new handler with its own UoW, and
so its own session. Engines, the in-memory storage and the query adapters (stateless: each
read takes its own connection) are `Singleton`s, created on first use (never at import time):
`open_storage` creates the engines when the app starts and `close_storage` disposes of them
on shutdown and forgets every singleton, every store's included.

Every backend starts with the store "main" and its default categories
(application/catalog/defaults.py): a SQL database from its migrations (`prepare_storage`),
the in-memory storage, new at each start, from the `open_store` and `seed_categories` use
cases in `open_storage`.

Tests build this container and swap a provider with
`container.clock.override(providers.Object(...))` rather than patching: the use cases see
the override, since their dependencies are these very providers.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from datetime import timedelta
from typing import Any, Final

from dependency_injector import containers, providers

from adapters.memory import (
    InMemoryCategoryQueries,
    InMemoryOrderQueries,
    InMemoryProductQueries,
    InMemoryStorageHealth,
    InMemoryStore,
    InMemoryUnitOfWork,
    InMemoryUserQueries,
)
from adapters.memory.content.queries import InMemoryPostQueries, InMemoryTagQueries
from adapters.memory.items.queries import InMemoryItemQueries
from adapters.memory.notifications.queries import InMemoryNotificationQueries
from adapters.memory.stores.queries import InMemoryStoreQueries
from adapters.memory.wallet.queries import InMemoryWalletQueries
from adapters.security import Argon2PasswordHasher, JwtAccessTokens
from adapters.sqlalchemy import (
    EngineSettings,
    SqlAlchemyCategoryQueries,
    SqlAlchemyOrderQueries,
    SqlAlchemyProductQueries,
    SqlAlchemyStorageHealth,
    SqlAlchemyUnitOfWork,
    SqlAlchemyUserQueries,
    create_engine,
    create_session_factory,
    migrate,
    start_mappers,
)
from adapters.sqlalchemy.content.queries import SqlAlchemyPostQueries, SqlAlchemyTagQueries
from adapters.sqlalchemy.health import row_security
from adapters.sqlalchemy.items.queries import SqlAlchemyItemQueries
from adapters.sqlalchemy.notifications.queries import SqlAlchemyNotificationQueries
from adapters.sqlalchemy.stores.queries import SqlAlchemyStoreQueries
from adapters.sqlalchemy.wallet.queries import SqlAlchemyWalletQueries
from adapters.system import RandomOrderNumbers, SystemClock
from application.catalog.commands import SeedCategories
from application.identity.commands import CreateAdmin
from application.shared.events import EventBus
from application.stores.commands import OpenStore
from application.stores.queries import StoreDirectory
from application.subscriptions import SUBSCRIPTIONS
from application.wallet.credit_payments import WalletCreditPayments
from domain.shared.errors import DuplicateValue
from domain.stores.store import MAIN_STORE
from entrypoints.settings import Settings
from entrypoints.use_cases import UseCases

__all__ = ["Container", "build_container", "close_storage", "open_storage", "prepare_storage"]

log = logging.getLogger(__name__)

MAIN_STORE_ID: Final = 1
"""The id of the store "main": the migration that made stores gives it 1, and so does a new
in-memory storage, where it is the first store opened."""
NO_STORE_ID: Final = 0
"""A store no row belongs to: the operator's use cases over the stores themselves run in it,
and see the stores and nothing else."""


class StoreScopes:
    """Each store's use cases, made on first use and kept: a store's query adapters and
    unit-of-work factory hold no request's state, so every request of a store shares them."""

    def __init__(self, container: Container) -> None:
        self._container = container
        self._scopes: dict[int, StoreScope] = {}

    def __call__(self, store_id: int) -> UseCases:
        scope = self._scopes.get(store_id)
        if scope is None:
            scope = self._scopes[store_id] = StoreScope(
                app=self._container,
                backend=providers.Object(self._container.config.backend()),
                store_id=providers.Object(store_id),
            )
        return scope.use_cases()

    def main(self) -> UseCases:
        return self(MAIN_STORE_ID)


class Container(containers.DeclarativeContainer):
    """What the whole app shares, whatever the store: configuration, engines, the in-memory
    storage, the driven ports that are not storage, and the directory of stores."""

    config = providers.Configuration(strict=True)

    # -- driven ports that are not storage ------------------------------------------------
    clock = providers.Singleton(SystemClock)
    hasher = providers.Singleton(Argon2PasswordHasher)
    order_numbers = providers.Singleton(RandomOrderNumbers)
    access_token_lifetime = providers.Factory(timedelta, minutes=config.access_token_minutes)
    access_tokens = providers.Singleton(JwtAccessTokens, config.jwt_secret, access_token_lifetime)
    refresh_lifetime = providers.Factory(timedelta, days=config.refresh_token_days)
    # How long a stored answer serves retries with the same Idempotency-Key.
    idempotency_ttl = providers.Factory(timedelta, seconds=config.idempotency_ttl_seconds)

    # What runs after a commit: every unit of work hands its committed events to this bus.
    event_bus = providers.Singleton(EventBus, SUBSCRIPTIONS)

    # -- the SQLAlchemy set -----------------------------------------------------------------
    engine_settings = providers.Singleton(
        EngineSettings,
        pool_size=config.db_pool_size,
        max_overflow=config.db_max_overflow,
        pool_timeout=config.db_pool_timeout,
        pool_recycle=config.db_pool_recycle,
        pool_pre_ping=config.db_pool_pre_ping,
        echo=config.db_echo,
        sqlite_busy_timeout_ms=config.sqlite_busy_timeout_ms,
        query_cache_size=config.db_query_cache_size,
    )
    primary_engine = providers.Singleton(create_engine, config.database_url, engine_settings)
    replica_engine = providers.Singleton(create_engine, config.read_replica_url, engine_settings)
    # Queries read from the replica when there is one, else from the primary.
    read_engine = providers.Selector(
        config.read_from, primary=primary_engine, replica=replica_engine
    )
    session_factory = providers.Singleton(create_session_factory, primary_engine)

    # -- the in-memory set: one storage, a part of it per store -----------------------------
    memory = providers.Singleton(InMemoryStore)

    # -- what belongs to no store -----------------------------------------------------------
    store_queries = providers.Selector(
        config.backend,
        sqlalchemy=providers.Singleton(SqlAlchemyStoreQueries, primary_engine),
        memory=providers.Singleton(InMemoryStoreQueries, memory),
    )
    store_directory = providers.Singleton(
        StoreDirectory,
        store_queries,
        clock,
        providers.Factory(timedelta, seconds=config.store_cache_seconds),
    )
    storage_health = providers.Selector(
        config.backend,
        sqlalchemy=providers.Factory(SqlAlchemyStorageHealth, primary_engine),
        memory=providers.Factory(InMemoryStorageHealth),
    )

    # -- each store's use cases (`StoreScope`, below), and the main store's ------------------
    __self__ = providers.Self()
    store_scopes = providers.Singleton(StoreScopes, __self__)
    # The command line's and the tests' store unless they name another.
    use_cases = providers.Callable(StoreScopes.main, store_scopes)


class StoreScope(containers.DeclarativeContainer):
    """One store's side of the composition: its unit of work and query ports, opened for it,
    and the use cases built on them. Every unit of work it makes, and every query port,
    keeps to `store_id`; the use cases never name a store."""

    app = providers.DependenciesContainer()
    backend = providers.Dependency(instance_of=str)
    store_id = providers.Dependency(instance_of=int)

    # The part of the in-memory storage holding this store's rows (memory:// only).
    memory = providers.Singleton(InMemoryStore.of_store, app.memory, store_id)

    unit_of_work = providers.Selector(
        backend,
        sqlalchemy=providers.Factory(
            SqlAlchemyUnitOfWork, app.session_factory, store_id, app.event_bus
        ),
        memory=providers.Factory(InMemoryUnitOfWork, memory, app.event_bus),
    )
    # Query adapters hold nothing of a request (every read takes its own connection), so
    # each is made once per store and shared; a unit of work is never shared.
    user_queries = providers.Selector(
        backend,
        sqlalchemy=providers.Singleton(SqlAlchemyUserQueries, app.read_engine, store_id),
        memory=providers.Singleton(InMemoryUserQueries, memory),
    )
    category_queries = providers.Selector(
        backend,
        sqlalchemy=providers.Singleton(SqlAlchemyCategoryQueries, app.read_engine, store_id),
        memory=providers.Singleton(InMemoryCategoryQueries, memory),
    )
    product_queries = providers.Selector(
        backend,
        sqlalchemy=providers.Singleton(SqlAlchemyProductQueries, app.read_engine, store_id),
        memory=providers.Singleton(InMemoryProductQueries, memory),
    )
    order_queries = providers.Selector(
        backend,
        sqlalchemy=providers.Singleton(SqlAlchemyOrderQueries, app.read_engine, store_id),
        memory=providers.Singleton(InMemoryOrderQueries, memory),
    )
    post_queries = providers.Selector(
        backend,
        sqlalchemy=providers.Singleton(SqlAlchemyPostQueries, app.read_engine, store_id),
        memory=providers.Singleton(InMemoryPostQueries, memory),
    )
    tag_queries = providers.Selector(
        backend,
        sqlalchemy=providers.Singleton(SqlAlchemyTagQueries, app.read_engine, store_id),
        memory=providers.Singleton(InMemoryTagQueries, memory),
    )
    item_queries = providers.Selector(
        backend,
        sqlalchemy=providers.Singleton(SqlAlchemyItemQueries, app.read_engine, store_id),
        memory=providers.Singleton(InMemoryItemQueries, memory),
    )
    notification_queries = providers.Selector(
        backend,
        sqlalchemy=providers.Singleton(SqlAlchemyNotificationQueries, app.read_engine, store_id),
        memory=providers.Singleton(InMemoryNotificationQueries, memory),
    )
    wallet_queries = providers.Selector(
        backend,
        sqlalchemy=providers.Singleton(SqlAlchemyWalletQueries, app.read_engine, store_id),
        memory=providers.Singleton(InMemoryWalletQueries, memory),
    )
    # Ordering pays with credits through its own port; the wallet's movements fill it.
    credit_payments = providers.Singleton(WalletCreditPayments)

    # -- what the entrypoints call: every use case and query port, built from the above -----
    use_cases = providers.Container(
        UseCases,
        unit_of_work=unit_of_work,
        clock=app.clock,
        hasher=app.hasher,
        order_numbers=app.order_numbers,
        idempotency_ttl=app.idempotency_ttl,
        access_tokens=app.access_tokens,
        refresh_lifetime=app.refresh_lifetime,
        user_queries=user_queries,
        category_queries=category_queries,
        product_queries=product_queries,
        order_queries=order_queries,
        wallet_queries=wallet_queries,
        credit_payments=credit_payments,
        storage_health=app.storage_health,
        post_queries=post_queries,
        tag_queries=tag_queries,
        item_queries=item_queries,
        notification_queries=notification_queries,
    )


def build_container(settings: Settings) -> Container:
    """A container configured from `settings`; nothing is connected yet."""
    container = Container()
    container.config.from_dict(
        {
            **settings.model_dump(),
            "jwt_secret": _signing_secret(settings),
            "jwt_secret_generated": settings.jwt_secret is None,
            "storefront_admin_password": (
                None
                if settings.storefront_admin_password is None
                else settings.storefront_admin_password.get_secret_value()
            ),
            "backend": settings.backend,
            "read_from": "replica" if settings.read_replica_url else "primary",
        }
    )
    return container


def _signing_secret(settings: Settings) -> str:
    """JWT_SECRET, or a key made for this process only (`open_storage` warns of it)."""
    if settings.jwt_secret is not None:
        return settings.jwt_secret.get_secret_value()
    return secrets.token_urlsafe(48)


def _uses_sql(container: Any) -> bool:
    return bool(container.config.backend() == "sqlalchemy")


async def open_storage(container: Any, *, serving: bool = True) -> None:
    """Create what the adapter set needs before the first request (engines, mappings), give
    an in-memory store what a migrated database holds (the default categories), and make sure
    the start-up admin of the settings exists, if they name one. Only for `serving`, warn of
    a signing key made for this process (a command that signs nobody in has no use for it)
    and of a database role that row-level security does not hold."""
    if _uses_sql(container):
        start_mappers()
        container.primary_engine()
        container.read_engine()
        if serving:
            await _warn_if_row_security_is_bypassed(container)
    else:
        # Through the use cases, as any write: a storage seeded already keeps what it has.
        scopes = container.store_scopes()
        if await container.store_queries().get_by_slug(MAIN_STORE) is None:
            await scopes(NO_STORE_ID).open_store()(OpenStore(MAIN_STORE, "Main"))
        await scopes.main().seed_categories()(SeedCategories())
    if serving and container.config.jwt_secret_generated():
        log.warning(
            "JWT_SECRET is not set: access tokens are signed with a key made for this "
            "process only; they will not survive a restart or work across workers"
        )
    await _ensure_start_up_admin(container)


async def _warn_if_row_security_is_bypassed(container: Any) -> None:
    try:
        security = await row_security(container.primary_engine())
    except Exception:  # the database may be down at start-up: the app starts anyway
        log.warning("could not tell whether row-level security holds for the app's role")
        return
    if security is not None and security.bypassed:
        log.warning(
            "the database role %r bypasses row-level security (%s): the stores are kept "
            "apart by the app alone; connect as a role made by `storefront db "
            "grant-app-role`",
            security.role,
            "; ".join(security.reasons),
        )


async def _ensure_start_up_admin(container: Any) -> None:
    config = container.config
    username = config.storefront_admin_username()
    if username is None:
        return
    command = CreateAdmin(
        username=username,
        email=config.storefront_admin_email(),
        password=config.storefront_admin_password(),
        existing_ok=True,
    )
    try:
        _, created = await container.use_cases().create_admin()(command)
    except DuplicateValue as error:
        raise RuntimeError(
            f"STOREFRONT_ADMIN_USERNAME names an account that is not an admin ({error.detail}): "
            "choose another username, or make that account an admin"
        ) from error
    if created:
        log.info("created the start-up admin %r", username)


async def close_storage(container: Any) -> None:
    """Dispose of the engines' pools; the next `open_storage` starts afresh."""
    if not _uses_sql(container):
        return
    engines = [container.primary_engine]
    if container.config.read_from() == "replica":
        engines.append(container.replica_engine)
    for provider in engines:
        await provider().dispose()
    # The next open_storage builds everything afresh: engines, the session factory, and the
    # query adapters that hold the old engines.
    container.reset_singletons()


async def prepare_storage(settings: Settings) -> None:
    """Bring the SQL schema to the newest revision (nothing to do for the memory set)."""
    if settings.backend == "sqlalchemy":
        # Alembic's runner is synchronous and starts its own event loop: keep it off ours.
        await asyncio.to_thread(migrate, settings.database_url)
