"""Engines and sessions: pool settings, SQLite's pragmas and its write lock.

PostgreSQL gets a queue pool sized by `EngineSettings`. SQLite (a file; the embedded default)
gets, on every new connection: foreign keys on, WAL journal (readers never wait for the
writer), and a busy timeout (a writer waits for the lock instead of failing at once). Its
transactions are begun by us rather than by the driver, following SQLAlchemy's documented
recipe: the driver's own transaction handling is switched off and the `begin` event emits

    BEGIN IMMEDIATE   for a unit of work: the write lock is taken up front, so a
                      read-then-write transaction can never fail half-way with "database
                      is locked" when it tries to upgrade its lock;
    BEGIN             for the read side (engines derived with `read_only(engine)`), which
                      must not queue behind writers: WAL gives it a snapshot instead.

`SELECT ... FOR UPDATE` compiles to nothing on SQLite; BEGIN IMMEDIATE is what serializes
writers there.

Pre-ping on PostgreSQL: asyncpg's ping costs three round trips (BEGIN, an empty query,
ROLLBACK), more than a read by key itself. With `pool_pre_ping`, a connection is pinged at
checkout only when it sat idle in the pool for `PING_AFTER_IDLE_S` or more (the case where a
server restart or an idle timeout can have closed it unseen); a failed ping replaces it.
A connection in steady use is not pinged: should it break anyway, the failing statement is
reported as Unavailable and SQLAlchemy discards the pool's connections at once.

Compiled statements: SQLAlchemy keeps the SQL it compiled for each statement shape in a
least-recently-used cache of `query_cache_size` entries per engine, so a burst of distinct
shapes (list filters combine freely) costs recompiling, never memory without end.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, make_url
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.ext.asyncio import create_async_engine as _create_async_engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import ConnectionPoolEntry, NullPool, QueuePool, StaticPool

from adapters.sqlalchemy.errors import (
    broken_foreign_key_on_sqlite,
    first_broken_unique_on_sqlite,
    hidden_foreign_key_on_postgres,
)

__all__ = [
    "EngineSettings",
    "StorefrontSession",
    "create_engine",
    "create_session_factory",
    "pool_figures",
    "read_only",
]

_READ_ONLY = "storefront_read_only"
_RETURNED_AT = "storefront_returned_at"
PING_AFTER_IDLE_S = 5.0
"""A pooled connection idle this long is pinged before use (with `pool_pre_ping`)."""


@dataclass(frozen=True)
class EngineSettings:
    pool_size: int = 5
    max_overflow: int = 10
    pool_timeout: float = 30.0
    pool_recycle: int = 1800
    pool_pre_ping: bool = True
    echo: bool = False
    sqlite_busy_timeout_ms: int = 5000
    query_cache_size: int = 500
    """How many compiled statements the engine keeps (SQLAlchemy's own default)."""


def create_engine(url: str, settings: EngineSettings) -> AsyncEngine:
    """An async engine for `url` (`sqlite+aiosqlite://` or `postgresql+asyncpg://`)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, settings, in_memory=parsed.database in (None, "", ":memory:"))
    engine = _create_async_engine(
        url,
        echo=settings.echo,
        pool_size=settings.pool_size,
        max_overflow=settings.max_overflow,
        pool_timeout=settings.pool_timeout,
        pool_recycle=settings.pool_recycle,
        pool_pre_ping=False,
        query_cache_size=settings.query_cache_size,
    )
    if settings.pool_pre_ping:
        _ping_after_idle(engine)
    # Row-level security keeps the key of a broken foreign key back (see errors.py).
    event.listen(engine.sync_engine, "handle_error", hidden_foreign_key_on_postgres)
    return engine


def _ping_after_idle(engine: AsyncEngine) -> None:
    """Ping a connection at checkout only after it idled (see the module docstring)."""
    sync_engine = engine.sync_engine
    dialect = sync_engine.dialect

    @event.listens_for(sync_engine, "connect")
    def _on_connect(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        record.info[_RETURNED_AT] = time.monotonic()

    @event.listens_for(sync_engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        record.info[_RETURNED_AT] = time.monotonic()

    @event.listens_for(sync_engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: ConnectionPoolEntry, _proxy: Any) -> None:
        returned_at = record.info.get(_RETURNED_AT)
        if returned_at is not None and time.monotonic() - returned_at < PING_AFTER_IDLE_S:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except Exception as error:
            # The pool discards this connection and checks out another one.
            raise DisconnectionError("the pooled connection did not answer a ping") from error


def _sqlite_engine(url: str, settings: EngineSettings, *, in_memory: bool) -> AsyncEngine:
    options: dict[str, Any] = {"echo": settings.echo, "query_cache_size": settings.query_cache_size}
    if in_memory:
        # One shared connection, or every checkout would see a different empty database.
        options.update(poolclass=StaticPool, connect_args={"check_same_thread": False})
    else:
        options.update(
            pool_size=settings.pool_size,
            max_overflow=settings.max_overflow,
            pool_timeout=settings.pool_timeout,
            pool_recycle=settings.pool_recycle,
            pool_pre_ping=settings.pool_pre_ping,
        )
    engine = _create_async_engine(url, **options)
    busy_timeout_ms = int(settings.sqlite_busy_timeout_ms)

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        # We emit BEGIN ourselves (below); the driver must not start transactions on its own.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute(f"PRAGMA busy_timeout = {busy_timeout_ms}")
            if not in_memory:
                cursor.execute("PRAGMA journal_mode = WAL")
        finally:
            cursor.close()
        _register_functions(dbapi_connection)

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        read_only_ = connection.get_execution_options().get(_READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if read_only_ else "BEGIN IMMEDIATE")

    # SQLite checks unique constraints in the reverse of PostgreSQL's order (see errors.py).
    event.listen(engine.sync_engine, "handle_error", first_broken_unique_on_sqlite)
    # SQLite does not say which foreign key an INSERT or UPDATE broke (see errors.py).
    event.listen(engine.sync_engine, "handle_error", broken_foreign_key_on_sqlite)
    return engine


def _unicode_lower(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


def _register_functions(dbapi_connection: Any) -> None:
    """SQLite's own lower() folds ASCII only; the read side's `like` needs Python's folding.

    The driver adapter runs the registration on the thread that owns the connection."""
    dbapi_connection.create_function("unicode_lower", 1, _unicode_lower, deterministic=True)


def read_only(engine: AsyncEngine) -> AsyncEngine:
    """The same engine and pool, for queries only: on SQLite its transactions begin deferred."""
    return engine.execution_options(**{_READ_ONLY: True})


class StorefrontSession(Session):
    """The session class of every unit of work, on which contexts hang their session events
    (the catalog writes changed products in one statement: catalog/product_writes.py)."""


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep their objects usable after commit (use cases return them).

    No autoflush: changes reach the database when a repository adds something (it needs
    the id) and at commit, not whenever a query happens to run. A conflict caused by a
    change (a taken name, say) is thus reported at commit, after the checks a use case makes
    on the way (an unknown category, a cycle), as the in-memory unit of work does."""
    return async_sessionmaker(
        engine,
        expire_on_commit=False,
        autoflush=False,
        sync_session_class=StorefrontSession,
    )


def pool_figures(engine: AsyncEngine) -> dict[str, int | str]:
    """What the pool holds right now, for health reports."""
    pool = engine.sync_engine.pool
    if isinstance(pool, QueuePool):
        return {
            "pool": type(pool).__name__,
            "size": pool.size(),
            "checked_in": pool.checkedin(),
            "checked_out": pool.checkedout(),
            # SQLAlchemy counts overflow from -size upwards; only connections beyond the
            # pool size are overflow.
            "overflow": max(pool.overflow(), 0),
        }
    if isinstance(pool, NullPool | StaticPool):
        return {"pool": type(pool).__name__}
    return {"pool": type(pool).__name__}
