"""Real databases for tests: throwaway PostgreSQL databases and migrated SQLite files.

Both are migrated by Alembic, never by `metadata.create_all`: the tests run against the
schema production gets. Migrating is the slow part, so it happens once per test process:

    PostgreSQL   a migrated template database `storefront_test_<hex>`; every throwaway
                 database is a `CREATE DATABASE ... TEMPLATE` clone of it, dropped (FORCE)
                 when its test is done. `drop_templates()` removes the template at the end.
    SQLite       a migrated template file; every test gets a copy of it.

PostgreSQL is found through STOREFRONT_TEST_POSTGRES_URL (default: the local server as
`postgres`). If it cannot be reached, the tests that need it are skipped with one line that
says why, unless CI (or STOREFRONT_REQUIRE_POSTGRES=1) demands it: then they fail.

`DatabaseReset` brings a database back to its freshly migrated state between tests, for
suites that share one database (TRUNCATE ... RESTART IDENTITY plus the migration's seed rows).

The app's role. The tests reach PostgreSQL as its superuser, who owns every table the
migrations make, and whom row-level security does not hold. A test that connects as the app
does asks `app_role_url(url)` for the same database as `storefront_app`: a role that is none of
these, made on the server the first time a test process asks (it is the server's, not a
database's, so it stays there for the next run, and other test processes may be using it),
with the password `APP_ROLE_PASSWORD`, and granted what the app needs in that database by the
product's own `grant_app_role`. The database's owner stays the superuser.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import tempfile
import threading
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from functools import cache
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import pytest
from sqlalchemy import func, insert, make_url, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from adapters.sqlalchemy import EngineSettings, create_engine, metadata, migrate
from adapters.sqlalchemy.app_role import grant_app_role
from application.catalog.defaults import DEFAULT_CATEGORIES

__all__ = [
    "APP_ROLE",
    "APP_ROLE_PASSWORD",
    "DEFAULT_CATEGORIES",
    "DEFAULT_POSTGRES_URL",
    "DatabaseReset",
    "SharedPostgres",
    "app_role_url",
    "drop_templates",
    "empty_postgres_database",
    "migrated_sqlite_url",
    "postgres_admin_url",
    "postgres_required",
    "postgres_server_url",
    "require_postgres",
    "throwaway_postgres_database",
]

DEFAULT_POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
DATABASE_PREFIX = "storefront_test_"
APP_ROLE = "storefront_app"
APP_ROLE_PASSWORD = "storefront-app-in-tests"
# DEFAULT_CATEGORIES, re-exported: what every backend starts with (name, slug, description),
# the application's one list, which tests/integration/migrations holds equal to the data
# migration's rows.


def postgres_admin_url() -> str:
    """The server the tests use, as a SQLAlchemy URL to a database we may connect to."""
    return os.environ.get("STOREFRONT_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)


def postgres_required() -> bool:
    """In CI (or when asked to) a missing PostgreSQL fails the tests instead of skipping them."""
    return bool(os.environ.get("CI")) or os.environ.get("STOREFRONT_REQUIRE_POSTGRES") == "1"


def _dsn(url: str, database: str | None = None) -> str:
    """asyncpg's form of a SQLAlchemy URL, optionally naming another database."""
    parsed = make_url(url).set(drivername="postgresql")
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


def _with_database(url: str, database: str) -> str:
    return make_url(url).set(database=database).render_as_string(hide_password=False)


