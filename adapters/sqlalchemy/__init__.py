"""The SQLAlchemy adapters: PostgreSQL (asyncpg) and SQLite (aiosqlite) behind the same ports.

tables.py             the schema: Core tables on one MetaData, named constraints
column_types.py       aware UTC timestamps, exact two-place money, enum columns
mappers.py            imperative mappings of the domain classes (start_mappers)
engine.py             engines, SQLite pragmas and BEGIN IMMEDIATE, session factory
product_writes.py     changed products written back in one guarded UPDATE per flush
repositories.py       the domain's repository ports over the unit of work's session
unit_of_work.py       SqlAlchemyUnitOfWork: one AsyncSession per `async with`
errors.py             database errors -> domain / application errors (the only place)
list_queries.py       ListQuery -> WHERE / ORDER BY / LIMIT, shared by every list
read_side.py          the query adapters' base: read-only connections, exact sums
*_queries.py          the query ports: Core selects -> read-model dataclasses
health.py             SELECT 1 with a timeout, pool figures
migration.py          `migrate(url)`: Alembic's upgrade, from code
"""

from __future__ import annotations

from adapters.sqlalchemy.catalog_queries import SqlAlchemyCategoryQueries, SqlAlchemyProductQueries
from adapters.sqlalchemy.engine import (
    EngineSettings,
    create_engine,
    create_session_factory,
    pool_figures,
)
from adapters.sqlalchemy.health import SqlAlchemyStorageHealth
from adapters.sqlalchemy.identity_queries import SqlAlchemyUserQueries
from adapters.sqlalchemy.mappers import start_mappers
from adapters.sqlalchemy.migration import migrate
from adapters.sqlalchemy.ordering_queries import SqlAlchemyOrderQueries
from adapters.sqlalchemy.tables import metadata
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
