"""A database that cannot be reached is `Unavailable`, and an unhealthy report; never a raw
driver error, never the connection string in a message."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.sqlalchemy import (
    EngineSettings,
    SqlAlchemyStorageHealth,
    SqlAlchemyUnitOfWork,
    SqlAlchemyUserQueries,
    create_engine,
)
from adapters.sqlalchemy.engine import create_session_factory
from application.shared.errors import Unavailable
from entrypoints.container import MAIN_STORE_ID

SECRET = "s3cret-pass"


def unreachable_urls(tmp_path: Path) -> list[str]:
    return [
        f"postgresql+asyncpg://someone:{SECRET}@127.0.0.1:9/nowhere",
        f"sqlite+aiosqlite:///{tmp_path}/missing-folder/{SECRET}.db",
    ]


@pytest.mark.parametrize("which", [0, 1], ids=["postgres", "sqlite"])
async def test_an_unreachable_database_is_unavailable_to_use_cases_and_queries(
    tmp_path: Path, which: int
) -> None:
    engine = create_engine(
        unreachable_urls(tmp_path)[which], EngineSettings(pool_timeout=1, pool_pre_ping=False)
    )
    try:
        with pytest.raises(Unavailable) as from_uow:
            async with SqlAlchemyUnitOfWork(create_session_factory(engine), MAIN_STORE_ID) as uow:
                await uow.users.get(1)
        with pytest.raises(Unavailable) as from_query:
            await SqlAlchemyUserQueries(engine, MAIN_STORE_ID).counts()
    finally:
        await engine.dispose()

    for error in (from_uow.value, from_query.value):
        assert SECRET not in str(error)


@pytest.mark.parametrize("which", [0, 1], ids=["postgres", "sqlite"])
async def test_an_unreachable_database_is_reported_unhealthy_without_its_address(
    tmp_path: Path, which: int
) -> None:
    engine = create_engine(unreachable_urls(tmp_path)[which], EngineSettings())
    try:
        report = await SqlAlchemyStorageHealth(engine, timeout=2).check()
    finally:
        await engine.dispose()

    assert report.healthy is False
    assert report.error
    assert SECRET not in report.error
    assert "127.0.0.1" not in report.error
    assert report.backend == ("postgresql", "sqlite")[which]


async def test_a_healthy_report_carries_the_pool_figures(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url, EngineSettings(pool_size=3))
    try:
        report = await SqlAlchemyStorageHealth(engine).check()
    finally:
        await engine.dispose()

    assert report.healthy is True
    assert report.latency_ms is not None
    assert {"size", "checked_in", "checked_out", "overflow"} <= set(report.pool)
    assert report.pool["size"] == 3
    assert report.pool["checked_out"] == 0
