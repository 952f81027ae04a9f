"""Does the database answer? A short `SELECT 1`, timed, with the pool's figures."""

from __future__ import annotations

import asyncio
import time

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy.engine import pool_figures, read_only
from application.shared.health import HealthReport, StorageHealth

__all__ = ["SqlAlchemyStorageHealth"]


class SqlAlchemyStorageHealth(StorageHealth):
    def __init__(self, engine: AsyncEngine, timeout: float = 2.0) -> None:
        self._engine = engine
        self._timeout = timeout

    async def check(self) -> HealthReport:
        started = time.perf_counter()
        try:
            async with asyncio.timeout(self._timeout):
                async with read_only(self._engine).connect() as connection:
                    await connection.execute(text("SELECT 1"))
        except TimeoutError:
            return self._report(False, error=f"no answer within {self._timeout:g} s")
        except Exception as error:  # a health check reports; it never raises
            # The class name says enough; the message may quote the DSN or a password.
            return self._report(False, error=f"{type(error).__name__}: storage did not answer")
        latency_ms = round((time.perf_counter() - started) * 1000, 2)
        return self._report(True, latency_ms=latency_ms)

    def _report(
        self, healthy: bool, *, latency_ms: float | None = None, error: str | None = None
    ) -> HealthReport:
        return HealthReport(
            healthy=healthy,
            backend=self._engine.dialect.name,
            pool=pool_figures(self._engine),
            latency_ms=latency_ms,
            error=error,
        )
