"""Two walls keep a store to its rows in SQL; each holds on its own.

The first is the adapters': the unit of work's store criterion on every ORM statement, and its
guard, which refuses a Core statement over a store's table that nothing keeps to the store
(on every SQL backend); the read side's filter on every query. The second is PostgreSQL's
row-level security: the app connects as a role the policies hold, and every transaction and
read names its store first. With the first wall taken away (the criterion and the guard
unhooked, a read's own filter pointed at another store, or plain SQL text, which nothing
filters), the app's connection to PostgreSQL still reads, changes and adds rows of the store
it named, and no other.

Main and north each sell a lamp, with the same SKU.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Executable, delete, event, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from adapters.sqlalchemy import (
    EngineSettings,
    SqlAlchemyOrderQueries,
    SqlAlchemyProductQueries,
    SqlAlchemyUnitOfWork,
    create_engine,
    read_side,
    tenancy,
)
from adapters.sqlalchemy.catalog.tables import products
from adapters.sqlalchemy.stores.tables import stores as stores_table
from adapters.sqlalchemy.tenancy import (
    STORE_SETTING,
    UnscopedStatement,
    keeps_to_store,
    session_store,
)
from application.catalog.queries import PRODUCT_LIST
from application.shared.unit_of_work import UnitOfWork
from domain.catalog.product import Product
from tests.contract.data import id_of, product
from tests.support.databases import SharedPostgres
from tests.support.storage import Storage, open_storage

NORTH = "north"


@dataclass
class Stores:
    main: Storage
    north: Storage
    main_lamp: int
    north_lamp: int


async def two_stores(storage: Storage) -> Stores:
    north = await storage.open_store(NORTH)
    main_lamp = id_of(await product(storage, "Lamp", stock=5))
    north_lamp = id_of(await product(north, "Lamp", stock=7))
    return Stores(storage, north, main_lamp, north_lamp)


@pytest.fixture
async def on_postgres(tmp_path: Path, shared_postgres: SharedPostgres) -> AsyncIterator[Stores]:
    """Main and north on PostgreSQL, which the app reaches as the app's role."""
    async with open_storage(
        "postgres", tmp_path=tmp_path, shared_postgres=shared_postgres
    ) as opened:
        yield await two_stores(opened)


@pytest.fixture
async def stores(storage: Storage) -> Stores:
    """Main and north on each SQL backend."""
    return await two_stores(storage)


@pytest.fixture
def without_the_store_criterion() -> Iterator[None]:
    """The unit of work's first wall taken away for one test: no ORM statement gets the
    store's criterion, and no Core statement is refused. The transaction still names its store
    to PostgreSQL, and new rows are still stamped with it."""
    tenancy.install_store_scoping()
    event.remove(Session, "do_orm_execute", tenancy._on_orm_execute)
    try:
        yield
    finally:
        event.listen(Session, "do_orm_execute", tenancy._on_orm_execute)


def session_of(uow: UnitOfWork) -> AsyncSession:
    assert isinstance(uow, SqlAlchemyUnitOfWork)
    return uow.session()


async def stock_by_sku(storage: Storage) -> list[tuple[str, int]]:
    page = await storage.products.list(PRODUCT_LIST.query(sort="id"))
    return [(one.sku, one.stock_quantity) for one in page.items]


# -- the second wall alone: row-level security -------------------------------------------------
@pytest.mark.postgres
@pytest.mark.usefixtures("without_the_store_criterion")
async def test_without_the_criterion_a_unit_of_work_reads_its_stores_rows_only(
    on_postgres: Stores,
) -> None:
    stores = on_postgres

    async with stores.main.make_uow() as uow:
        session = session_of(uow)
        every_product = (await session.scalars(select(Product).order_by(products.c.id))).all()
        by_sku = await session.scalar(select(products.c.id).where(products.c.sku == "LAMP"))
        by_id = await uow.products.get(stores.north_lamp)
        locked = await uow.products.get_for_update([stores.main_lamp, stores.north_lamp])

    assert [id_of(p) for p in every_product] == [stores.main_lamp]
    assert by_sku == stores.main_lamp
    assert by_id is None
    assert [id_of(p) for p in locked] == [stores.main_lamp]


@pytest.mark.postgres
@pytest.mark.usefixtures("without_the_store_criterion")
async def test_without_the_criterion_a_unit_of_work_changes_its_stores_rows_only(
    on_postgres: Stores,
) -> None:
    stores = on_postgres

    async with stores.main.make_uow() as uow:
        session = session_of(uow)
        emptied = await session.execute(
            update(Product).values(stock_quantity=0).execution_options(synchronize_session=False)
        )
        await uow.commit()
    async with stores.main.make_uow() as uow:
        removed = await session_of(uow).execute(
            delete(Product).execution_options(synchronize_session=False)
        )
        await uow.commit()

    assert (emptied.rowcount, removed.rowcount) == (1, 1)  # type: ignore[attr-defined]
    assert await stock_by_sku(stores.main) == []
    assert await stock_by_sku(stores.north) == [("LAMP", 7)]


