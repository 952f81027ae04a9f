"""The health port: a reachable storage reports itself healthy, naming its backend."""

from __future__ import annotations

from tests.support.storage import Storage


async def test_a_reachable_storage_is_healthy(storage: Storage) -> None:
    report = await storage.health.check()

    assert report.healthy is True
    assert report.backend == {"memory": "memory", "sqlite": "sqlite"}.get(
        storage.backend, "postgresql"
    )
    assert report.error is None
