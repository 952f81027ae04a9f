"""When the database fails under a request, the client gets a quick 503 problem, nothing is
half-written, and the app recovers on its own once the database is back.

Faults are made for real: a server process terminated from an admin connection while the
use case waits at a test hook, a pool whose only connection is held, a TCP proxy in front of
PostgreSQL that is switched off and on, and an SQLite file another process keeps locked.
Every wait is bounded (`asyncio.timeout`), so a hang fails the test instead of stalling it.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
import httpx
import pytest
from sqlalchemy import make_url, text

from tests.integration.concurrency.harness import (
    PROBLEM,
    AppUnderTest,
    Gate,
    PausingUnitOfWork,
    report,
    running_app,
)
from tests.support.databases import migrated_sqlite_url, postgres_admin_url
from tests.support.tcp_proxy import TcpProxy

__all__: list[str] = []

BOUND = 15  # seconds: far beyond any healthy answer, so reaching it means a hang


def assert_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == PROBLEM
    assert response.headers["retry-after"].isdigit()
    assert response.json()["type"] == "urn:storefront:problem:unavailable"


async def assert_unhealthy(app: AppUnderTest) -> list[int]:
    answers = [await app.probe("/health"), await app.probe("/health/db")]
    for answer in answers:
        assert answer.status_code == 503, answer.text
        assert answer.json()["status"] == "unhealthy"
    return [answer.status_code for answer in answers]


async def terminate(backend_pids: list[int]) -> None:
    dsn = make_url(postgres_admin_url()).set(drivername="postgresql")
    admin = await asyncpg.connect(dsn.render_as_string(hide_password=False), timeout=10)
    try:
        for pid in backend_pids:
            assert await admin.fetchval("SELECT pg_terminate_backend($1)", pid) is True
    finally:
        await admin.close()


@pytest.mark.postgres
async def test_a_connection_killed_while_an_order_is_placed_is_a_503_and_leaves_no_trace(
    postgres_app_url: str,
) -> None:
    gate = Gate(armed=False)
    async with running_app(postgres_app_url, overrides=PausingUnitOfWork.installed(gate)) as app:
        lamp = await app.product("Lamp", stock=10)
        buyer = await app.user("buyer")

        gate.arm()
        placing = asyncio.create_task(app.place_order(buyer, [(lamp, 3)]))
        async with asyncio.timeout(BOUND):
            await gate.reached.wait()  # the lamp's row is locked, the order not yet written
        await terminate(gate.backend_pids)
        gate.open()
        started = time.perf_counter()
        async with asyncio.timeout(BOUND):
            killed = await placing
        answered_in = time.perf_counter() - started

        stock_after_kill = await app.stock(lamp)
        orders_after_kill = len(await app.orders())
        again = await app.place_order(buyer, [(lamp, 3)])
        figures = report(
            "connection killed mid-order/postgres",
            terminated_pids=len(gate.backend_pids),
            status=killed.status_code,
            answered_in_s=round(answered_in, 3),
            stock_after_kill=stock_after_kill,
            orders_after_kill=orders_after_kill,
            next_order_status=again.status_code,
            final_stock=await app.stock(lamp),
        )
        assert_unavailable(killed)
        assert (stock_after_kill, orders_after_kill) == (10, 0), figures
        assert again.status_code == 201, figures
        assert await app.stock(lamp) == 7, figures
        app.assert_no_traceback()


@pytest.mark.postgres
async def test_no_free_pooled_connection_in_time_is_a_503_with_retry_after(
    postgres_app_url: str,
) -> None:
    async with running_app(
        postgres_app_url, db_pool_size=1, db_max_overflow=0, db_pool_timeout=0.5
    ) as app:
        lamp = await app.product("Lamp", stock=10)
        buyer = await app.user("buyer")

        async with app.container.primary_engine().connect() as only_connection:
            await only_connection.execute(text("SELECT 1"))  # checked out and held
            async with asyncio.timeout(BOUND):
                starved = await app.place_order(buyer, [(lamp, 1)])
                health = await assert_unhealthy(app)

        served = await app.place_order(buyer, [(lamp, 1)])
        figures = report(
            "pool timeout/postgres",
            pool_size=1,
            pool_timeout_s=0.5,
            status_while_held=starved.status_code,
            retry_after=starved.headers.get("retry-after"),
            health_while_held=health,
            status_after_release=served.status_code,
            final_stock=await app.stock(lamp),
        )
        assert_unavailable(starved)
        assert served.status_code == 201, figures
        assert await app.stock(lamp) == 9, figures
        app.assert_no_traceback()


@pytest.mark.postgres
async def test_a_database_down_at_start_up_and_mid_request_is_503_and_the_app_recovers(
    postgres_app_url: str,
) -> None:
    proxy = TcpProxy.in_front_of(postgres_app_url)
    await proxy.start()
    through_proxy = proxy.url_for(postgres_app_url)
    await proxy.stop()  # the database is "down" before the app starts
    gate = Gate(armed=False)
    try:
        async with running_app(
            through_proxy, overrides=PausingUnitOfWork.installed(gate), signed_in=False
        ) as app:
            # Even a client that signed in before cannot be told who it is without the
            # database: every request, the public read too, is a 503, not a 401.
            app.hold_token_of(1)
            started = time.perf_counter()
            async with asyncio.timeout(BOUND):
                down = [
                    await app.client.post("/categories/", json={"name": "Lamps"}),
                    await app.client.get("/products/"),
                    await app.place_order(1, [(1, 1)]),
                ]
                health_down = await assert_unhealthy(app)
            down_in = time.perf_counter() - started
            for response in down:
                assert_unavailable(response)

            await proxy.start()  # back: the app was never restarted
            await app.sign_in_as_admin()
            lamp = await app.product("Lamp", stock=10)
            buyer = await app.user("buyer")
            first = await app.place_order(buyer, [(lamp, 2)])
            assert first.status_code == 201, first.text

            gate.arm()
            placing = asyncio.create_task(app.place_order(buyer, [(lamp, 5)]))
            async with asyncio.timeout(BOUND):
                await gate.reached.wait()
            await proxy.stop()  # down in the middle of the order
            gate.open()
            async with asyncio.timeout(BOUND):
                cut = await placing
                health_cut = await assert_unhealthy(app)

            await proxy.start()
            recovered = await app.place_order(buyer, [(lamp, 1)])
            health_back = (await app.probe("/health/db")).status_code
            stock = await app.stock(lamp)
            orders = len(await app.orders())
            figures = report(
                "database down/postgres",
                statuses_while_down_at_start=[r.status_code for r in down],
                answered_in_s=round(down_in, 3),
                health_while_down=health_down,
                first_order=first.status_code,
                status_cut_mid_order=cut.status_code,
                health_after_cut=health_cut,
                order_after_recovery=recovered.status_code,
                health_after_recovery=health_back,
                final_stock=stock,
                orders=orders,
            )
            assert_unavailable(cut)
            assert recovered.status_code == 201, figures
            assert health_back == 200, figures
            assert (stock, orders) == (10 - 2 - 1, 2), figures
            app.assert_no_traceback()
    finally:
        await proxy.stop()


async def test_a_sqlite_database_locked_beyond_the_busy_timeout_is_a_503(
    tmp_path: Path,
) -> None:
    url = await migrated_sqlite_url(tmp_path)
    async with running_app(url, sqlite_busy_timeout_ms=50) as app:
        lamp = await app.product("Lamp", stock=10)
        buyer = await app.user("buyer")

        other_process = sqlite3.connect(make_url(url).database or "", isolation_level=None)
        try:
            other_process.execute("BEGIN IMMEDIATE")  # holds the write lock
            async with asyncio.timeout(BOUND):
                locked = await app.place_order(buyer, [(lamp, 1)])
            other_process.execute("ROLLBACK")
        finally:
            other_process.close()

        served = await app.place_order(buyer, [(lamp, 1)])
        figures = report(
            "sqlite locked/sqlite",
            busy_timeout_ms=50,
            status_while_locked=locked.status_code,
            status_after_unlock=served.status_code,
            final_stock=await app.stock(lamp),
        )
        assert_unavailable(locked)
        assert served.status_code == 201, figures
        assert await app.stock(lamp) == 9, figures
        app.assert_no_traceback()
