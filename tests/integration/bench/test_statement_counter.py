"""The benchmark's statement counter, on a real PostgreSQL connection: the statements that name
the store to row-level security are told apart however asyncpg sends them (a simple query, or
a prepared statement bound and executed again), and nothing else is taken for one."""

from __future__ import annotations

from urllib.parse import urlsplit

import asyncpg  # type: ignore[import-untyped]

from bench.statement_counter import StatementCounter
from tests.support.databases import require_postgres

NAME_THE_STORE = "SELECT set_config('storefront.store_id', $1, false)"


async def test_the_counter_counts_the_statements_naming_the_store_in_both_protocols() -> None:
    server = urlsplit(require_postgres())
    counter = StatementCounter(server.hostname or "127.0.0.1", server.port or 5432)
    port = await counter.start()
    try:
        connection = await asyncpg.connect(
            host="127.0.0.1",
            port=port,
            user=server.username or "postgres",
            database=server.path.lstrip("/") or "postgres",
        )
        try:
            counter.reset()
            await connection.execute("SELECT set_config('storefront.store_id', '2', false)")
            await connection.execute(NAME_THE_STORE, "2")  # parsed, bound, executed
            await connection.execute(NAME_THE_STORE, "3")  # the same statement bound again
            await connection.fetchval("SELECT 1 + $1::int", 1)  # another prepared statement
            await connection.execute("SELECT current_setting('storefront.store_id')")
        finally:
            await connection.close()
    finally:
        await counter.close()

    assert (counter.statements, counter.store_settings) == (5, 3)
