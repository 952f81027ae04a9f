"""Does the database answer? A short `SELECT 1`, timed, with the pool's figures. And on
PostgreSQL: does row-level security hold the role the app connects as?"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass

from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy.engine import pool_figures, read_only
from adapters.sqlalchemy.schema import store_scoped_tables
from application.shared.health import HealthReport, StorageHealth

__all__ = ["RowSecurity", "SqlAlchemyStorageHealth", "row_security"]

log = logging.getLogger(__name__)


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
        try:
            async with asyncio.timeout(self._timeout):
                security = await row_security(self._engine)
        except Exception:  # the storage answered; only this report is missing
            log.warning("could not tell whether row-level security holds", exc_info=True)
            security = None
        return self._report(True, latency_ms=latency_ms, security=security)

    def _report(
        self,
        healthy: bool,
        *,
        latency_ms: float | None = None,
        error: str | None = None,
        security: RowSecurity | None = None,
    ) -> HealthReport:
        return HealthReport(
            healthy=healthy,
            backend=self._engine.dialect.name,
            pool=pool_figures(self._engine),
            latency_ms=latency_ms,
            error=error,
            row_level_security=None if security is None else security.verdict,
        )


@dataclass(frozen=True, slots=True)
class RowSecurity:
    """How PostgreSQL's row-level security stands with the role a connection is made as.

    The store policies hold a role unless it is a superuser, has BYPASSRLS, or owns the
    table (they are not FORCEd, so that the owner running the migrations sees every row);
    a role that inherits the owner's rights counts as the owner. Then every store's rows are
    open to it, and only the adapters' own scoping keeps the stores apart."""

    role: str
    superuser: bool
    bypass_rls: bool
    owned_tables: tuple[str, ...]
    """The store tables the role owns, or whose owner's rights it has."""

    @property
    def bypassed(self) -> bool:
        return self.superuser or self.bypass_rls or bool(self.owned_tables)

    @property
    def verdict(self) -> str:
        """ "enforced", or "bypassed (why)": what /health/db reports."""
        if not self.bypassed:
            return "enforced"
        return f"bypassed ({'; '.join(self.reasons)})"

    @property
    def reasons(self) -> tuple[str, ...]:
        """Why the policies do not hold the role, in words for an operator; none if they do."""
        found = []
        if self.superuser:
            found.append("a superuser")
        if self.bypass_rls:
            found.append("has BYPASSRLS")
        if self.owned_tables:
            found.append(f"owns {', '.join(self.owned_tables)}")
        return tuple(found)


async def row_security(engine: AsyncEngine) -> RowSecurity | None:
    """How row-level security stands with the role `engine` connects as; None on an engine
    that has none (SQLite)."""
    if engine.dialect.name != "postgresql":
        return None
    statement = text(
        "SELECT r.rolname, r.rolsuper, r.rolbypassrls, ARRAY("
        "  SELECT c.relname::text FROM pg_class c"
        "  WHERE c.relnamespace = current_schema()::regnamespace AND c.relname IN :tables"
        "  AND pg_has_role(r.oid, c.relowner, 'USAGE') ORDER BY c.relname"
        ") FROM pg_roles r WHERE r.rolname = current_user"
    ).bindparams(bindparam("tables", expanding=True))
    tables = [table.name for table in store_scoped_tables()]
    async with read_only(engine).connect() as connection:
        role, superuser, bypass_rls, owned = (
            await connection.execute(statement, {"tables": tables})
        ).one()
    return RowSecurity(
        role=str(role),
        superuser=bool(superuser),
        bypass_rls=bool(bypass_rls),
        owned_tables=tuple(owned),
    )
