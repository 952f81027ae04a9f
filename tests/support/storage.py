"""One storage backend — memory, SQLite or PostgreSQL — behind the same ports, for tests.

    async with open_storage("sqlite", tmp_path=tmp_path) as storage:
        user = await storage.use_cases.register_user(RegisterUser(...))
        page = await storage.users.list(USER_LIST.query())

A `Storage` carries a unit-of-work factory, the four query ports and the health port of one
backend, plus deterministic driven ports (a clock that moves only when told, counting order
numbers, a cheap hasher), so that the same test gives the same answer on every backend.
Every backend starts in the migrated state: the four default categories, nothing else.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.memory import (
    InMemoryCategoryQueries,
    InMemoryOrderQueries,
    InMemoryProductQueries,
    InMemoryStorageHealth,
    InMemoryStore,
    InMemoryUnitOfWork,
    InMemoryUserQueries,
)
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
    start_mappers,
)
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
from application.shared.ports import Clock, OrderNumbers, PasswordHasher
from application.shared.unit_of_work import UnitOfWork
from domain.catalog.category import Category
from tests.support.databases import DEFAULT_CATEGORIES, SharedPostgres, migrated_sqlite_url

__all__ = [
    "BACKENDS",
    "START",
    "CountingOrderNumbers",
    "PlainHasher",
    "SteppingClock",
    "Storage",
    "UseCases",
    "memory_storage",
    "open_storage",
    "seeded_memory_store",
    "sql_storage",
]

BACKENDS = ("memory", "sqlite", "postgres")
START = datetime(2026, 3, 1, 9, 30, 0, 123456, tzinfo=UTC)


class SteppingClock(Clock):
    """Time stands still until a test moves it (microseconds included, as databases keep)."""

    def __init__(self, now: datetime = START) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> datetime:
        self.current += timedelta(**delta)
        return self.current


class CountingOrderNumbers(OrderNumbers):
    """000001, 000002, ...: order numbers every backend hands out alike."""

    def __init__(self) -> None:
        self.count = 0

    def suffix(self) -> str:
        self.count += 1
        return f"{self.count:06X}"


class PlainHasher(PasswordHasher):
    """Not a hash at all: storage tests care where it is stored, not how it is made."""

    def hash(self, password: str) -> str:
        return f"plain${password}"

    def verify(self, hashed: str, password: str) -> bool:
        return hashed == f"plain${password}"


@dataclass
class UseCases:
    """The write use cases, wired to one backend's units of work."""

    make_uow: Callable[[], UnitOfWork]
    clock: SteppingClock
    order_numbers: CountingOrderNumbers
    hasher: PasswordHasher = field(default_factory=PlainHasher)

    @property
    def register_user(self) -> RegisterUserHandler:
        return RegisterUserHandler(self.make_uow(), self.clock, self.hasher)

    @property
    def register_users(self) -> RegisterUsersHandler:
        return RegisterUsersHandler(self.make_uow(), self.clock, self.hasher)

    @property
    def replace_user(self) -> ReplaceUserHandler:
        return ReplaceUserHandler(self.make_uow(), self.clock, self.hasher)

    @property
    def patch_user(self) -> PatchUserHandler:
        return PatchUserHandler(self.make_uow(), self.clock, self.hasher)

    @property
    def deactivate_user(self) -> DeactivateUserHandler:
        return DeactivateUserHandler(self.make_uow(), self.clock)

    @property
    def deactivate_stale_users(self) -> DeactivateStaleUsersHandler:
        return DeactivateStaleUsersHandler(self.make_uow(), self.clock)

    @property
    def purge_inactive_users(self) -> PurgeInactiveUsersHandler:
        return PurgeInactiveUsersHandler(self.make_uow())

    @property
    def create_category(self) -> CreateCategoryHandler:
        return CreateCategoryHandler(self.make_uow(), self.clock)

    @property
    def update_category(self) -> UpdateCategoryHandler:
        return UpdateCategoryHandler(self.make_uow(), self.clock)

    @property
    def delete_category(self) -> DeleteCategoryHandler:
        return DeleteCategoryHandler(self.make_uow(), self.clock)

    @property
    def create_product(self) -> CreateProductHandler:
        return CreateProductHandler(self.make_uow(), self.clock)

    @property
    def update_product(self) -> UpdateProductHandler:
        return UpdateProductHandler(self.make_uow(), self.clock)

    @property
    def delete_product(self) -> DeleteProductHandler:
        return DeleteProductHandler(self.make_uow(), self.clock)

    @property
    def adjust_stock(self) -> AdjustStockHandler:
        return AdjustStockHandler(self.make_uow(), self.clock)

    @property
    def place_order(self) -> PlaceOrderHandler:
        return PlaceOrderHandler(self.make_uow(), self.clock, self.order_numbers)

    @property
    def change_order_status(self) -> ChangeOrderStatusHandler:
        return ChangeOrderStatusHandler(self.make_uow(), self.clock)

    @property
    def pay_order(self) -> PayOrderHandler:
        return PayOrderHandler(self.make_uow(), self.clock)


@dataclass
class Storage:
    backend: str
    make_uow: Callable[[], UnitOfWork]
    users: UserQueries
    categories: CategoryQueries
    products: ProductQueries
    orders: OrderQueries
    health: StorageHealth
    clock: SteppingClock
    use_cases: UseCases
    engine: AsyncEngine | None = None


def _storage(
    backend: str,
    make_uow: Callable[[], UnitOfWork],
    queries: tuple[UserQueries, CategoryQueries, ProductQueries, OrderQueries],
    health: StorageHealth,
    engine: AsyncEngine | None = None,
) -> Storage:
    clock = SteppingClock()
    users, categories, products, orders = queries
    return Storage(
        backend=backend,
        make_uow=make_uow,
        users=users,
        categories=categories,
        products=products,
        orders=orders,
        health=health,
        clock=clock,
        use_cases=UseCases(make_uow, clock, CountingOrderNumbers()),
        engine=engine,
    )


async def seeded_memory_store(now: datetime = START) -> InMemoryStore:
    """An in-memory store holding what the data migration seeds: the default categories."""
    store = InMemoryStore()
    async with InMemoryUnitOfWork(store) as uow:
        for name, slug, description in DEFAULT_CATEGORIES:
            await uow.categories.add(
                Category.create(name=name, slug=slug, description=description, now=now)
            )
        await uow.commit()
    return store


def memory_storage(store: InMemoryStore) -> Storage:
    return _storage(
        "memory",
        lambda: InMemoryUnitOfWork(store),
        (
            InMemoryUserQueries(store),
            InMemoryCategoryQueries(store),
            InMemoryProductQueries(store),
            InMemoryOrderQueries(store),
        ),
        InMemoryStorageHealth(),
    )


def sql_storage(engine: AsyncEngine) -> Storage:
    # Before any entity is made: instances created earlier would lack the instrumentation.
    start_mappers()
    sessions = create_session_factory(engine)
    return _storage(
        engine.dialect.name if engine.dialect.name == "sqlite" else "postgres",
        lambda: SqlAlchemyUnitOfWork(sessions),
        (
            SqlAlchemyUserQueries(engine),
            SqlAlchemyCategoryQueries(engine),
            SqlAlchemyProductQueries(engine),
            SqlAlchemyOrderQueries(engine),
        ),
        SqlAlchemyStorageHealth(engine),
        engine,
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
        yield sql_storage(await shared_postgres.engine())
    else:  # pragma: no cover - a typo in a test
        raise ValueError(f"unknown backend {backend!r}")
