"""Every contract test runs once per backend: memory, SQLite and PostgreSQL.

The expectations are the same for all three; a backend that needs its own expectation is a
backend with a bug.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support.databases import SharedPostgres
from tests.support.storage import Storage, open_storage

BACKENDS = [
    pytest.param("memory", id="memory"),
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]


@pytest.fixture(params=BACKENDS)
async def storage(
    request: pytest.FixtureRequest, tmp_path: Path, shared_postgres: SharedPostgres
) -> AsyncIterator[Storage]:
    async with open_storage(
        request.param, tmp_path=tmp_path, shared_postgres=shared_postgres
    ) as opened:
        yield opened
