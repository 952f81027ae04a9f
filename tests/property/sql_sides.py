"""The SQL side of the parity machines: a fresh database for each run of a machine.

A machine compares the in-memory fake with a SQL backend step by step; before each run
(hypothesis example) it calls its `open_sql()` for an engine and the clean-up to do after it.

    sqlite_side(prefix)          a copy of the migrated SQLite template in a folder of its own,
                                 removed afterwards
    postgres_side(owner, app)    one database brought back to its migrated state by the tables'
                                 owner (TRUNCATE and the migration's seed rows), then reached as
                                 the app's role, which row-level security holds
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy import EngineSettings, create_engine
from tests.support.databases import DatabaseReset, migrated_sqlite_url

__all__ = ["OpenSql", "postgres_side", "sqlite_side"]

OpenSql = Callable[[], Coroutine[Any, Any, tuple[AsyncEngine, Callable[[], None]]]]


def sqlite_side(prefix: str) -> OpenSql:
    async def open_sqlite() -> tuple[AsyncEngine, Callable[[], None]]:
        folder = Path(tempfile.mkdtemp(prefix=prefix))
        engine = create_engine(await migrated_sqlite_url(folder), EngineSettings(pool_size=1))
        return engine, lambda: shutil.rmtree(folder, ignore_errors=True)

    return open_sqlite


def postgres_side(owner_url: str, app_url: str) -> OpenSql:
    reset = DatabaseReset()
    captured: list[bool] = []

    async def open_postgres() -> tuple[AsyncEngine, Callable[[], None]]:
        owner = create_engine(owner_url, EngineSettings(pool_size=1))
        try:
            if not captured:
                await reset.capture(owner)
                captured.append(True)
            await reset.reset(owner)
        finally:
            await owner.dispose()
        return create_engine(app_url, EngineSettings(pool_size=1)), lambda: None

    return open_postgres
