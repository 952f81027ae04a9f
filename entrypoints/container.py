"""The composition root: the one module that names concrete adapters.

    Container
    ├── config                    from Settings (DATABASE_URL picks `backend`)
    ├── clock, hasher, order_numbers, access_tokens  Singletons
    ├── sqlalchemy set            primary engine, optional replica engine, session factory
    ├── memory set                one InMemoryStore
    ├── unit_of_work, *_queries, storage_health      Selector(backend): sqlalchemy | memory
    └── use_cases                 the `UseCases` container (entrypoints/use_cases.py), its
                                  dependencies filled with the providers above

The use cases are listed once, in `UseCases`, which names no adapter; this module decides
which adapters they are built from. Each use-case provider is a `Factory` over the `Factory`
of the unit of work: each call, hence each request, gets a new handler with its own UoW, and
so its own session. Engines, the store and the query adapters (stateless: each read takes its
own connection) are `Singleton`s, created on first use (never at import time):
`open_storage` creates the engines when the app starts and `close_storage` disposes of them
on shutdown and forgets every singleton.

Every backend starts with the default categories (application/catalog/defaults.py): a SQL
database from its data migration (`prepare_storage`), the in-memory store, new at each start,
from the `seed_categories` use case in `open_storage`.

Tests build this container and swap a provider with
`container.clock.override(providers.Object(...))` rather than patching: the use cases see
the override, since their dependencies are these very providers.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from datetime import timedelta
from typing import Any

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
from adapters.system import RandomOrderNumbers, SystemClock
from application.catalog.commands import SeedCategories
from application.identity.commands import CreateAdmin
from domain.shared.errors import DuplicateValue
from entrypoints.settings import Settings
from entrypoints.use_cases import UseCases

__all__ = ["Container", "build_container", "close_storage", "open_storage", "prepare_storage"]

log = logging.getLogger(__name__)


class Container(containers.DeclarativeContainer):
    config = providers.Configuration(strict=True)

    # -- driven ports that are not storage ------------------------------------------------
    clock = providers.Singleton(SystemClock)
    hasher = providers.Singleton(Argon2PasswordHasher)
    order_numbers = providers.Singleton(RandomOrderNumbers)
    access_token_lifetime = providers.Factory(timedelta, minutes=config.access_token_minutes)
    access_tokens = providers.Singleton(JwtAccessTokens, config.jwt_secret, access_token_lifetime)
    refresh_lifetime = providers.Factory(timedelta, days=config.refresh_token_days)

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

    # -- the in-memory set ------------------------------------------------------------------
    store = providers.Singleton(InMemoryStore)

    # -- ports, switched as a whole by DATABASE_URL ----------------------------------------
    unit_of_work = providers.Selector(
        config.backend,
        sqlalchemy=providers.Factory(SqlAlchemyUnitOfWork, session_factory),
        memory=providers.Factory(InMemoryUnitOfWork, store),
    )
    # Query adapters hold nothing of a request (every read takes its own connection), so
    # each is made once and shared; a unit of work is never shared.
    user_queries = providers.Selector(
        config.backend,
        sqlalchemy=providers.Singleton(SqlAlchemyUserQueries, read_engine),
        memory=providers.Singleton(InMemoryUserQueries, store),
    )
    category_queries = providers.Selector(
        config.backend,
        sqlalchemy=providers.Singleton(SqlAlchemyCategoryQueries, read_engine),
        memory=providers.Singleton(InMemoryCategoryQueries, store),
    )
    product_queries = providers.Selector(
        config.backend,
        sqlalchemy=providers.Singleton(SqlAlchemyProductQueries, read_engine),
        memory=providers.Singleton(InMemoryProductQueries, store),
    )
    order_queries = providers.Selector(
        config.backend,
        sqlalchemy=providers.Singleton(SqlAlchemyOrderQueries, read_engine),
        memory=providers.Singleton(InMemoryOrderQueries, store),
    )
    storage_health = providers.Selector(
        config.backend,
        sqlalchemy=providers.Factory(SqlAlchemyStorageHealth, primary_engine),
        memory=providers.Factory(InMemoryStorageHealth),
    )

    # How long a stored answer serves retries with the same Idempotency-Key.
    idempotency_ttl = providers.Factory(timedelta, seconds=config.idempotency_ttl_seconds)

    # -- what the entrypoints call: every use case and query port, built from the above -----
    use_cases = providers.Container(
        UseCases,
        unit_of_work=unit_of_work,
        clock=clock,
        hasher=hasher,
        order_numbers=order_numbers,
        idempotency_ttl=idempotency_ttl,
        access_tokens=access_tokens,
        refresh_lifetime=refresh_lifetime,
        user_queries=user_queries,
        category_queries=category_queries,
        product_queries=product_queries,
        order_queries=order_queries,
        storage_health=storage_health,
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
    a signing key made for this process: a command that signs nobody in has no use for it."""
    if _uses_sql(container):
        start_mappers()
        container.primary_engine()
        container.read_engine()
    else:
        # Through the use case, as any write: one seeded already keeps what it has.
        await container.use_cases().seed_categories()(SeedCategories())
    if serving and container.config.jwt_secret_generated():
        log.warning(
            "JWT_SECRET is not set: access tokens are signed with a key made for this "
            "process only; they will not survive a restart or work across workers"
        )
    await _ensure_start_up_admin(container)


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
