"""The throwaway PostgreSQL database a benchmark run seeds, measures against and drops.

The schema comes from the app's migrations (`adapters.sqlalchemy.migrate`) when they exist;
otherwise from the seed-style baseline's models, which map the same tables. Rows are loaded
with COPY, and only into columns the schema has, so the seed keeps up with the migrations as
long as every required column is one it knows how to fill.

Two stores hold the same data: "main", which the migrations make, and `LOADED_STORE`, which
the seed opens. Each gets the same categories, products, users (the same usernames, SKUs and
slugs), admin and orders, under ids of its own; the load goes to `LOADED_STORE` alone (see
`seed`). The database is made, migrated and seeded as its owner; `grant_app_role` makes the
role the servers connect as, which row-level security holds, as production's does.
"""

from __future__ import annotations

import asyncio
import importlib
import os
import random
import secrets
import sys
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, cast
from urllib.parse import urlsplit, urlunsplit

import asyncpg  # type: ignore[import-untyped]

__all__ = [
    "APP_ROLE",
    "APP_ROLE_PASSWORD",
    "DEFAULT_ADMIN_URL",
    "LOADED_STORE",
    "MAIN_STORE",
    "Customer",
    "SeedData",
    "ThrowawayDatabase",
]

DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
BENCH_PASSWORD = "BenchPass123"  # noqa: S105 - the one password of the seeded users
ADMIN_USERNAME = "bench_admin"
# The first users sign in and read their own orders (GET /orders/{id} with a bearer token).
CUSTOMERS = 20
ORDERS_PER_CUSTOMER = 25
LINES_PER_SEEDED_ORDER = 3
MAIN_STORE = "main"  # made by the migrations, with the id 1
# The store the load goes to: opened by the seed after main, so its rows have the higher ids,
# and every request must name it (anonymous ones with X-Store, the others by their token).
LOADED_STORE = "bench"
# The role the servers connect as: made by `storefront db grant-app-role` on the first run
# (a role is the server's, not a database's, so later runs find it and keep its password).
APP_ROLE = "storefront_bench_app"
APP_ROLE_PASSWORD = "storefront-bench-app-role"  # noqa: S105 - throwaway databases only
GRANT_TIMEOUT_S = 120.0


@dataclass(frozen=True)
class Customer:
    """A seeded user who signs in, and the seeded orders that are theirs to read."""

    user_id: int
    username: str
    order_ids: tuple[int, ...]


@dataclass(frozen=True)
class SeedData:
    """One store's seeded rows, which the load scripts draw from: contiguous id ranges, the
    seeded categories, the admin (who places the orders of POST /orders/ for any user) and
    the customers who read their own orders."""

    first_product_id: int
    last_product_id: int
    first_user_id: int
    last_user_id: int
    category_ids: tuple[int, ...]
    admin_user_id: int
    customers: tuple[Customer, ...]
    store_id: int
    store_slug: str
    # The store seeded alike beside it, which the load must never reach (None in that one).
    other_store: SeedData | None = None

    @property
    def product_count(self) -> int:
        return self.last_product_id - self.first_product_id + 1

    @property
    def user_count(self) -> int:
        return self.last_user_id - self.first_user_id + 1


