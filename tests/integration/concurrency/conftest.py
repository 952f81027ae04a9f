"""Each test here runs on a database of its own, on SQLite and on PostgreSQL (`backend`).

On PostgreSQL the app connects as the app's role, which row-level security holds, as a
deployment's does. The PostgreSQL runs skip with a one-line reason when no server answers
(they fail under CI); see tests/support/databases.py.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support.databases import (
    app_role_url,
    migrated_sqlite_url,
    throwaway_postgres_database,
)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def database_url(backend: str, tmp_path: Path) -> AsyncIterator[str]:
    if backend == "sqlite":
        yield await migrated_sqlite_url(tmp_path)
    else:
        async with throwaway_postgres_database() as url:
            yield await app_role_url(url)
