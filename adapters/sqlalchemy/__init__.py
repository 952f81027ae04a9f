"""The SQLAlchemy adapters: PostgreSQL (asyncpg) and SQLite (aiosqlite) behind the same ports.

One subpackage per bounded context, each with the same four parts:

identity/ catalog/ ordering/ notifications/ content/ items/ wallet/
  tables.py             its Core tables, on the shared MetaData, stating their entity and
                        the field each constraint is about (`info=`)
  mapping.py            its imperative mapping function, registered with @context_mapping
  repository.py         its repositories (catalog: repositories.py), SqlAlchemyRepository
                        subclasses found by the port they name
  queries.py            its query adapters: Core selects -> read-model dataclasses
catalog/product_writes.py   changed products written back in one guarded UPDATE per flush

What the contexts share, at the top:

schema.py             the one MetaData and its naming convention; the `info` keys
column_types.py       aware UTC timestamps, exact two-place money, enum columns
mappers.py            the mapper registry, @context_mapping, start_mappers()
repository.py         SqlAlchemyRepository, SessionSource, implementation_of(port)
core_inserts.py       rows written by Core INSERTs, handed to the session as flushed
unit_of_work.py       SqlAlchemyUnitOfWork: one AsyncSession per `async with`; its
                      repositories are the ones the port declares, found by port
idempotency.py        the idempotency_keys table and its store (not a context)
engine.py             engines, SQLite pragmas and BEGIN IMMEDIATE, session factory
errors.py             database errors -> domain / application errors (the only place),
                      read off the schema's `info`
list_queries.py       ListQuery -> WHERE / ORDER BY / LIMIT, shared by every list
read_side.py          the query adapters' base: read-only connections, exact sums, and the
                      asyncpg fast path for the hottest reads
health.py             SELECT 1 with a timeout, pool figures; whether the role bypasses
                      PostgreSQL's row-level security (`row_security`)
migration.py          `migrate(url)`: Alembic's upgrade, from code
app_role.py           the PostgreSQL role the app connects as, which row-level security holds
contexts.py           finds the context subpackages and imports them

How the contexts are found: by discovery, not by a list. contexts.py imports every subpackage
and every module in it; this module runs it as its last statement, so the package is complete
once imported. Importing a context registers its tables on the MetaData, its mapping for
start_mappers() and its repositories for the unit of work. A new context — say
reviews/{__init__,tables,mapping,repository,queries}.py — is therefore new files only, with no
line to add to any module here; the composition root imports its query adapter from
`adapters.sqlalchemy.reviews.queries`. A list would have to be kept in step by hand, and forgetting
it would fail late (a table missing from the schema Alembic compares, a repository the unit of
work cannot find).

The names below are the package's stable surface; the container, the tests, the benchmarks and
alembic/env.py import them from here.
"""

from __future__ import annotations

from adapters.sqlalchemy.catalog import SqlAlchemyCategoryQueries, SqlAlchemyProductQueries
from adapters.sqlalchemy.contexts import import_contexts
from adapters.sqlalchemy.engine import (
    EngineSettings,
    create_engine,
    create_session_factory,
    pool_figures,
)
from adapters.sqlalchemy.health import SqlAlchemyStorageHealth
from adapters.sqlalchemy.identity import SqlAlchemyUserQueries
from adapters.sqlalchemy.mappers import start_mappers
from adapters.sqlalchemy.migration import migrate
from adapters.sqlalchemy.ordering import SqlAlchemyOrderQueries
from adapters.sqlalchemy.schema import metadata
from adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWork

__all__ = [
    "EngineSettings",
    "SqlAlchemyCategoryQueries",
    "SqlAlchemyOrderQueries",
    "SqlAlchemyProductQueries",
    "SqlAlchemyStorageHealth",
    "SqlAlchemyUnitOfWork",
    "SqlAlchemyUserQueries",
    "create_engine",
    "create_session_factory",
    "metadata",
    "migrate",
    "pool_figures",
    "start_mappers",
]

# Every context, also those none of the names above comes from: before anything can use the
# MetaData, map the classes or build a unit of work, all of them are registered.
import_contexts()
