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

What autogenerate writes (`make migration`) reads like the revisions written by hand:

- The project's column types (adapters/sqlalchemy/column_types.py) are written as the plain
  SQLAlchemy types they store, spelled as the initial schema spells them
  (`sa.DateTime(timezone=True)`, `sa.Numeric(12, 2)`, `sa.String(16)`): a revision imports
  nothing of the application, so that it keeps meaning what it meant when it was written.
- Operations are plain (`op.create_table`, `op.create_index`), never batch: `make migration`
  compares with a SQLite database, and batch rendering would wrap every index in
  `op.batch_alter_table`. Batch mode only matters when a revision ALTERs an existing table
  in a way SQLite cannot (a constraint, a column's type or nullability); such a revision
  wraps that part in `with op.batch_alter_table(...)` by hand (it runs on PostgreSQL too).
- A new table's `info` (the entity errors.py reports it as) is not part of the DDL; it is left
  out.

Downgrading to base also drops Alembic's version table, so that `alembic downgrade base`
leaves no table of ours behind.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any, Literal

from alembic.autogenerate import rewriter
from alembic.autogenerate.api import AutogenContext
from alembic.operations import ops
from sqlalchemy import DateTime, Numeric, String, inspect, pool, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.types import TypeDecorator

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


def plain_type(type_: TypeDecorator[Any]) -> str:
    """How a revision spells a column type of the project: as the type it stores."""
    impl = type_.impl_instance
    if isinstance(impl, DateTime):
        return "sa.DateTime(timezone=True)" if impl.timezone else "sa.DateTime()"
    if isinstance(impl, Numeric):
        return f"sa.Numeric({impl.precision}, {impl.scale})"
    if isinstance(impl, String) and impl.collation is None:
        return f"sa.String({impl.length})" if impl.length is not None else "sa.String()"
    raise NotImplementedError(
        f"alembic/env.py cannot spell {type(type_).__name__} (stored as {impl!r}) in a "
        "revision: teach plain_type() the type it stores"
    )


def render_item(kind: str, obj: Any, _context: AutogenContext) -> str | Literal[False]:
    """Autogenerate's hook: our column types as plain SQLAlchemy types; the rest as usual."""
    if kind == "type" and isinstance(obj, TypeDecorator):
        return plain_type(obj)
    return False


def _configure(connection: Connection) -> None:
    dialect = connection.dialect.name
    context.configure(
        connection=connection,
        target_metadata=metadata,
        compare_type=True,
        include_object=comparison_filter(dialect),
        process_revision_directives=without_info,
        render_item=render_item,
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
        include_object=comparison_filter(dialect),
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline(database_url())
else:
    asyncio.run(run_async_migrations(database_url()))