def _with_scheme_and_database(url: str, scheme: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((scheme, parts.netloc, f"/{database}", parts.query, ""))


def _with_scheme(url: str, scheme: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((scheme, parts.netloc, parts.path, parts.query, ""))


def _as_role(url: str, role: str, password: str) -> str:
    """`url` with its user and password replaced (host, port and database kept)."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, f"{role}:{password}@{host}", parts.path, parts.query, ""))


class ThrowawayDatabase:
    """`storefront_bench_<hex>` on the server the admin URL names; dropped by `drop()`."""

    def __init__(self, admin_url: str) -> None:
        self.name = f"storefront_bench_{secrets.token_hex(4)}"
        admin_database = urlsplit(admin_url).path.lstrip("/") or "postgres"
        self.admin_url = _with_scheme_and_database(admin_url, "postgresql", admin_database)
        self.url = _with_scheme_and_database(admin_url, "postgresql", self.name)
        self.sqlalchemy_url = _with_scheme_and_database(admin_url, "postgresql+asyncpg", self.name)
        self.app_role_url = _as_role(self.sqlalchemy_url, APP_ROLE, APP_ROLE_PASSWORD)
        self.created = False

    async def connection_problem(self) -> str | None:
        """None when the server answers on the admin URL, else what went wrong."""
        try:
            con = await asyncpg.connect(self.admin_url, timeout=5)
        except (OSError, TimeoutError, asyncpg.PostgresError) as err:
            return f"{type(err).__name__}: {err}"
        await con.close()
        return None

    async def create(self) -> None:
        con = await asyncpg.connect(self.admin_url, timeout=10)
        try:
            await con.execute(f'CREATE DATABASE "{self.name}"')
            self.created = True
        finally:
            await con.close()

    async def drop(self) -> None:
        if not self.created:
            return
        con = await asyncpg.connect(self.admin_url, timeout=10)
        try:
            # FORCE ends the sessions of servers that did not shut down cleanly.
            await con.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            self.created = False
        finally:
            await con.close()

    async def analyze(self) -> None:
        """Refresh the planner's statistics, as autovacuum would on a server where it runs.

        Without it, tables that were empty when analyzed keep plans made for empty tables:
        the foreign-key checks on orders turn into scans that grow with every order placed."""
        con = await asyncpg.connect(self.url, timeout=10)
        try:
            await con.execute("ANALYZE")
        finally:
            await con.close()

    async def server_version(self) -> str:
        return await self.setting("server_version")

    async def setting(self, name: str) -> str:
        """The server's value of one setting (`SHOW name`)."""
        con = await asyncpg.connect(self.url, timeout=10)
        try:
            return cast(str, await con.fetchval("SELECT current_setting($1)", name))
        finally:
            await con.close()

    async def migrate(self) -> str:
        """Build the schema; return a sentence saying how, for the results file."""
        migrate = _app_migrate()
        if migrate is not None:
            await asyncio.to_thread(migrate, self.sqlalchemy_url)
            return "the app's migrations (adapters.sqlalchemy.migrate: alembic upgrade head)"
        await self._create_from_seed_style_models()
        return (
            "bench.baselines.seed_style models (metadata.create_all): the app's migrations "
            "(adapters.sqlalchemy.migrate) were not importable"
        )

    async def grant_app_role(self) -> str:
        """Make APP_ROLE the app's role in this database with the app's own command,
        `storefront db grant-app-role` (run as the tables' owner, as production runs it);
        return the command line, for the results file. Raises RuntimeError when it fails."""
        command = [sys.executable, "-m", "entrypoints.cli", "db", "grant-app-role", APP_ROLE]
        process = await asyncio.create_subprocess_exec(
            *command,
            env={
                **os.environ,
                "DATABASE_URL": self.sqlalchemy_url,
                "STOREFRONT_APP_ROLE_PASSWORD": APP_ROLE_PASSWORD,
            },
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        try:
            output, _ = await asyncio.wait_for(process.communicate(), GRANT_TIMEOUT_S)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
        if process.returncode != 0:
            raise RuntimeError(
                f"storefront db grant-app-role {APP_ROLE} failed ({process.returncode}):\n"
                f"{output.decode(errors='replace')[-2000:]}"
            )
        return f"DATABASE_URL=<owner's URL> {' '.join(['storefront', *command[3:]])}"

    async def bypasses_row_security(self, url: str) -> bool:
        """Whether the role of `url` sees past the policies: a superuser, BYPASSRLS, or the
        owner of the tables."""
        con = await asyncpg.connect(_with_scheme(url, "postgresql"), timeout=10)
        try:
            return bool(
                await con.fetchval(
                    "SELECT r.rolsuper OR r.rolbypassrls OR pg_has_role(current_user, "
                    "c.relowner, 'USAGE') FROM pg_roles r, pg_class c "
                    "WHERE r.rolname = current_user AND c.oid = 'products'::regclass"
                )
            )
        finally:
            await con.close()

    async def _create_from_seed_style_models(self) -> None:
        from sqlalchemy.ext.asyncio import create_async_engine

        from bench.baselines.seed_style import Base

        engine = create_async_engine(self.sqlalchemy_url)
        try:
            async with engine.begin() as conn:
                await conn.run_sync(Base.metadata.create_all)
        finally:
            await engine.dispose()

    async def seed(
        self, *, products: int, users: int, categories: int, stock: int = 1_000_000
    ) -> SeedData:
        """Seed main and open LOADED_STORE with the same rows; return LOADED_STORE's seed,
        with main's as its `other_store`.

        The load goes to one store: a request that reached the other one's rows (an id of
        main's, a list counting both) would answer differently from the baselines, which
        filter by store_id themselves, or 404 (checked before the load), and each store's
        half of every table doubles what a query without store_id in its index would scan."""
        from argon2 import PasswordHasher

        # One real argon2 hash shared by every user: hashing a thousand times would only
        # slow the set-up. argon2-cffi's default profile is the app's (RFC 9106, low memory),
        # so signing in verifies it as it would any user's and has nothing to rehash.
        hashed_password = PasswordHasher().hash(BENCH_PASSWORD)
        now = datetime.now(UTC)

        con = await asyncpg.connect(self.url, timeout=10)
        try:
            main_id = await con.fetchval("SELECT id FROM stores WHERE slug = $1", MAIN_STORE)
            if main_id is None:  # the seed-style models make no stores
                main_id = await _open_store(con, MAIN_STORE, now)
            main = await _seed_store(
                con,
                int(main_id),
                MAIN_STORE,
                products=products,
                users=users,
                categories=categories,
                stock=stock,
                hashed_password=hashed_password,
                now=now,
            )
            loaded_id = await _open_store(con, LOADED_STORE, now)
            loaded = await _seed_store(
                con,
                loaded_id,
                LOADED_STORE,
                products=products,
                users=users,
                categories=categories,
                stock=stock,
                hashed_password=hashed_password,
                now=now,
            )
            await con.execute("ANALYZE")
        finally:
            await con.close()
        return replace(loaded, other_store=main)


async def _open_store(con: Any, slug: str, now: datetime) -> int:
    return int(
        await con.fetchval(
            "INSERT INTO stores (slug, name, is_active, created_at) VALUES ($1, $2, true, $3) "
            "RETURNING id",
            slug,
            f"Bench store {slug}",
            now,
        )
    )


async def _seed_store(
    con: Any,
    store_id: int,
    store_slug: str,
    *,
    products: int,
    users: int,
    categories: int,
    stock: int,
    hashed_password: str,
    now: datetime,
) -> SeedData:
    """The same rows in every store: names, slugs, SKUs, usernames, prices and orders."""
    prices = random.Random(6)  # the same prices on every run, in every store
    in_store = {"store_id": store_id}
    await _copy(
        con,
        "categories",
        [
            {
                **in_store,
                "name": f"Bench category {n:02d}",
                "slug": f"bench-category-{n:02d}",
                "description": "A category seeded for the benchmark.",
                "parent_id": None,
                "created_at": now,
                "updated_at": now,
            }
            for n in range(1, categories + 1)
        ],
    )
    category_ids = tuple(
        row["id"]
        for row in await con.fetch(
            "SELECT id FROM categories WHERE store_id = $1 AND slug LIKE 'bench-category-%' "
            "ORDER BY id",
            store_id,
        )
    )
    await _copy(
        con,
        "products",
        [
            {
                **in_store,
                "name": f"Bench product {n:05d}",
                "slug": f"bench-product-{n:05d}",
                "sku": f"BENCH-{n:05d}",
                "description": "A product seeded for the benchmark.",
                "price": Decimal(prices.randint(100, 50_000)).scaleb(-2),
                "stock_quantity": stock,
                "is_active": True,
                "category_id": category_ids[n % len(category_ids)],
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
            for n in range(1, products + 1)
        ],
    )
    await _copy(
        con,
        "users",
        [
            {
                **in_store,
                "username": f"bench_user_{n:05d}",
                "email": f"bench_user_{n:05d}@example.com",
                "hashed_password": hashed_password,
                "full_name": f"Bench User {n:05d}",
                "bio": None,
                "is_active": True,
                "is_superuser": False,
                "credits": Decimal("0.00"),
                "created_at": now,
                "updated_at": now,
            }
            for n in range(1, users + 1)
        ],
    )
    await _copy(
        con,
        "users",
        [
            {
                **in_store,
                "username": ADMIN_USERNAME,
                "email": f"{ADMIN_USERNAME}@example.com",
                "hashed_password": hashed_password,
                "full_name": "Bench Admin",
                "bio": None,
                "is_active": True,
                "is_superuser": True,
                "credits": Decimal("0.00"),
                "created_at": now,
                "updated_at": now,
            }
        ],
    )
    first_product, last_product = await _contiguous_ids(
        con, "products", store_id, "sku LIKE 'BENCH-%'", products
    )
    first_user, last_user = await _contiguous_ids(
        con, "users", store_id, "username LIKE 'bench\\_user\\_%'", users
    )
    admin_user_id = int(
        await con.fetchval(
            "SELECT id FROM users WHERE store_id = $1 AND username = $2", store_id, ADMIN_USERNAME
        )
    )
    customers = await _seed_orders(
        con,
        store_id=store_id,
        first_user_id=first_user,
        customers=min(CUSTOMERS, users),
        product_ids=range(first_product, last_product + 1),
        now=now,
    )
    return SeedData(
        first_product,
        last_product,
        first_user,
        last_user,
        category_ids,
        admin_user_id=admin_user_id,
        customers=customers,
        store_id=store_id,
        store_slug=store_slug,
    )


async def _seed_orders(
    con: Any,
    *,
    store_id: int,
    first_user_id: int,
    customers: int,
    product_ids: range,
    now: datetime,
) -> tuple[Customer, ...]:
    """ORDERS_PER_CUSTOMER pending orders of LINES_PER_SEEDED_ORDER distinct products for
    each of the first `customers` users, priced as the products are; the stock is left as it
    is (these orders are only read)."""
    draw = random.Random(7)  # the same orders on every run
    prices = {
        row["id"]: row["price"]
        for row in await con.fetch(
            "SELECT id, price FROM products WHERE id BETWEEN $1 AND $2",
            product_ids.start,
            product_ids.stop - 1,
        )
    }
    owners = [first_user_id + n for n in range(customers) for _ in range(ORDERS_PER_CUSTOMER)]
    lines = [sorted(draw.sample(product_ids, LINES_PER_SEEDED_ORDER)) for _ in range(len(owners))]
    await _copy(
        con,
        "orders",
        [
            {
                "store_id": store_id,
                # The app's format; the suffix counts in hex, so the seeded numbers are unique.
                "order_number": f"ORD-{now:%Y%m%d%H%M%S}-{n:06X}",
                "user_id": owner,
                "status": "pending",
                "total_amount": sum((prices[p] for p in order_lines), Decimal("0.00")),
                "shipping_address": None,
                "created_at": now,
                "updated_at": now,
            }
            for n, (owner, order_lines) in enumerate(zip(owners, lines, strict=True))
        ],
    )
    order_ids = [
        row["id"]
        for row in await con.fetch(
            "SELECT id FROM orders WHERE store_id = $1 AND order_number LIKE $2 ORDER BY id",
            store_id,
            f"ORD-{now:%Y%m%d%H%M%S}-%",
        )
    ]
    if len(order_ids) != len(owners):
        raise RuntimeError(f"seeded {len(owners)} orders, found {len(order_ids)}")
    await _copy(
        con,
        "order_items",
        [
            {
                "store_id": store_id,
                "order_id": order_id,
                "product_id": product_id,
                "quantity": 1,
                "unit_price": prices[product_id],
                "total_price": prices[product_id],
            }
            for order_id, order_lines in zip(order_ids, lines, strict=True)
            for product_id in order_lines
        ],
    )
    usernames = {
        row["id"]: row["username"]
        for row in await con.fetch(
            "SELECT id, username FROM users WHERE id = ANY($1)", sorted(set(owners))
        )
    }
    return tuple(
        Customer(
            user_id=user_id,
            username=usernames[user_id],
            order_ids=tuple(
                order_id
                for order_id, owner in zip(order_ids, owners, strict=True)
                if owner == user_id
            ),
        )
        for user_id in sorted(usernames)
    )


def _app_migrate() -> Callable[[str], None] | None:
    try:
        module = importlib.import_module("adapters.sqlalchemy")
    except ImportError:
        return None
    migrate = getattr(module, "migrate", None)
    return cast(Callable[[str], None], migrate) if callable(migrate) else None


async def _copy(con: Any, table: str, rows: Sequence[Mapping[str, object]]) -> None:
    """COPY `rows` into the columns of `table` that exist; refuse if a required one is missing."""
    schema = await con.fetch(
        "SELECT column_name, is_nullable = 'NO' AND column_default IS NULL "
        "AND is_identity = 'NO' AS required "
        "FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1",
        table,
    )
    if not schema:
        raise RuntimeError(f"table {table!r} does not exist after migrating")
    known = set(rows[0])
    existing = {row["column_name"] for row in schema}
    unfilled = sorted(
        row["column_name"]
        for row in schema
        if row["required"] and row["column_name"] not in known and row["column_name"] != "id"
    )
    if unfilled:
        raise RuntimeError(
            f"bench/database.py cannot seed {table!r}: it does not fill the required "
            f"column(s) {', '.join(unfilled)}; add them to the seed"
        )
    columns = [name for name in rows[0] if name in existing]
    await con.copy_records_to_table(
        table, columns=columns, records=[tuple(row[name] for name in columns) for row in rows]
    )


async def _contiguous_ids(
    con: Any, table: str, store_id: int, where: str, expected: int
) -> tuple[int, int]:
    row = await con.fetchrow(
        f"SELECT min(id), max(id), count(*) FROM {table} WHERE store_id = $1 AND {where}",
        store_id,
    )
    first, last, count = row[0], row[1], row[2]
    if count != expected or last - first + 1 != count:
        raise RuntimeError(
            f"seeded {table} ids are not one contiguous range ({count} rows, {first}..{last})"
        )
    return int(first), int(last)


class Unreachable(Exception):
    """The PostgreSQL server of the admin URL does not answer."""


@asynccontextmanager
async def seeded_database(
    admin_url: str, *, products: int, users: int, categories: int, stock: int
) -> AsyncIterator[tuple[ThrowawayDatabase, SeedData]]:
    """A throwaway database, migrated and seeded; dropped on the way out, errors included.

    Raises Unreachable, before creating anything, when the server does not answer."""
    database = ThrowawayDatabase(admin_url)
    problem = await database.connection_problem()
    if problem is not None:
        raise Unreachable(f"PostgreSQL not reachable at {database.admin_url}: {problem}")
    await database.create()
    try:
        await database.migrate()
        seed = await database.seed(
            products=products, users=users, categories=categories, stock=stock
        )
        yield database, seed
    finally:
        await database.drop()