@pytest.mark.postgres
async def test_plain_sql_said_to_keep_to_its_store_reads_and_writes_its_store_only(
    on_postgres: Stores,
) -> None:
    # SQL text that claims to keep to the store and does not: the guard takes its word, and
    # only the policies keep it to the store.
    stores = on_postgres
    north_id = stores.north.store_id

    async with stores.main.make_uow() as uow:
        session = session_of(uow)
        seen = (
            await session.execute(keeps_to_store(text("SELECT sku, store_id FROM products")))
        ).all()
        changed = await session.execute(
            keeps_to_store(text("UPDATE products SET stock_quantity = 99"))
        )
        await uow.commit()
    with pytest.raises(DBAPIError, match="row-level security"):
        async with stores.main.make_uow() as uow:
            await session_of(uow).execute(
                keeps_to_store(
                    text(
                        "INSERT INTO products (name, slug, sku, price, stock_quantity, "
                        "is_active, version, created_at, updated_at, store_id) VALUES "
                        "('Sneaky', 'sneaky', 'SNEAKY', 1, 1, TRUE, 1, now(), now(), :north)"
                    )
                ),
                {"north": north_id},
            )

    assert [tuple(row) for row in seen] == [("LAMP", stores.main.store_id)]
    assert changed.rowcount == 1  # type: ignore[attr-defined]
    assert await stock_by_sku(stores.main) == [("LAMP", 99)]
    assert await stock_by_sku(stores.north) == [("LAMP", 7)]


@pytest.mark.postgres
async def test_a_read_whose_filter_asks_for_another_store_sees_nothing_of_it(
    on_postgres: Stores, monkeypatch: pytest.MonkeyPatch
) -> None:
    """North's query adapters, their filter asking for north's rows, on connections that name
    main to PostgreSQL (as a read side mixing up its stores would): nothing at all, on the
    prepared fast path and on Core alike."""
    stores = on_postgres
    main_id = str(stores.main.store_id)
    assert stores.main.engine is not None
    url = stores.main.engine.url.render_as_string(hide_password=False)
    engine = create_engine(url, EngineSettings(pool_size=1))
    # The statements keep their parameter, which the value named in them makes idle.
    monkeypatch.setattr(
        read_side,
        "SET_STORE",
        text(f"SELECT set_config('{STORE_SETTING}', '{main_id}', true), :store"),
    )
    monkeypatch.setattr(
        read_side,
        "SET_STORE_FOR_SESSION",
        f"SELECT set_config('{STORE_SETTING}', '{main_id}', false), $1::text",
    )
    north_id = stores.north.store_id
    try:
        north_products = SqlAlchemyProductQueries(engine, north_id)
        north_orders = SqlAlchemyOrderQueries(engine, north_id)
        found = [
            await north_products.get(stores.north_lamp),  # the fast path
            await north_products.get_by_sku("LAMP"),
            await north_products.get(stores.main_lamp),
        ]
        listed = await north_products.list(PRODUCT_LIST.query())
        stats = await north_products.category_stats()
        order_stats = await north_orders.stats()
    finally:
        await engine.dispose()

    assert found == [None, None, None]
    assert (listed.total, stats, order_stats.total_orders) == (0, [], 0)
    # North's lamp is there, for a read that names north.
    assert await stores.north.products.get(stores.north_lamp) is not None


# -- the first wall: the guard, on every SQL backend -----------------------------------------------
async def test_a_core_statement_over_a_stores_table_is_refused(stores: Stores) -> None:
    refused = [
        select(products.c.sku),
        update(products).values(stock_quantity=0),
        delete(products),
    ]

    for statement in refused:
        with pytest.raises(UnscopedStatement, match="products"):
            async with stores.main.make_uow() as uow:
                await session_of(uow).execute(statement)
    assert await stock_by_sku(stores.main) == [("LAMP", 5)]
    assert await stock_by_sku(stores.north) == [("LAMP", 7)]


async def test_plain_sql_on_a_unit_of_work_is_refused_whatever_it_names(stores: Stores) -> None:
    # Which tables SQL text touches cannot be seen, so it is refused as a whole.
    refused: list[Executable] = [
        text("SELECT sku FROM products"),
        text("UPDATE products SET stock_quantity = 0"),
        text("INSERT INTO products (name) VALUES ('Sneaky')"),
        text("SELECT 1"),
        select(stores_table.c.id).where(text("1 = 1")),  # no store table, a text fragment
    ]

    for statement in refused:
        with pytest.raises(UnscopedStatement, match="SQL text"):
            async with stores.main.make_uow() as uow:
                await session_of(uow).execute(statement)
    assert await stock_by_sku(stores.main) == [("LAMP", 5)]
    assert await stock_by_sku(stores.north) == [("LAMP", 7)]


async def test_a_core_statement_that_filters_by_its_store_may_say_so(stores: Stores) -> None:
    async with stores.main.make_uow() as uow:
        session = session_of(uow)
        own = keeps_to_store(
            select(products.c.id).where(products.c.store_id == session_store(session))
        )
        found = (await session.scalars(own)).all()

    assert found == [stores.main_lamp]
