"""What an order's transaction costs in the worker before any of the app's own code runs:
`python -m bench.floor`.

The app places an order in one transaction of eleven round trips (BEGIN, naming the store to
row-level security, the user, the locking select, the stock UPDATE, the order and items
INSERTs, SAVEPOINT, the notification INSERT, RELEASE, COMMIT). This runs those same
statements, as hand-written SQL with the same shapes, in the store the benchmark loads,
connected as the app's role as the app is, three ways, and reports the CPU each transaction
takes in this process:

    asyncpg            an asyncpg pool, as bench/baselines/raw_asyncpg.py does
    sqlalchemy core    an AsyncConnection from an AsyncEngine: SQLAlchemy's execution layer
    sqlalchemy session an AsyncSession executing the statements (no entities)

No HTTP, no validation, no domain objects: the difference between the lines is the price of
each execution layer alone, the floor under any app built on it. bench/results explains how it
compares with the CPU per request of the HTTP variants. Every loop is bounded by its count.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import text
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from bench.database import (
    SeedData,
    ThrowawayDatabase,
    Unreachable,
)
from bench.run import standard_database

__all__ = ["main"]

# The statements of one order, for asyncpg ($n) and for SQLAlchemy's text() (:name).
_LOCK = "SELECT id, price, stock_quantity, version, is_active FROM products WHERE id = ANY({})"
_TAKE = "UPDATE products SET stock_quantity = stock_quantity - 1, version = version + 1"
_ORDER = (
    "INSERT INTO orders (store_id, order_number, user_id, status, total_amount, created_at, "
    "updated_at)"
)
_ITEMS = (
    "INSERT INTO order_items (store_id, order_id, product_id, quantity, unit_price, total_price)"
)
_NOTE = "INSERT INTO notifications (store_id, user_id, message, order_id, is_read, created_at)"

DRIVER = {
    "store": "SELECT set_config('storefront.store_id', $1, true)",
    "user": "SELECT id, is_active FROM users WHERE store_id = $1 AND id = $2",
    "lock": _LOCK.format("$2::int[]") + " AND store_id = $1 ORDER BY id FOR UPDATE",
    "take": _TAKE + " WHERE store_id = $1 AND id = ANY($2::int[]) RETURNING id",
    "order": _ORDER + " VALUES ($1, $2, $3, 'pending', $4, $5, $5) RETURNING id",
    "items": _ITEMS + " SELECT $1, $2, p, 1, 1.00, 1.00 FROM unnest($3::int[]) AS p RETURNING id",
    "note": _NOTE + " VALUES ($1, $2, 'Order placed', $3, false, $4) RETURNING id",
}
NAMED = {
    "store": "SELECT set_config('storefront.store_id', :store_setting, true)",
    "user": "SELECT id, is_active FROM users WHERE store_id = :store AND id = :user",
    "lock": _LOCK.format("CAST(:ids AS int[])") + " AND store_id = :store ORDER BY id FOR UPDATE",
    "take": _TAKE + " WHERE store_id = :store AND id = ANY(CAST(:ids AS int[])) RETURNING id",
    "order": _ORDER
    + " VALUES (:store, :number, :user, 'pending', :total, :now, :now) RETURNING id",
    "items": _ITEMS
    + " SELECT :store, :order, p, 1, 1.00, 1.00 FROM unnest(CAST(:ids AS int[])) AS p"
    " RETURNING id",
    "note": _NOTE + " VALUES (:store, :user, 'Order placed', :order, false, :now) RETURNING id",
}


class Draw:
    def __init__(self, seed: SeedData) -> None:
        self.seed = seed
        self.rng = random.Random(11)
        self.numbers = 0

    def __call__(self) -> dict[str, Any]:
        self.numbers += 1
        ids = sorted(
            self.rng.sample(range(self.seed.first_product_id, self.seed.last_product_id), 3)
        )
        return {
            "store": self.seed.store_id,
            "store_setting": str(self.seed.store_id),
            "user": self.rng.randint(self.seed.first_user_id, self.seed.last_user_id),
            "ids": ids,
            "number": f"FLOOR-{os.getpid()}-{self.numbers}",
            "total": Decimal("3.00"),
            "now": datetime.now(UTC),
        }


def _asyncpg_way(pool: Any, draw: Draw) -> Callable[[], Awaitable[None]]:
    sql = DRIVER

    async def once() -> None:
        v = draw()
        store = v["store"]
        async with pool.acquire() as con, con.transaction():
            await con.execute(sql["store"], v["store_setting"])
            await con.fetchrow(sql["user"], store, v["user"])
            await con.fetch(sql["lock"], store, v["ids"])
            await con.fetch(sql["take"], store, v["ids"])
            order_id = await con.fetchval(
                sql["order"], store, v["number"], v["user"], v["total"], v["now"]
            )
            await con.fetch(sql["items"], store, order_id, v["ids"])
            async with con.transaction():  # a savepoint, as the app's notification has
                await con.fetchval(sql["note"], store, v["user"], order_id, v["now"])

    return once


async def _statements_on(con: AsyncConnection | AsyncSession, v: dict[str, Any]) -> None:
    sql = _TEXT
    await con.execute(sql["store"], v)
    (await con.execute(sql["user"], v)).first()
    (await con.execute(sql["lock"], v)).all()
    (await con.execute(sql["take"], v)).all()
    v["order"] = (await con.execute(sql["order"], v)).scalar()
    (await con.execute(sql["items"], v)).all()
    async with con.begin_nested():
        (await con.execute(sql["note"], v)).scalar()


_TEXT = {name: text(statement) for name, statement in NAMED.items()}


def _core_way(engine: AsyncEngine, draw: Draw) -> Callable[[], Awaitable[None]]:
    async def once() -> None:
        async with engine.begin() as con:
            await _statements_on(con, draw())

    return once


def _session_way(engine: AsyncEngine, draw: Draw) -> Callable[[], Awaitable[None]]:
    sessions = async_sessionmaker(engine, expire_on_commit=False, autoflush=False)

    async def once() -> None:
        async with sessions() as session:
            await _statements_on(session, draw())
            await session.commit()

    return once


async def _cpu_per_call(once: Callable[[], Awaitable[None]], total: int, at_once: int) -> float:
    """Milliseconds of this process's CPU per call, `at_once` calls in flight."""
    remaining = total

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            await once()

    started = time.process_time()
    await asyncio.gather(*(worker() for _ in range(at_once)))
    return (time.process_time() - started) / total * 1000