def _shown(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def _run(coroutine: Any) -> Any:
    """Run a coroutine to completion on a fresh loop in a worker thread: callable from
    synchronous code and from inside a running event loop alike."""
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["value"] = asyncio.run(coroutine)
        except BaseException as error:  # handed over to the calling thread
            outcome["error"] = error

    worker = threading.Thread(target=work, name="test-database-admin")
    worker.start()
    worker.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


async def _probe(dsn: str) -> bool:
    try:
        connection = await asyncpg.connect(dsn, timeout=3)
    except (OSError, asyncpg.PostgresError, TimeoutError):
        return False
    await connection.close()
    return True


@cache
def postgres_server_url() -> str | None:
    """The admin URL if the PostgreSQL server answers, else None (asked once per process)."""
    url = postgres_admin_url()
    return url if _run(_probe(_dsn(url))) else None


def require_postgres() -> str:
    """The admin URL, or skip (fail, in CI) the calling test with a one-line reason."""
    url = postgres_server_url()
    if url is not None:
        return url
    where = _shown(postgres_admin_url())
    if postgres_required():
        pytest.fail(
            f"PostgreSQL not reachable at {where}, and CI (or STOREFRONT_REQUIRE_POSTGRES=1) "
            "requires the PostgreSQL tests: start the server or set STOREFRONT_TEST_POSTGRES_URL",
            pytrace=False,
        )
    message = (
        f"PostgreSQL not reachable at {where}: PostgreSQL tests skipped "
        "(start the server or set STOREFRONT_TEST_POSTGRES_URL to enable them)"
    )
    pytest.skip(message)


async def _admin(dsn: str, *statements: str) -> None:
    connection = await asyncpg.connect(dsn, timeout=10)
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


class _Templates:
    """The migrated templates of this process, made on first use, by one thread at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.postgres: str | None = None
        self.sqlite: Path | None = None

    def postgres_template(self, admin_url: str) -> str:
        with self._lock:
            if self.postgres is None:
                name = f"{DATABASE_PREFIX}{secrets.token_hex(6)}"
                _run(_admin(_dsn(admin_url), f'CREATE DATABASE "{name}"'))
                try:
                    migrate(_with_database(admin_url, name))
                except BaseException:
                    _run(_admin(_dsn(admin_url), f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                    raise
                self.postgres = name
            return self.postgres

    def sqlite_template(self) -> Path:
        with self._lock:
            if self.sqlite is None:
                folder = Path(tempfile.mkdtemp(prefix="storefront-test-"))
                path = folder / "template.db"
                migrate(f"sqlite+aiosqlite:///{path}")
                self.sqlite = path
            return self.sqlite

    def drop(self) -> None:
        with self._lock:
            if self.postgres is not None:
                _run(
                    _admin(
                        _dsn(postgres_admin_url()),
                        f'DROP DATABASE IF EXISTS "{self.postgres}" WITH (FORCE)',
                    )
                )
                self.postgres = None
            if self.sqlite is not None:
                shutil.rmtree(self.sqlite.parent, ignore_errors=True)
                self.sqlite = None


_templates = _Templates()


def drop_templates() -> None:
    """Remove this process's template databases (the session's last fixture calls it)."""
    _templates.drop()


@asynccontextmanager
async def throwaway_postgres_database() -> AsyncIterator[str]:
    """A fresh, migrated PostgreSQL database of its own, dropped on exit; yields its URL.

    Skips (or, in CI, fails) the calling test when the server cannot be reached."""
    admin_url = require_postgres()
    template = await asyncio.to_thread(_templates.postgres_template, admin_url)
    name = f"{DATABASE_PREFIX}{secrets.token_hex(6)}"
    await _admin(_dsn(admin_url), f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        yield _with_database(admin_url, name)
    finally:
        await _admin(_dsn(admin_url), f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class _AppRole:
    """Makes sure, once per test process, that the app's role exists with the known password."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ready = False

    def ensure(self, admin_url: str) -> None:
        with self._lock:
            if not self._ready:
                _run(self._create_or_reset(_dsn(admin_url)))
                self._ready = True

    @staticmethod
    async def _create_or_reset(dsn: str) -> None:
        connection = await asyncpg.connect(dsn, timeout=10)
        try:
            # Test processes start together: one at a time, or two ALTER ROLEs of the same
            # role collide ("tuple concurrently updated").
            await connection.execute("SELECT pg_advisory_lock(hashtext($1))", APP_ROLE)
            if await connection.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", APP_ROLE):
                # Made by an earlier run, or by another test process just now.
                await connection.execute(
                    f"ALTER ROLE {APP_ROLE} LOGIN PASSWORD '{APP_ROLE_PASSWORD}'"
                )
            else:
                await connection.execute(
                    f"CREATE ROLE {APP_ROLE} LOGIN PASSWORD '{APP_ROLE_PASSWORD}'"
                )
        finally:
            await connection.close()  # which releases the lock


_app_role = _AppRole()


async def app_role_url(url: str) -> str:
    """The PostgreSQL database at `url` (reached as its tables' owner), as the app's role
    reaches it: the role is made if need be and granted what the app needs there."""
    await asyncio.to_thread(_app_role.ensure, require_postgres())
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        await grant_app_role(engine, APP_ROLE)
    finally:
        await engine.dispose()
    as_app = make_url(url).set(username=APP_ROLE, password=APP_ROLE_PASSWORD)
    return as_app.render_as_string(hide_password=False)


