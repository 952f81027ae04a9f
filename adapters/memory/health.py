"""The in-memory storage is always there: its health check says so."""

from __future__ import annotations

from application.shared.health import HealthReport, StorageHealth

__all__ = ["InMemoryStorageHealth"]


class InMemoryStorageHealth(StorageHealth):
    async def check(self) -> HealthReport:
        return HealthReport(healthy=True, backend="memory")
