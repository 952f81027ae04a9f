"""Credits under concurrent transfers, retries and a killed connection: never lost, never
invented, never below zero, and always explained by the ledger.

Through the real HTTP app, on SQLite and on PostgreSQL; each test prints its figures. Every
customer sends with a token of their own, so each transfer is from its caller, as in use.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import httpx
import pytest
from dependency_injector import providers
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.sqlalchemy import SqlAlchemyUnitOfWork
from adapters.sqlalchemy.repository import SessionSource
from adapters.sqlalchemy.wallet import SqlAlchemyWalletRepository
from application.shared.access import MAIN_STORE
from domain.wallet.wallet import Wallet
from entrypoints.container import MAIN_STORE_ID, Container
from tests.integration.concurrency.harness import (
    PROBLEM,
    AppUnderTest,
    Gate,
    backend_pid,
    deadlocks_detected,
    report,
    running_app,
    statuses,
)
from tests.integration.concurrency.test_storage_faults import BOUND, assert_unavailable, terminate

__all__: list[str] = []

SEED = 20261203
USERS = 10
TRANSFERS = 500
OPENING = Decimal("100.00")


def bearer(app: AppUnderTest, user_id: int) -> dict[str, str]:
    token = app.container.access_tokens().issue(user_id, MAIN_STORE, 0, app.container.clock().now())
    return {"Authorization": f"Bearer {token}"}


async def customers(app: AppUnderTest, count: int, credits: Decimal) -> list[int]:
    """`count` users, each granted `credits` by the admin."""
    made = [await app.user(f"holder_{n}") for n in range(count)]
    for user_id in made:
        granted = await app.client.post(
            f"/users/{user_id}/credit-grants", json={"amount": str(credits), "reason": "opening"}
        )
        assert granted.status_code == 201, granted.text
    return made


async def balance(app: AppUnderTest, user_id: int) -> Decimal:
    response = await app.client.get("/users/me/balance", headers=bearer(app, user_id))
    assert response.status_code == 200, response.text
    return Decimal(response.json()["balance"])


async def ledger_sum(app: AppUnderTest, user_id: int) -> tuple[Decimal, Decimal | None]:
    """The sum of the user's ledger, read page by page, and the newest entry's balance."""
    total, newest, page = Decimal("0.00"), None, 1
    while True:
        response = await app.client.get(
            "/users/me/ledger",
            params={"page": page, "page_size": 100},
            headers=bearer(app, user_id),
        )
        assert response.status_code == 200, response.text
        body = response.json()
        if page == 1 and body["items"]:
            newest = Decimal(body["items"][0]["balance_after"])
        total += sum((Decimal(e["amount"]) for e in body["items"]), Decimal("0.00"))
        if not body["has_next"]:
            return total, newest
        page += 1


async def reconciliation(app: AppUnderTest) -> dict[str, Any]:
    response = await app.client.get("/admin/ledger/reconciliation")
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


def transfer(
    app: AppUnderTest, sender: int, recipient: int, amount: Decimal, **headers: str
) -> Any:
    return app.client.post(
        "/transfers/",
        json={"to_user_id": recipient, "amount": str(amount)},
        headers={**bearer(app, sender), **headers},
    )


async def test_five_hundred_concurrent_transfers_neither_lose_nor_invent_a_cent(
    database_url: str, backend: str
) -> None:
    chance = random.Random(SEED)
    async with running_app(database_url) as app:
        holders = await customers(app, USERS, OPENING)
        moves = []
        for _ in range(TRANSFERS):
            sender, recipient = chance.sample(holders, 2)  # both directions between pairs
            moves.append((sender, recipient, Decimal(chance.randint(1, 4000)) / 100))

        responses = await asyncio.gather(*(transfer(app, *move) for move in moves))

        counts = statuses(responses)
        kinds = {r.json()["type"].rpartition(":")[2] for r in responses if r.status_code >= 400}
        balances = {user: await balance(app, user) for user in holders}
        ledgers = {user: await ledger_sum(app, user) for user in holders}
        reconciled = await reconciliation(app)
        app.assert_no_traceback()
    deadlocks = await deadlocks_detected(database_url)
    unexplained = [u for u in holders if ledgers[u] != (balances[u], balances[u])]
    figures = report(
        f"wallet transfers/{backend}",
        transfers=len(responses),
        created_201=counts[201],
        conflict_409=counts[409],
        server_errors_5xx=sum(n for status, n in counts.items() if status >= 500),
        problem_types=sorted(kinds),
        sum_before=OPENING * USERS,
        sum_after=sum(balances.values()),
        lowest_balance=min(balances.values()),
        ledgers_not_matching=len(unexplained),
        reconciliation_differences=reconciled["differences_found"],
        deadlocks_detected=deadlocks,
    )
    assert set(counts) <= {201, 409}, figures
    assert kinds <= {"insufficient-credits"}, figures
    assert counts[201] > TRANSFERS // 2, figures
    assert sum(balances.values()) == OPENING * USERS, figures
    assert min(balances.values()) >= 0, figures
    assert unexplained == [], figures
    assert reconciled["differences"] == [], figures
    assert deadlocks in (None, 0), figures


async def test_twenty_retries_of_one_keyed_transfer_move_the_money_once(
    database_url: str, backend: str
) -> None:
    async with running_app(database_url) as app:
        sender, recipient = await customers(app, 2, Decimal("50.00"))

        responses = await asyncio.gather(
            *(
                transfer(app, sender, recipient, Decimal("7.00"), **{"Idempotency-Key": "t-1"})
                for _ in range(20)
            )
        )

        counts = statuses(responses)
        bodies = {r.content for r in responses if r.status_code == 201}
        in_progress = [r for r in responses if r.status_code == 409]
        balances = (await balance(app, sender), await balance(app, recipient))
        figures = report(
            f"keyed transfer retries/{backend}",
            requests=len(responses),
            statuses=dict(counts),
            distinct_bodies=len(bodies),
            balances=[str(b) for b in balances],
        )
        assert set(counts) <= {201, 409}, figures
        assert counts[201] >= 1, figures
        assert len(bodies) == 1, figures
        for response in in_progress:
            assert response.headers["content-type"] == PROBLEM
            assert response.json()["type"].endswith(":request-in-progress"), figures
        assert balances == (Decimal("43.00"), Decimal("57.00")), figures
        app.assert_no_traceback()


# -- a connection killed while both wallets are locked ---------------------------------------
class _PausingWalletRepository(SqlAlchemyWalletRepository):
    def __init__(self, session: SessionSource, gate: Gate) -> None:
        super().__init__(session)
        self._gate = gate

    async def lock(self, user_ids: Any) -> dict[int, Wallet]:
        locked = await super().lock(user_ids)
        if not self._gate.armed:
            return locked
        self._gate.armed = False  # before any await: only this one request pauses
        self._gate.backend_pids.append(await backend_pid(self._session))
        await self._gate.pause()
        return locked


class _PausingUnitOfWork(SqlAlchemyUnitOfWork):
    def __init__(
        self, session_factory: async_sessionmaker[AsyncSession], store_id: int, gate: Gate
    ) -> None:
        super().__init__(session_factory, store_id)
        self.wallets = _PausingWalletRepository(self.session, gate)


def _pausing(gate: Gate) -> Any:
    def override(container: Container) -> None:
        container.use_cases().unit_of_work.override(
            providers.Factory(_PausingUnitOfWork, container.session_factory, MAIN_STORE_ID, gate)
        )

    return override


async def _ledger_lengths(app: AppUnderTest, users: Sequence[int]) -> list[int]:
    lengths = []
    for user in users:
        response = await app.client.get("/users/me/ledger", headers=bearer(app, user))
        lengths.append(int(response.json()["total"]))
    return lengths


@pytest.mark.postgres
async def test_a_connection_killed_mid_transfer_is_a_503_and_moves_nothing(
    postgres_app_url: str,
) -> None:
    gate = Gate(armed=False)
    async with running_app(postgres_app_url, overrides=_pausing(gate)) as app:
        sender, recipient = await customers(app, 2, Decimal("20.00"))

        gate.arm()
        sending = asyncio.create_task(transfer(app, sender, recipient, Decimal("5.00")))
        async with asyncio.timeout(BOUND):
            await gate.reached.wait()  # both wallets locked, nothing written yet
        await terminate(gate.backend_pids)
        gate.open()
        started = time.perf_counter()
        async with asyncio.timeout(BOUND):
            killed: httpx.Response = await sending
        answered_in = time.perf_counter() - started

        after_kill = (await balance(app, sender), await balance(app, recipient))
        entries_after_kill = await _ledger_lengths(app, [sender, recipient])
        transfers_after_kill = (await app.client.get("/transfers/")).json()["total"]
        again = await transfer(app, sender, recipient, Decimal("5.00"))
        figures = report(
            "connection killed mid-transfer/postgres",
            terminated_pids=len(gate.backend_pids),
            status=killed.status_code,
            answered_in_s=round(answered_in, 3),
            balances_after_kill=[str(b) for b in after_kill],
            ledger_entries_after_kill=entries_after_kill,
            transfers_after_kill=transfers_after_kill,
            next_transfer_status=again.status_code,
        )
        assert_unavailable(killed)
        assert after_kill == (Decimal("20.00"), Decimal("20.00")), figures
        assert (entries_after_kill, transfers_after_kill) == ([1, 1], 0), figures
        assert again.status_code == 201, figures
        assert (await balance(app, sender), await balance(app, recipient)) == (
            Decimal("15.00"),
            Decimal("25.00"),
        )
        assert (await reconciliation(app))["differences"] == []
        app.assert_no_traceback()
