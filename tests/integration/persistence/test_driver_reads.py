"""The reads that skip SQLAlchemy's execution path on PostgreSQL (adapters/sqlalchemy/read_side.py)
cost one statement each, counted on the wire: a connection names its store to the row-level
security policies once, and again only when a read of another store takes it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import pytest
from sqlalchemy import make_url

from adapters.sqlalchemy.engine import EngineSettings, create_engine
from application.identity.read_models import UserStanding
from bench.statement_counter import StatementCounter
from tests.contract.data import id_of, user
from tests.support.storage import Storage, sql_storage

pytestmark = pytest.mark.postgres


@pytest.fixture
async def counted(postgres_app_url: str) -> AsyncIterator[tuple[StatementCounter, int]]:
    server = urlsplit(postgres_app_url)
    counter = StatementCounter(server.hostname or "127.0.0.1", server.port or 5432)
    port = await counter.start()
    yield counter, port
    await counter.close()


@pytest.fixture
def counter(counted: tuple[StatementCounter, int]) -> StatementCounter:
    return counted[0]


@pytest.fixture
async def storage(
    postgres_app_url: str, counted: tuple[StatementCounter, int]
) -> AsyncIterator[Storage]:
    # One pooled connection, reached through the counter: every read takes the same one.
    url = make_url(postgres_app_url).set(host="127.0.0.1", port=counted[1])
    engine = create_engine(
        url.render_as_string(hide_password=False), EngineSettings(pool_size=1, max_overflow=0)
    )
    try:
        yield sql_storage(engine)
    finally:
        await engine.dispose()


async def test_a_tokens_standing_costs_one_statement_once_its_store_is_named(
    storage: Storage, counter: StatementCounter
) -> None:
    north = await storage.open_store("north")
    ann = await user(storage, "ann")
    bob = await user(north, "bob")

    counter.reset()
    read = [await storage.users.standing(id_of(ann)) for _ in range(3)]
    assert read == [UserStanding(True, False, 0)] * 3
    assert (counter.statements, counter.store_settings) == (4, 1)

    # Another store's read names its own store first, and finds only its own users.
    counter.reset()
    assert await north.users.standing(id_of(bob)) == UserStanding(True, False, 0)
    assert await north.users.standing(id_of(ann)) is None
    assert await storage.users.standing(id_of(bob)) is None
    assert (counter.statements, counter.store_settings) == (5, 2)
