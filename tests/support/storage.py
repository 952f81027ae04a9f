"""One storage backend — memory, SQLite or PostgreSQL — behind the same ports, for tests.

    async with open_storage("sqlite", tmp_path=tmp_path) as storage:
        user = await storage.use_cases.register_user()()(RegisterUser(...))
        page = await storage.users.list(USER_LIST.query())

A `Storage` carries the app's own `UseCases` for one backend, built by the real container
(`app_container`) with deterministic driven ports swapped in (a clock that moves only when
told, counting order numbers, a cheap hasher), so that the same test gives the same answer on
every backend; and, for short, its unit-of-work factory, query ports and health port.
Every backend starts in the migrated state: the store "main" and its four default categories,
nothing else.

A `Storage` is one store's: the main store's unless a test asks for another. Tests of
stores open one more with `await storage.open_store("north")` (the operator's use case, as
`storefront stores create` runs it), which answers a `Storage` of the same backend and
clock in that store, and reach any store's by id with `storage.in_store(store_id)`.

On PostgreSQL the app's side connects as the app's role (`SharedPostgres.app_engine`), which
row-level security holds, as a deployment's does; resetting the shared database between tests
is the owner's work.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from dependency_injector import providers
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.memory import InMemoryStore, InMemoryUnitOfWork
from adapters.sqlalchemy import EngineSettings, create_engine, start_mappers
from application.catalog.commands import SeedCategories
from application.catalog.handlers import SeedCategoriesHandler
from application.catalog.queries import CategoryQueries, ProductQueries
from application.content.queries import PostQueries, TagQueries
from application.identity.queries import UserQueries
from application.ordering.queries import OrderQueries
from application.shared.health import StorageHealth
from application.shared.ports import Clock
from application.shared.unit_of_work import UnitOfWork
from application.stores.commands import OpenStore
from application.stores.handlers import OpenStoreHandler
from domain.stores.store import MAIN_STORE
from entrypoints.container import MAIN_STORE_ID, NO_STORE_ID, Container, build_container
from entrypoints.settings import Settings
from entrypoints.use_cases import UseCases
from tests.support.databases import SharedPostgres, migrated_sqlite_url
from tests.support.fakes import START, CountingOrderNumbers, PlainHasher, SteppingClock

__all__ = [
    "BACKENDS",
    "START",
    "CountingOrderNumbers",
    "PlainHasher",
    "SteppingClock",
    "Storage",
    "app_container",
    "memory_storage",
    "open_storage",
    "seeded_memory_store",
    "sql_storage",
]

BACKENDS = ("memory", "sqlite", "postgres")


@dataclass
class Storage:
    backend: str
    make_uow: Callable[[], UnitOfWork]
    users: UserQueries
    categories: CategoryQueries
    products: ProductQueries
    orders: OrderQueries
    posts: PostQueries
    tags: TagQueries
    health: StorageHealth
    clock: SteppingClock
    use_cases: UseCases  # the app's own: call a member for a fresh use case
    container: Container
    store_id: int = MAIN_STORE_ID
    engine: AsyncEngine | None = None

    def in_store(self, store_id: int) -> Storage:
        """The same backend and clock, in the store `store_id`."""
        return _storage(self.backend, self.container, self.clock, store_id)

    async def open_store(self, slug: str) -> Storage:
        """A new store (the operator's use case), and this backend in it."""
        opened = await self.container.store_scopes()(NO_STORE_ID).open_store()(
            OpenStore(slug, slug.title())
        )
        assert opened.id is not None
        return self.in_store(opened.id)


def app_container(
    database_url: str,
    clock: Clock,
    *,
    engine: AsyncEngine | None = None,
    memory: InMemoryStore | None = None,
) -> Container:
    """The app's own container for `database_url`, with deterministic driven ports: a clock
    that moves only when told, counting order numbers, a cheap hasher. An `engine` or a
    `memory` storage given is used instead of a new one."""
    container = build_container(Settings(database_url=database_url))
    container.clock.override(providers.Object(clock))
    container.order_numbers.override(providers.Object(CountingOrderNumbers()))
    container.hasher.override(providers.Object(PlainHasher()))
    if engine is not None:
        container.primary_engine.override(providers.Object(engine))
    if memory is not None:
        container.memory.override(providers.Object(memory))
    return container


def _storage(
    backend: str, container: Container, clock: SteppingClock, store_id: int = MAIN_STORE_ID
) -> Storage:
    use_cases: UseCases = container.store_scopes()(store_id)
    return Storage(
        backend=backend,
        make_uow=use_cases.unit_of_work,
        users=use_cases.user_queries(),
        categories=use_cases.category_queries(),
        products=use_cases.product_queries(),
        orders=use_cases.order_queries(),
        posts=use_cases.post_queries(),
        tags=use_cases.tag_queries(),
        health=use_cases.storage_health(),
        clock=clock,
        use_cases=use_cases,
        container=container,
        store_id=store_id,
        engine=container.primary_engine() if container.config.backend() == "sqlalchemy" else None,
    )


async def seeded_memory_store(now: datetime = START) -> InMemoryStore:
    """An in-memory storage holding what the migrations make: the store "main" (the first
    opened, so its id is 1, as the migration's) and its default categories, put there by the
    use cases the app starts its own in-memory storage with."""
    memory, clock = InMemoryStore(), SteppingClock(now)
    stores = InMemoryUnitOfWork(memory.of_store(NO_STORE_ID))
    main = await OpenStoreHandler(stores, clock)(OpenStore(MAIN_STORE, "Main"))
    assert main.id == MAIN_STORE_ID
    await SeedCategoriesHandler(InMemoryUnitOfWork(memory.of_store(MAIN_STORE_ID)), clock)(
        SeedCategories()
    )
    return memory


def memory_storage(memory: InMemoryStore) -> Storage:
    clock = SteppingClock()
    return _storage("memory", app_container("memory://", clock, memory=memory), clock)


def sql_storage(engine: AsyncEngine) -> Storage:
    # Before any entity is made: instances created earlier would lack the instrumentation.
    start_mappers()
    clock = SteppingClock()
    container = app_container(
        engine.url.render_as_string(hide_password=False), clock, engine=engine
    )
    return _storage(
        engine.dialect.name if engine.dialect.name == "sqlite" else "postgres", container, clock
    )


@asynccontextmanager
async def open_storage(
    backend: str, *, tmp_path: Path, shared_postgres: SharedPostgres | None = None
) -> AsyncIterator[Storage]:
    """A backend in its migrated state. PostgreSQL needs the session's `SharedPostgres`."""
    if backend == "memory":
        yield memory_storage(await seeded_memory_store())
    elif backend == "sqlite":
        engine = create_engine(await migrated_sqlite_url(tmp_path), EngineSettings(pool_size=2))
        try:
            yield sql_storage(engine)
        finally:
            await engine.dispose()
    elif backend == "postgres":
        assert shared_postgres is not None, "PostgreSQL storage needs the shared database"
        yield sql_storage(await shared_postgres.app_engine())
    else:  # pragma: no cover - a typo in a test
        raise ValueError(f"unknown backend {backend!r}")
