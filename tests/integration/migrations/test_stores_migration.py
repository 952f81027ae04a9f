"""The stores revision turns a single-shop database into a multi-store one without losing a row,
and folds it back while there is one store only.

Each test starts from a database at the revision before it, filled as the single-shop app
fills it: users with a refresh token and a sign-in throttle, categories (the four seeded and
one of the shop's own), products, an order with two lines and a payment, a notification, an
idempotency key. Every test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from alembic.util import CommandError
from sqlalchemy import Connection, inspect, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from adapters.sqlalchemy.migration import alembic_config
from adapters.sqlalchemy.schema import store_scoped_tables
from alembic import command
from tests.support.databases import empty_postgres_database

SINGLE_SHOP = "bc62a8c391b3"
STORES = "263aae16c781"
T0 = "'2026-01-01 00:00:00'"

# The rows a single shop holds, written as its app writes them: the ids drawn in order, from 1
# (categories from 5, after the seeded four). The newest user (3) was deleted.
SINGLE_SHOP_ROWS = (
    "INSERT INTO users (username, email, hashed_password, full_name, is_active, "
    "is_superuser, credits, created_at, updated_at, token_generation) VALUES "
    f"('alice', 'alice@example.com', 'hash-a', 'Alice', TRUE, FALSE, 12.50, {T0}, {T0}, 2), "
    f"('admin', 'admin@example.com', 'hash-b', NULL, TRUE, TRUE, 0, {T0}, {T0}, 0), "
    f"('carol', 'carol@example.com', 'hash-c', NULL, TRUE, FALSE, 0, {T0}, {T0}, 0)",
    "DELETE FROM users WHERE id = 3",
    "INSERT INTO refresh_tokens (user_id, family, token_hash, issued_at, expires_at) "
    f"VALUES (1, 'family-1', 'hash-of-token-1', {T0}, '2026-02-01 00:00:00')",
    "INSERT INTO login_throttles (account, failures, last_failure_at) "
    f"VALUES ('name:mallory', 3, {T0})",
    f"INSERT INTO categories (name, slug, parent_id, created_at) VALUES ('Toys', 'toys', 1, {T0})",
    "INSERT INTO products (name, slug, sku, description, price, stock_quantity, is_active, "
    "category_id, version, created_at, updated_at) VALUES "
    f"('Atlas', 'atlas', 'ATLAS-1', 'Maps', 30.00, 7, TRUE, 3, 2, {T0}, {T0}), "
    f"('Kite', 'kite', 'KITE-1', NULL, 12.25, 0, FALSE, 5, 1, {T0}, {T0})",
    "INSERT INTO orders (order_number, user_id, status, total_amount, shipping_address, "
    f"created_at, updated_at) VALUES ('ORD-0001', 1, 'confirmed', 72.25, '1 Road', {T0}, {T0})",
    "INSERT INTO order_items (order_id, product_id, quantity, unit_price, total_price) "
    "VALUES (1, 1, 2, 30.00, 60.00), (1, 2, 1, 12.25, 12.25)",
    f"INSERT INTO payments (order_id, amount, method, created_at) VALUES (1, 72.25, 'card', {T0})",
    "INSERT INTO notifications (user_id, order_id, message, is_read, created_at) VALUES "
    f"(1, 1, 'Your order ORD-0001 is confirmed', FALSE, {T0})",
    "INSERT INTO idempotency_keys (scope, key, fingerprint, status_code, body, created_at, "
    f"expires_at) VALUES ('orders:1', 'key-1', 'print', 201, '{{\"id\": 1}}', {T0}, "
    "'2026-01-02 00:00:00')",
)
BUSINESS_TABLES = (
    "users",
    "refresh_tokens",
    "login_throttles",
    "categories",
    "products",
    "orders",
    "order_items",
    "payments",
    "notifications",
    "idempotency_keys",
)
# Tables of revisions after the stores one, each made with its store_id and policy.
LATER_TABLES = {
    "ledger_entries",
    "transfers",
    "credit_grants",
    "posts",
    "tags",
    "post_tags",
    "items",
}
ENGINES = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]


async def alembic(url: str, action: str, *args: Any) -> None:
    """Run an Alembic command; env.py runs its own event loop, hence the thread."""
    await asyncio.to_thread(getattr(command, action), alembic_config(url), *args)


async def inspect_db(url: str, look: Callable[[Connection], Any]) -> Any:
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(look)
    finally:
        await engine.dispose()


async def execute(url: str, *statements: str) -> None:
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.begin() as connection:
            for statement in statements:
                await connection.execute(text(statement))
    finally:
        await engine.dispose()


def rows(connection: Connection) -> dict[str, list[dict[str, Any]]]:
    """Every row of the business tables, each table's in the order of its primary key."""
    found = {}
    for table in BUSINESS_TABLES:
        key = "scope, key" if table == "idempotency_keys" else "id"
        result = connection.execute(text(f"SELECT * FROM {table} ORDER BY {key}"))
        found[table] = [dict(row._mapping) for row in result]
    return found


