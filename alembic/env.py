"""Alembic's environment: which database, which metadata, and how to compare them.

The database URL is, first found wins: `config.attributes["url"]` (set by
`adapters.sqlalchemy.migrate` and the tests), `alembic -x url=...`, the DATABASE_URL
environment variable (the app's own setting), and the app's default, the SQLite file
`./storefront.db`. Migrations run on an async engine, as the app does.

Autogenerate and `alembic check` compare against `adapters.sqlalchemy.metadata` (every context's
tables: importing the package imports them all) with
column types included. Indexes marked PostgreSQL-only in the metadata are left out of the
comparison on other engines, where the migrations never create them; SQLite's own
bookkeeping tables are never compared.

A new table's `info` (the entity errors.py reports it as) is not part of the DDL; autogenerate
leaves it out of the revision it writes.

Downgrading to base also drops Alembic's version table, so that `alembic downgrade base`
leaves no table of ours behind.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

from alembic.autogenerate import rewriter
from alembic.operations import ops
from sqlalchemy import inspect, pool, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.sqlalchemy import metadata
from adapters.sqlalchemy.schema import POSTGRESQL_ONLY
from alembic import context

DEFAULT_URL = "sqlite+aiosqlite:///./storefront.db"
VERSION_TABLE = "alembic_version"

config = context.config


def database_url() -> str:
    given = config.attributes.get("url") or context.get_x_argument(as_dictionary=True).get("url")
    url = str(given or os.environ.get("DATABASE_URL") or DEFAULT_URL)
    if url.startswith("memory:"):
        raise SystemExit("DATABASE_URL is memory://: the in-memory adapters have no schema")
    return url


def comparison_filter(dialect: str) -> Any:
    def include_object(
        obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
    ) -> bool:
        if type_ == "table" and name is not None and name.startswith("sqlite_"):
            return False
        if type_ == "index" and dialect != "postgresql":
            info = getattr(obj, "info", {}) or {}
            if info.get(POSTGRESQL_ONLY):
                return False
        return True

    return include_object


without_info = rewriter.Rewriter()


@without_info.rewrites(ops.CreateTableOp)
def _create_table_without_info(
    _context: Any, _revision: Any, op: ops.CreateTableOp
) -> ops.CreateTableOp:
    op.info = {}
    return op


def _configure(connection: Connection) -> None:
    dialect = connection.dialect.name
    context.configure(
        connection=connection,
        target_metadata=metadata,
        compare_type=True,
        render_as_batch=dialect == "sqlite",
        include_object=comparison_filter(dialect),
        process_revision_directives=without_info,
    )


def run_sync_migrations(connection: Connection) -> None:
    _configure(connection)
    with context.begin_transaction():
        context.run_migrations()
        migration_context = context.get_context()
        if not migration_context.get_current_heads() and inspect(connection).has_table(
            VERSION_TABLE
        ):
            # At base, nothing of ours should remain: not even the bookkeeping table.
            connection.execute(text(f"DROP TABLE {VERSION_TABLE}"))


async def run_async_migrations(url: str) -> None:
    engine = create_async_engine(url, poolclass=pool.NullPool)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(run_sync_migrations)
    finally:
        await engine.dispose()


def run_migrations_offline(url: str) -> None:
    """`alembic upgrade --sql`: print the SQL instead of running it."""
    dialect = url.split(":", 1)[0].split("+", 1)[0]
    context.configure(
        url=url,
        target_metadata=metadata,
        literal_binds=True,
        render_as_batch=dialect == "sqlite",
        include_object=comparison_filter(dialect),
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline(database_url())
else:
    asyncio.run(run_async_migrations(database_url()))