@asynccontextmanager
async def empty_postgres_database() -> AsyncIterator[str]:
    """A new PostgreSQL database with nothing in it (not migrated), dropped on exit."""
    admin_url = require_postgres()
    name = f"{DATABASE_PREFIX}{secrets.token_hex(6)}"
    await _admin(_dsn(admin_url), f'CREATE DATABASE "{name}"')
    try:
        yield _with_database(admin_url, name)
    finally:
        await _admin(_dsn(admin_url), f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def migrated_sqlite_url(tmp_path: Path) -> str:
    """A migrated SQLite file in `tmp_path`, as a `sqlite+aiosqlite:///` URL."""
    template = await asyncio.to_thread(_templates.sqlite_template)
    target = tmp_path / "storefront.db"
    await asyncio.to_thread(shutil.copyfile, template, target)
    return f"sqlite+aiosqlite:///{target}"


class DatabaseReset:
    """Brings a migrated database back to the state the migrations left it in.

    `capture` reads what the migrations seeded (rows of every table); `reset` empties every
    table, restarts the id sequences and puts the seeded rows back, ids and all."""

    def __init__(self) -> None:
        self._rows: dict[str, list[dict[str, Any]]] = {}

    async def capture(self, engine: AsyncEngine) -> None:
        async with engine.connect() as connection:
            for table in metadata.sorted_tables:
                result = await connection.execute(select(table).order_by(*table.primary_key))
                self._rows[table.name] = [dict(row._mapping) for row in result]

    async def reset(self, engine: AsyncEngine) -> None:
        tables = metadata.sorted_tables
        async with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                names = ", ".join(table.name for table in tables)
                await connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                for table in reversed(tables):
                    await connection.execute(table.delete())
                await connection.execute(text("DELETE FROM sqlite_sequence"))
            for table in tables:
                rows = self._rows.get(table.name)
                if rows:
                    await connection.execute(insert(table), rows)
                    if connection.dialect.name == "postgresql":
                        last = await connection.scalar(select(func.max(table.c.id)))
                        await connection.execute(
                            text("SELECT setval(pg_get_serial_sequence(:t, 'id'), :v)"),
                            {"t": table.name, "v": last},
                        )
                    else:
                        last = await connection.scalar(select(func.max(table.c.id)))
                        await connection.execute(
                            text("INSERT INTO sqlite_sequence (name, seq) VALUES (:t, :v)"),
                            {"t": table.name, "v": last},
                        )


class SharedPostgres:
    """One throwaway PostgreSQL database for a whole test session, made on first use only.

    Suites that run many short tests share it and call `reset` before each one, which is
    far cheaper than a database per test. `engine` is the owner's, which resets it;
    `app_engine` the app's role's, for what goes through the app. Nothing is created, and
    nothing is skipped, unless a test actually asks for it."""

    def __init__(self) -> None:
        self._url: str | None = None
        self._database: AbstractAsyncContextManager[str] | None = None
        self._engine: AsyncEngine | None = None
        self._app_engine: AsyncEngine | None = None
        self._reset = DatabaseReset()

    async def url(self) -> str:
        if self._url is None:
            database = throwaway_postgres_database()
            self._url = await database.__aenter__()
            self._database = database
        return self._url

    async def engine(self) -> AsyncEngine:
        """The session's engine on the shared database, reset to its migrated state."""
        if self._engine is None:
            self._engine = create_engine(await self.url(), EngineSettings(pool_size=2))
            await self._reset.capture(self._engine)
        await self._reset.reset(self._engine)
        return self._engine

    async def app_engine(self) -> AsyncEngine:
        """The same database, reset as `engine` does it, as the app's role reaches it."""
        await self.engine()
        if self._app_engine is None:
            url = await app_role_url(await self.url())
            self._app_engine = create_engine(url, EngineSettings(pool_size=2))
        return self._app_engine

    async def close(self) -> None:
        if self._app_engine is not None:
            await self._app_engine.dispose()
            self._app_engine = None
        if self._engine is not None:
            await self._engine.dispose()
            self._engine = None
        if self._database is not None:
            await self._database.__aexit__(None, None, None)
            self._database = None
            self._url = None