def without_store(found: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    return {
        table: [{k: v for k, v in row.items() if k != "store_id"} for row in table_rows]
        for table, table_rows in found.items()
    }


def schema(connection: Connection) -> dict[str, Any]:
    inspector = inspect(connection)
    tables = set(inspector.get_table_names())
    return {
        "tables": tables,
        # Each table's store_id and its default: a row must name its store, never fall into one.
        "store_columns": {
            table: column["default"]
            for table in BUSINESS_TABLES
            for column in inspector.get_columns(table)
            if column["name"] == "store_id"
        },
        "uniques": {
            table: [u["name"] for u in inspector.get_unique_constraints(table)]
            for table in BUSINESS_TABLES
        },
        "idempotency_key": inspector.get_pk_constraint("idempotency_keys")["constrained_columns"],
        "revision": connection.execute(text("SELECT version_num FROM alembic_version")).scalar(),
    }


@pytest.fixture(params=ENGINES)
async def single_shop_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A database at the revision before stores, holding a single shop's rows."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'shop.db'}"
        await alembic(url, "upgrade", SINGLE_SHOP)
        await execute(url, *SINGLE_SHOP_ROWS)
        yield url
    else:
        async with empty_postgres_database() as url:
            await alembic(url, "upgrade", SINGLE_SHOP)
            await execute(url, *SINGLE_SHOP_ROWS)
            yield url


async def test_every_row_survives_the_upgrade_in_the_main_store(single_shop_url: str) -> None:
    before = await inspect_db(single_shop_url, rows)

    await alembic(single_shop_url, "upgrade", STORES)

    after = await inspect_db(single_shop_url, rows)
    assert without_store(after) == before
    assert {table: len(found) for table, found in after.items()} == {
        "users": 2,
        "refresh_tokens": 1,
        "login_throttles": 1,
        "categories": 5,
        "products": 2,
        "orders": 1,
        "order_items": 2,
        "payments": 1,
        "notifications": 1,
        "idempotency_keys": 1,
    }
    assert {row["store_id"] for table in after.values() for row in table} == {1}
    stores = await inspect_db(
        single_shop_url,
        lambda c: c.execute(text("SELECT id, slug, name, is_active FROM stores")).all(),
    )
    assert [tuple(store) for store in stores] == [(1, "main", "Main", True)]


async def test_the_upgrade_gives_every_business_table_its_store_and_per_store_uniques(
    single_shop_url: str,
) -> None:
    await alembic(single_shop_url, "upgrade", STORES)

    found = await inspect_db(single_shop_url, schema)

    assert found["store_columns"] == dict.fromkeys(BUSINESS_TABLES)
    assert {table.name for table in store_scoped_tables()} - LATER_TABLES == set(BUSINESS_TABLES)
    assert found["idempotency_key"] == ["store_id", "scope", "key"]
    assert {table: sorted(names) for table, names in found["uniques"].items()} == {
        "users": ["uq_users_store_id_email", "uq_users_store_id_username"],
        "refresh_tokens": ["uq_refresh_tokens_token_hash"],
        "login_throttles": ["uq_login_throttles_store_id_account"],
        "categories": ["uq_categories_store_id_name", "uq_categories_store_id_slug"],
        "products": [
            "uq_products_store_id_name_category_id",
            "uq_products_store_id_sku",
            "uq_products_store_id_slug",
        ],
        "orders": ["uq_orders_store_id_order_number"],
        "order_items": ["uq_order_items_order_id_product_id"],
        "payments": [],
        "notifications": [],
        "idempotency_keys": [],
    }


async def test_after_the_upgrade_names_are_unique_per_store_only(single_shop_url: str) -> None:
    await alembic(single_shop_url, "upgrade", "head")
    await execute(
        single_shop_url,
        f"INSERT INTO stores (slug, name, is_active, created_at) VALUES "
        f"('north', 'North', TRUE, {T0})",
    )
    store_ids = await inspect_db(
        single_shop_url, lambda c: c.execute(text("SELECT id FROM stores ORDER BY id")).scalars()
    )

    # A second store may have its own alice, SKU ATLAS-1 and idempotency key.
    await execute(
        single_shop_url,
        "INSERT INTO users (username, email, hashed_password, is_active, is_superuser, credits, "
        f"created_at, updated_at, store_id) VALUES ('alice', 'alice@example.com', 'h', TRUE, "
        f"FALSE, 0, {T0}, {T0}, 2)",
        "INSERT INTO products (name, slug, sku, price, stock_quantity, is_active, version, "
        f"created_at, updated_at, store_id) VALUES ('Atlas', 'atlas', 'ATLAS-1', 5, 1, TRUE, 1, "
        f"{T0}, {T0}, 2)",
        "INSERT INTO idempotency_keys (scope, key, fingerprint, status_code, body, created_at, "
        f"expires_at, store_id) VALUES ('orders:1', 'key-1', 'p', 201, '{{}}', {T0}, {T0}, 2)",
    )
    # One store cannot have two.
    for duplicate in (
        "INSERT INTO users (username, email, hashed_password, is_active, is_superuser, credits, "
        f"created_at, updated_at, store_id) VALUES ('alice', 'other@example.com', 'h', TRUE, "
        f"FALSE, 0, {T0}, {T0}, 2)",
        "INSERT INTO products (name, slug, sku, price, stock_quantity, is_active, version, "
        f"created_at, updated_at, store_id) VALUES ('Globe', 'globe', 'ATLAS-1', 5, 1, TRUE, 1, "
        f"{T0}, {T0}, 1)",
        "INSERT INTO idempotency_keys (scope, key, fingerprint, status_code, body, created_at, "
        f"expires_at, store_id) VALUES ('orders:1', 'key-1', 'p', 201, '{{}}', {T0}, {T0}, 1)",
    ):
        with pytest.raises(IntegrityError):
            await execute(single_shop_url, duplicate)

    assert list(store_ids) == [1, 2]


async def test_an_id_freed_before_the_upgrade_is_never_handed_out_again(
    single_shop_url: str,
) -> None:
    await alembic(single_shop_url, "upgrade", "head")

    await execute(
        single_shop_url,
        "INSERT INTO users (username, email, hashed_password, is_active, is_superuser, credits, "
        f"created_at, updated_at, store_id) VALUES ('dave', 'dave@example.com', 'h', TRUE, "
        f"FALSE, 0, {T0}, {T0}, 1)",
    )

    dave = await inspect_db(
        single_shop_url,
        lambda c: c.execute(text("SELECT id FROM users WHERE username = 'dave'")).scalar(),
    )
    assert dave == 4  # carol's 3 stays unused, as before the upgrade


async def test_downgrade_refuses_while_a_second_store_exists_and_changes_nothing(
    single_shop_url: str,
) -> None:
    # At the stores revision itself: a later revision's downgrade, run first, would change
    # its own tables before this one refuses (SQLite cannot undo DDL).
    await alembic(single_shop_url, "upgrade", STORES)
    await execute(
        single_shop_url,
        f"INSERT INTO stores (slug, name, is_active, created_at) VALUES "
        f"('north', 'North', TRUE, {T0})",
    )
    before = await inspect_db(single_shop_url, schema), await inspect_db(single_shop_url, rows)

    with pytest.raises(CommandError, match="the database holds 2 stores") as refused:
        await alembic(single_shop_url, "downgrade", SINGLE_SHOP)

    assert "Move or delete the data of every store but one first" in str(refused.value)
    assert "nothing was changed" in str(refused.value)
    after = await inspect_db(single_shop_url, schema), await inspect_db(single_shop_url, rows)
    assert after == before


async def test_downgrade_with_one_store_restores_the_single_shop_and_its_rows(
    single_shop_url: str,
) -> None:
    single_shop = await inspect_db(single_shop_url, schema)
    before = await inspect_db(single_shop_url, rows)
    await alembic(single_shop_url, "upgrade", "head")

    await alembic(single_shop_url, "downgrade", SINGLE_SHOP)

    assert await inspect_db(single_shop_url, rows) == before
    assert await inspect_db(single_shop_url, schema) == single_shop
    # The global uniques are back: one alice in all.
    with pytest.raises(IntegrityError):
        await execute(
            single_shop_url,
            "INSERT INTO users (username, email, hashed_password, is_active, is_superuser, "
            f"credits, created_at, updated_at) VALUES ('alice', 'new@example.com', 'h', TRUE, "
            f"FALSE, 0, {T0}, {T0})",
        )


async def test_up_down_and_up_again_keeps_every_row_and_matches_the_tables(
    single_shop_url: str,
) -> None:
    await alembic(single_shop_url, "upgrade", "head")
    migrated = await inspect_db(single_shop_url, rows)

    await alembic(single_shop_url, "downgrade", SINGLE_SHOP)
    await alembic(single_shop_url, "upgrade", "head")

    assert await inspect_db(single_shop_url, rows) == migrated
    await alembic(single_shop_url, "check")  # raises AutogenerateDiffsDetected on any drift
