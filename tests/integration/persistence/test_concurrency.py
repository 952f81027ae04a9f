"""Concurrent use cases on a real database: no overselling, no lost update, no raw errors."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from pathlib import Path

import pytest

from adapters.sqlalchemy import EngineSettings, SqlAlchemyUnitOfWork, create_engine
from adapters.sqlalchemy.engine import create_session_factory
from application.ordering.commands import PlaceOrder
from application.shared.errors import Contention
from domain.ordering.order import OrderLine
from domain.shared.errors import InsufficientStock, StaleVersion
from entrypoints.container import MAIN_STORE_ID
from tests.contract.data import id_of, product, user
from tests.support.actors import customer
from tests.support.databases import SharedPostgres, migrated_sqlite_url
from tests.support.storage import Storage, sql_storage


async def test_concurrent_orders_never_oversell(storage: Storage) -> None:
    lamp = await product(storage, "Lamp", stock=10)
    buyers = [await user(storage, f"buyer_{n}") for n in range(15)]

    outcomes = await asyncio.gather(
        *(
            storage.use_cases.place_order()(
                customer(id_of(buyer)), PlaceOrder(lines=(OrderLine(id_of(lamp), 1),))
            )
            for buyer in buyers
        ),
        return_exceptions=True,
    )

    placed = [o for o in outcomes if not isinstance(o, BaseException)]
    refused = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(placed) == 10
    assert all(isinstance(error, InsufficientStock) for error in refused), refused
    view = await storage.products.get(id_of(lamp))
    assert view is not None
    assert (view.stock_quantity, view.version) == (0, 11)
    assert (await storage.orders.stats()).total_orders == 10


@pytest.mark.postgres
async def test_a_write_over_a_newer_version_is_refused_as_stale(
    shared_postgres: SharedPostgres,
) -> None:
    engine = await shared_postgres.app_engine()
    sessions = create_session_factory(engine)
    storage = sql_storage(engine)
    lamp = await product(storage, "Lamp", stock=10)
    now = storage.clock.now()

    async with SqlAlchemyUnitOfWork(sessions, MAIN_STORE_ID) as first:
        mine = await first.products.get(id_of(lamp))
        assert mine is not None
        async with SqlAlchemyUnitOfWork(sessions, MAIN_STORE_ID) as second:
            theirs = await second.products.get(id_of(lamp))
            assert theirs is not None
            theirs.reprice(Decimal("12.00"), now)
            await second.commit()
        mine.reprice(Decimal("99.00"), now)
        with pytest.raises(StaleVersion) as refused:
            await first.commit()

    assert (refused.value.expected, refused.value.actual) == (1, 2)
    view = await storage.products.get(id_of(lamp))
    assert view is not None
    assert (view.price, view.version) == (Decimal("12.00"), 2)


@pytest.mark.postgres
async def test_a_deadlock_surfaces_as_contention(shared_postgres: SharedPostgres) -> None:
    engine = await shared_postgres.app_engine()
    storage = sql_storage(engine)
    one = id_of(await product(storage, "One"))
    two = id_of(await product(storage, "Two"))
    sessions = create_session_factory(engine)
    both_hold_one = asyncio.Barrier(2)

    async def lock(first: int, then: int) -> None:
        # Deliberately against the id order the repository promises, to provoke it.
        async with SqlAlchemyUnitOfWork(sessions, MAIN_STORE_ID) as uow:
            await uow.products.get_for_update([first])
            await both_hold_one.wait()
            await uow.products.get_for_update([then])

    outcomes = await asyncio.gather(lock(one, two), lock(two, one), return_exceptions=True)

    assert sorted(type(o).__name__ for o in outcomes) == ["Contention", "NoneType"]


async def test_a_second_sqlite_writer_that_cannot_get_the_lock_is_contention(
    tmp_path: Path,
) -> None:
    engine = create_engine(
        await migrated_sqlite_url(tmp_path), EngineSettings(sqlite_busy_timeout_ms=50)
    )
    sessions = create_session_factory(engine)
    try:
        async with SqlAlchemyUnitOfWork(sessions, MAIN_STORE_ID) as first:
            await first.categories.get(1)  # BEGIN IMMEDIATE: first holds the write lock
            with pytest.raises(Contention):
                async with SqlAlchemyUnitOfWork(sessions, MAIN_STORE_ID) as second:
                    await second.categories.get(1)
    finally:
        await engine.dispose()