async def _floor(options: argparse.Namespace) -> int:
    try:
        async with standard_database() as (database, seed):
            figures = await _measure(options, database, Draw(seed))
    except Unreachable as problem:
        print(problem, file=sys.stderr)
        return 2
    _report(options, figures)
    return 0


async def _measure(
    options: argparse.Namespace, database: ThrowawayDatabase, draw: Draw
) -> dict[str, list[float]]:
    await database.grant_app_role()  # row-level security holds these connections, as the app's
    pool = await asyncpg.create_pool(
        database.app_role_url.replace("postgresql+asyncpg://", "postgresql://", 1),
        min_size=options.pool,
        max_size=options.pool,
    )
    engine = create_async_engine(database.app_role_url, pool_size=options.pool, max_overflow=0)
    try:
        ways = {
            "asyncpg": _asyncpg_way(pool, draw),
            "sqlalchemy core": _core_way(engine, draw),
            "sqlalchemy session": _session_way(engine, draw),
        }
        figures: dict[str, list[float]] = {name: [] for name in ways}
        for once in ways.values():  # warm-up: pools filled, statements prepared
            await _cpu_per_call(once, options.warmup, options.concurrency)
        for _ in range(options.rounds):  # interleaved, so drift shows in every way alike
            for name, once in ways.items():
                cost = await _cpu_per_call(once, options.transactions, options.concurrency)
                figures[name].append(cost)
        return figures
    finally:
        await pool.close()
        await engine.dispose()


def _report(options: argparse.Namespace, figures: dict[str, list[float]]) -> None:
    print(
        f"CPU per order transaction in this process, ms ({options.transactions} transactions "
        f"per round, {options.concurrency} at once, {options.rounds} rounds)"
    )
    print("| execution layer | rounds | median | x asyncpg |")
    print("| --- | --- | --- | --- |")
    base = sorted(figures["asyncpg"])[len(figures["asyncpg"]) // 2]
    for name, costs in figures.items():
        median = sorted(costs)[len(costs) // 2]
        rounds = ", ".join(f"{cost:.3f}" for cost in costs)
        print(f"| {name} | {rounds} | {median:.3f} | {median / base:.2f} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.floor",
        description="CPU per order transaction through asyncpg, SQLAlchemy Core, an AsyncSession.",
    )
    parser.add_argument("--transactions", type=int, default=2000, help="per round (2000)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (3)")
    parser.add_argument("--warmup", type=int, default=300, help="per way, first (300)")
    parser.add_argument("--concurrency", type=int, default=8, help="transactions in flight (8)")
    parser.add_argument("--pool", type=int, default=10, help="connections per pool (10)")
    return asyncio.run(_floor(parser.parse_args(argv)))


if __name__ == "__main__":
    raise SystemExit(main())
