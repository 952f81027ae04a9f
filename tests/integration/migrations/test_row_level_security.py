"""On PostgreSQL, row-level security keeps the app's role to the store its transaction names.

The migrated database holds two stores, each with a product of its own. The app's role
(`postgres_app_url`, granted by the product's `grant_app_role`) sees and writes the rows of the
store named by `set_config('storefront.store_id', ...)`, as the app names it, and nothing when
none is named; the tables' owner, who runs the migrations, sees every row. Then what tells an
operator whether a role is held at all (`row_security`), and what `grant_app_role` refuses.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import make_url, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from adapters.sqlalchemy.app_role import (
    AppRoleGranted,
    AppRoleRefused,
    app_role_exists,
    grant_app_role,
)
from adapters.sqlalchemy.health import row_security
from adapters.sqlalchemy.schema import store_scoped_tables
from adapters.sqlalchemy.tenancy import SET_STORE
from tests.support.databases import APP_ROLE

MAIN, NORTH = 1, 2
T0 = "'2026-01-01 00:00:00'"


def product(sku: str, store_id: int) -> str:
    return (
        "INSERT INTO products (name, slug, sku, price, stock_quantity, is_active, version, "
        f"created_at, updated_at, store_id) VALUES ('{sku}', '{sku.lower()}', '{sku}', 5, 1, "
        f"TRUE, 1, {T0}, {T0}, {store_id})"
    )


async def run(url: str, *statements: str, store: int | None = None) -> list[Any]:
    """Run the statements in one transaction, as the role of `url`, in `store` if given;
    the last one's rows, if it returns any."""
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.begin() as connection:
            if store is not None:
                await connection.execute(SET_STORE, {"store": str(store)})
            result = None
            for statement in statements:
                result = await connection.execute(text(statement))
            return (
                [tuple(row) for row in result] if result is not None and result.returns_rows else []
            )
    finally:
        await engine.dispose()


async def skus(url: str, store: int | None = None) -> list[str]:
    return [row[0] for row in await run(url, "SELECT sku FROM products ORDER BY sku", store=store)]


@pytest.fixture
async def two_stores(postgres_url: str) -> str:
    """The owner's URL of a migrated database where main and north each sell one product."""
    await run(
        postgres_url,
        "INSERT INTO stores (slug, name, is_active, created_at) "
        f"VALUES ('north', 'North', TRUE, {T0})",
        product("MAIN-1", MAIN),
        product("NORTH-1", NORTH),
    )
    return postgres_url


# ------------------------------------------------------------------ what the policies do
@pytest.mark.postgres
async def test_the_app_role_sees_only_the_store_its_transaction_names(
    two_stores: str, postgres_app_url: str
) -> None:
    assert await skus(postgres_app_url, store=MAIN) == ["MAIN-1"]
    assert await skus(postgres_app_url, store=NORTH) == ["NORTH-1"]


@pytest.mark.postgres
async def test_with_no_store_named_the_app_role_sees_nothing(
    two_stores: str, postgres_app_url: str
) -> None:
    assert await skus(postgres_app_url) == []
    # The seeded categories are main's: invisible too, in every store table.
    for table in store_scoped_tables():
        counted = await run(postgres_app_url, f"SELECT count(*) FROM {table.name}")
        assert counted == [(0,)], table.name


