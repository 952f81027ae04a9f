"""What the storage keeps of the statements it compiled is bounded, however many shapes of
list query clients invent: SQLAlchemy's cache by the `DB_QUERY_CACHE_SIZE` setting, the
PostgreSQL fast path's by `DRIVER_STATEMENTS`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.ext.asyncio import create_async_engine

from adapters.sqlalchemy.identity.tables import users
from adapters.sqlalchemy.read_side import DriverStatements
from application.identity.queries import USER_LIST
from entrypoints.container import build_container, close_storage, open_storage
from entrypoints.settings import Settings
from tests.support.databases import migrated_sqlite_url

OPERATORS = ("eq", "ne", "gt", "gte", "lt", "lte")


async def test_an_engine_keeps_at_most_the_configured_number_of_compiled_statements(
    tmp_path: Path,
) -> None:
    settings = Settings(
        _env_file=None, database_url=await migrated_sqlite_url(tmp_path), db_query_cache_size=10
    )
    container = build_container(settings)
    await open_storage(container)
    try:
        for first in OPERATORS:
            for second in OPERATORS:  # 36 shapes of list query, each its own statement
                query = USER_LIST.query([(f"id__{first}", "1"), (f"credits__{second}", "1")])
                await container.use_cases().user_queries().list(query)
        # A private attribute, but the only way to see what the engine holds; SQLAlchemy
        # prunes back to the size once it overshoots it by half.
        cache = container.primary_engine().sync_engine._compiled_cache
        assert cache is not None
        cached = len(cache)
    finally:
        await close_storage(container)

    assert cached <= 15


def test_the_fast_path_keeps_only_its_most_recently_used_shapes() -> None:
    # The dialect only compiles here: nothing connects.
    dialect = create_async_engine("postgresql+asyncpg://nowhere/none").dialect
    statements = DriverStatements(dialect, capacity=2)
    built: list[str] = []

    def build(name: str) -> Callable[[], Select[Any]]:
        def statement() -> Select[Any]:
            built.append(name)
            return select(users.c.id).where(users.c.username == bindparam(name))

        return statement

    for shape in ("a", "b", "a", "c", "a", "b"):  # a is used again before c comes: b goes
        statements.get(shape, build(shape))

    assert len(statements) == 2
    assert built == ["a", "b", "c", "b"]
