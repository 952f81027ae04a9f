"""Database fixtures every test folder may use.

    postgres_url      a fresh migrated PostgreSQL database for one test (dropped after)
    postgres_app_url  the same database as the app's role reaches it, which row-level
                      security holds (postgres_url reaches it as the tables' owner)
    sqlite_url        a fresh migrated SQLite file for one test
    shared_postgres   one PostgreSQL database for the session, reset on each use

PostgreSQL fixtures skip with a one-line reason when the server is not reachable, and fail
instead under CI (or STOREFRONT_REQUIRE_POSTGRES=1); see tests/support/databases.py.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from adapters.sqlalchemy import start_mappers
from tests.support.databases import (
    SharedPostgres,
    app_role_url,
    drop_templates,
    migrated_sqlite_url,
    throwaway_postgres_database,
)

# The SQL adapters map the domain classes imperatively, once per process, and an entity made
# before that cannot be changed after it. The tests of every backend share one process, and
# some build an app while their module is collected, which seeds its in-memory store with
# categories: the classes are mapped before any test module is imported.
start_mappers()


@pytest.fixture(scope="session", autouse=True)
def _drop_template_databases() -> Iterator[None]:
    yield
    drop_templates()


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    async with throwaway_postgres_database() as url:
        yield url


@pytest.fixture
async def postgres_app_url(postgres_url: str) -> str:
    return await app_role_url(postgres_url)


@pytest.fixture
async def sqlite_url(tmp_path: Path) -> str:
    return await migrated_sqlite_url(tmp_path)


@pytest.fixture(scope="session")
async def shared_postgres() -> AsyncIterator[SharedPostgres]:
    shared = SharedPostgres()
    yield shared
    await shared.close()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say once, not once per test, that the PostgreSQL tests were skipped and why."""
    skipped = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if isinstance(report.longrepr, tuple) and "PostgreSQL not reachable" in report.longrepr[2]
    ]
    if skipped:
        reason = skipped[0].longrepr[2].removeprefix("Skipped: ")
        terminalreporter.write_line(f"{len(skipped)} tests skipped. {reason}", yellow=True)