@pytest.mark.postgres
async def test_a_store_named_by_an_earlier_transaction_does_not_linger(
    two_stores: str, postgres_app_url: str
) -> None:
    engine = create_async_engine(postgres_app_url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            async with connection.begin():
                await connection.execute(SET_STORE, {"store": str(MAIN)})
                named = (await connection.execute(text("SELECT sku FROM products"))).scalars()
                assert list(named) == ["MAIN-1"]
            # Same connection, next transaction: the setting is back to '' and shows nothing.
            async with connection.begin():
                after = (await connection.execute(text("SELECT sku FROM products"))).scalars()
                assert list(after) == []
    finally:
        await engine.dispose()


@pytest.mark.postgres
async def test_a_row_of_another_store_cannot_be_written(
    two_stores: str, postgres_app_url: str
) -> None:
    with pytest.raises(DBAPIError, match="row-level security policy"):
        await run(postgres_app_url, product("SNEAKY-1", NORTH), store=MAIN)
    with pytest.raises(DBAPIError, match="row-level security policy"):
        await run(
            postgres_app_url,
            f"UPDATE products SET store_id = {NORTH} WHERE sku = 'MAIN-1'",
            store=MAIN,
        )
    # Another store's rows are not there to change.
    changed = await run(
        postgres_app_url,
        "UPDATE products SET stock_quantity = 99 WHERE sku = 'NORTH-1' RETURNING id",
        store=MAIN,
    )

    assert changed == []
    assert await skus(two_stores) == ["MAIN-1", "NORTH-1"]
    assert await run(two_stores, "SELECT stock_quantity FROM products WHERE sku = 'NORTH-1'") == [
        (1,)
    ]


@pytest.mark.postgres
async def test_the_app_role_writes_in_its_store_with_ids_from_the_sequence(
    two_stores: str, postgres_app_url: str
) -> None:
    made = await run(postgres_app_url, product("MAIN-2", MAIN) + " RETURNING id", store=MAIN)

    assert made == [(3,)]
    assert await skus(postgres_app_url, store=MAIN) == ["MAIN-1", "MAIN-2"]


@pytest.mark.postgres
async def test_the_owner_sees_every_store(two_stores: str) -> None:
    assert await skus(two_stores) == ["MAIN-1", "NORTH-1"]


@pytest.mark.postgres
async def test_every_store_table_has_the_policy_not_forced_and_stores_has_none(
    postgres_url: str,
) -> None:
    tables = await run(
        postgres_url,
        "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity FROM pg_class c "
        "WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'",
    )
    policies = await run(
        postgres_url,
        "SELECT tablename, policyname, cmd, qual, with_check FROM pg_policies "
        "WHERE schemaname = 'public'",
    )

    secured = {name for name, enabled, _ in tables if enabled}
    assert secured == {table.name for table in store_scoped_tables()}
    assert not any(forced for _, _, forced in tables)
    # The policy's expression, as PostgreSQL prints it back.
    current = (
        "(store_id = (NULLIF(current_setting('storefront.store_id'::text, true), "
        "''::text))::integer)"
    )
    assert sorted(policies) == sorted(
        (name, "store_isolation", "ALL", current, current) for name in secured
    )


# ------------------------------------------------------------- who the policies hold
@pytest.fixture
async def scratch_roles(postgres_url: str) -> AsyncIterator[Callable[..., Awaitable[str]]]:
    """Makes roles of its own for one test, and drops them after (and what they own or were
    granted in the test's database)."""
    made: list[str] = []

    async def make(*attributes: str) -> str:
        name = f"storefront_scratch_{secrets.token_hex(4)}"
        await run(postgres_url, f"CREATE ROLE {name} LOGIN {' '.join(attributes)}")
        made.append(name)
        return name

    yield make
    for name in reversed(made):
        await run(postgres_url, f"DROP OWNED BY {name}")
        await run(postgres_url, f"DROP ROLE {name}")


def as_role(url: str, role: str) -> str:
    return make_url(url).set(username=role, password=None).render_as_string(hide_password=False)


async def standing(url: str) -> Any:
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        return await row_security(engine)
    finally:
        await engine.dispose()


@pytest.mark.postgres
async def test_the_tables_owner_a_superuser_bypasses_row_level_security(
    postgres_url: str,
) -> None:
    found = await standing(postgres_url)

    assert found.role == "postgres"
    assert found.bypassed
    assert found.superuser
    assert found.owned_tables == tuple(sorted(table.name for table in store_scoped_tables()))
    assert found.reasons[0] == "a superuser"


@pytest.mark.postgres
async def test_the_app_role_does_not_bypass_row_level_security(postgres_app_url: str) -> None:
    found = await standing(postgres_app_url)

    assert found.role == APP_ROLE
    assert not found.bypassed
    assert (found.superuser, found.bypass_rls, found.owned_tables, found.reasons) == (
        False,
        False,
        (),
        (),
    )


@pytest.mark.postgres
async def test_a_role_with_bypassrls_bypasses_row_level_security(
    postgres_url: str, scratch_roles: Callable[..., Awaitable[str]]
) -> None:
    role = await scratch_roles("BYPASSRLS")

    found = await standing(as_role(postgres_url, role))

    assert found.bypassed
    assert (found.superuser, found.bypass_rls) == (False, True)
    assert found.reasons == ("has BYPASSRLS",)


@pytest.mark.postgres
async def test_owning_a_store_table_or_having_its_owners_rights_bypasses_row_level_security(
    postgres_url: str, scratch_roles: Callable[..., Awaitable[str]]
) -> None:
    owner = await scratch_roles()
    member = await scratch_roles()
    await run(postgres_url, f"ALTER TABLE payments OWNER TO {owner}", f"GRANT {owner} TO {member}")

    for role in (owner, member):
        found = await standing(as_role(postgres_url, role))

        assert found.bypassed, role
        assert found.owned_tables == ("payments",)
        assert found.reasons == ("owns payments",)


async def test_sqlite_has_no_row_level_security_to_report(sqlite_url: str) -> None:
    assert await standing(sqlite_url) is None


# ------------------------------------------------------------------- making the app's role
async def grant(url: str, role: str, password: str | None = None) -> AppRoleGranted:
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        return await grant_app_role(engine, role, password=password)
    finally:
        await engine.dispose()


async def exists(url: str, role: str) -> bool:
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        return await app_role_exists(engine, role)
    finally:
        await engine.dispose()


async def privileges(url: str, role: str) -> list[Any]:
    return await run(
        url,
        f"SELECT has_table_privilege('{role}', 'users', 'SELECT'), "
        f"has_table_privilege('{role}', 'users', 'DELETE'), "
        f"has_table_privilege('{role}', 'users', 'TRUNCATE'), "
        f"has_sequence_privilege('{role}', 'users_id_seq', 'USAGE')",
    )


@pytest.mark.postgres
async def test_a_new_role_is_created_to_log_in_and_granted_what_the_app_needs(
    postgres_url: str,
) -> None:
    role = f"storefront_scratch_{secrets.token_hex(4)}"
    try:
        granted = await grant(postgres_url, role, password="it's a secret")
        again = await grant(postgres_url, role)

        attributes = await run(
            postgres_url,
            "SELECT rolcanlogin, rolsuper, rolbypassrls, rolcreatedb, rolcreaterole, "
            f"rolpassword IS NOT NULL FROM pg_authid WHERE rolname = '{role}'",
        )
        assert attributes == [(True, False, False, False, False, True)]
        assert (granted.role, granted.created, granted.schema) == (role, True, "public")
        assert granted.database == make_url(postgres_url).database
        assert again.created is False
        assert await privileges(postgres_url, role) == [(True, True, False, True)]
        assert await exists(postgres_url, role)
    finally:
        await run(postgres_url, f"DROP OWNED BY {role}", f"DROP ROLE IF EXISTS {role}")


@pytest.mark.postgres
async def test_tables_the_owner_creates_later_are_granted_by_default(
    postgres_url: str, postgres_app_url: str
) -> None:
    await run(
        postgres_url,
        "CREATE TABLE reviews (id serial PRIMARY KEY, body text NOT NULL)",
    )

    made = await run(postgres_app_url, "INSERT INTO reviews (body) VALUES ('fine') RETURNING id")

    assert made == [(1,)]
    assert await run(postgres_app_url, "SELECT body FROM reviews") == [("fine",)]


@pytest.mark.postgres
async def test_a_role_the_policies_would_not_hold_is_refused_and_nothing_is_granted(
    postgres_url: str, scratch_roles: Callable[..., Awaitable[str]]
) -> None:
    bypassing = await scratch_roles("BYPASSRLS")
    owner = await scratch_roles()
    member = await scratch_roles()
    await run(postgres_url, f"ALTER TABLE payments OWNER TO {owner}", f"GRANT {owner} TO {member}")

    for role, reason in (
        ("postgres", "is a superuser"),
        (bypassing, "is BYPASSRLS"),
        (owner, "owns, or has the rights of the owner of, payments"),
        (member, "owns, or has the rights of the owner of, payments"),
    ):
        with pytest.raises(AppRoleRefused, match=reason):
            await grant(postgres_url, role)
        if role != "postgres":
            assert await privileges(postgres_url, role) == [(False, False, False, False)]


@pytest.mark.postgres
async def test_a_missing_role_without_a_password_or_a_strange_name_is_refused(
    postgres_url: str,
) -> None:
    missing = f"storefront_scratch_{secrets.token_hex(4)}"

    with pytest.raises(AppRoleRefused, match="give a password to create it"):
        await grant(postgres_url, missing)
    with pytest.raises(AppRoleRefused, match="is not a role name"):
        await grant(postgres_url, 'x"; DROP TABLE users; --', password="p")

    assert not await exists(postgres_url, missing)
    assert await run(postgres_url, "SELECT count(*) FROM users") == [(0,)]


async def test_sqlite_has_no_roles_to_grant(sqlite_url: str) -> None:
    with pytest.raises(AppRoleRefused, match="PostgreSQL's; this database is sqlite"):
        await grant(sqlite_url, "app", password="p")


@pytest.mark.postgres
async def test_a_grant_the_connecting_role_may_not_make_is_refused_in_words(
    postgres_url: str, scratch_roles: Callable[..., Awaitable[str]]
) -> None:
    powerless = await scratch_roles()
    missing = f"storefront_scratch_{secrets.token_hex(4)}"

    with pytest.raises(AppRoleRefused, match="permission denied to create role") as refused:
        await grant(as_role(postgres_url, powerless), missing, password="p")

    assert "run it as the owner of the tables, with CREATEROLE" in str(refused.value)
    assert not await exists(postgres_url, missing)
