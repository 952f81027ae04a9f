"""How PostgreSQL runs the load's reads in the loaded store, with main's rows beside them.

Before the load, the runner has PostgreSQL EXPLAIN ANALYZE the reads of the load as
raw_asyncpg writes them (bench/baselines/raw_asyncpg.py: the same filters as the app's, store_id
included), connected as the app's role with the loaded store named, as the servers run them.
For each it records the plan and the rows its scans read and threw away ("Rows Removed by
Filter"): a read that walks an index past the other store's rows, because no index leads with
what it filters by, shows here as thousands of rows removed for a handful returned.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import asyncpg  # type: ignore[import-untyped]

from bench.baselines import raw_asyncpg
from bench.database import SeedData

__all__ = ["ReadPlan", "explain_reads"]

_EXPLAIN = "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) "
_REMOVED = "Rows Removed by Filter:"

_READS: dict[str, tuple[str, Callable[[SeedData], tuple[Any, ...]]]] = {
    "GET /products/{id}": (
        raw_asyncpg._GET_PRODUCT,
        lambda seed: (seed.store_id, seed.first_product_id + 7),
    ),
    "GET /products/?category_id=… (count)": (
        raw_asyncpg._COUNT_IN_CATEGORY,
        lambda seed: (seed.store_id, seed.category_ids[3]),
    ),
    "GET /products/?category_id=… (page 1)": (
        raw_asyncpg._PAGE_IN_CATEGORY,
        lambda seed: (seed.store_id, seed.category_ids[3], 20, 0),
    ),
    "GET /orders/{id}": (
        raw_asyncpg._GET_ORDER,
        lambda seed: (seed.store_id, seed.customers[0].order_ids[0]),
    ),
    "bearer token: the account's standing": (
        raw_asyncpg._STANDING,
        lambda seed: (seed.store_id, seed.customers[0].user_id),
    ),
}


@dataclass(frozen=True)
class ReadPlan:
    read: str
    rows_removed_by_filter: int
    lines: tuple[str, ...]


async def explain_reads(app_role_dsn: str, seed: SeedData) -> list[ReadPlan]:
    """The plan of each read of the load, run as the app's role in `seed`'s store."""
    con = await asyncpg.connect(app_role_dsn, timeout=10)
    try:
        await con.execute("SELECT set_config('storefront.store_id', $1, false)", str(seed.store_id))
        plans = []
        for read, (sql, arguments) in _READS.items():
            lines = tuple(row[0] for row in await con.fetch(_EXPLAIN + sql, *arguments(seed)))
            removed = sum(int(line.split(_REMOVED)[1]) for line in lines if _REMOVED in line)
            plans.append(ReadPlan(read, removed, lines))
        return plans
    finally:
        await con.close()
