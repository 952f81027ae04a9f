"""The SQL backends only: these tests look at what reaches the database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support.databases import SharedPostgres
from tests.support.storage import Storage, open_storage

SQL_BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]


@pytest.fixture(params=SQL_BACKENDS)
async def storage(
    request: pytest.FixtureRequest, tmp_path: Path, shared_postgres: SharedPostgres
) -> AsyncIterator[Storage]:
    async with open_storage(
        request.param, tmp_path=tmp_path, shared_postgres=shared_postgres
    ) as opened:
        yield opened
