"""Concurrent requests through the HTTP app never oversell, lose, duplicate or invent stock.

Every test fires its requests at once with `asyncio.gather` (each request gets its own unit
of work and session), on SQLite and on PostgreSQL, and prints what it measured.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter

import httpx

from tests.integration.concurrency.harness import (
    PROBLEM,
    deadlocks_detected,
    report,
    running_app,
    statuses,
)

__all__: list[str] = []

SEED = 20261123


def problem_kinds(responses: list[httpx.Response]) -> Counter[str]:
    """The problem types of the 4xx/5xx answers (all of them must be problem details)."""
    kinds: Counter[str] = Counter()
    for response in responses:
        if response.status_code >= 400:
            assert response.headers["content-type"] == PROBLEM, response.text
            kinds[response.json()["type"].rpartition(":")[2]] += 1
    return kinds


async def test_two_hundred_one_unit_orders_for_fifty_in_stock_sell_exactly_fifty(
    database_url: str, backend: str
) -> None:
    async with running_app(database_url) as app:
        lamp = await app.product("Lamp", stock=50)
        buyers = [await app.user(f"buyer_{n}") for n in range(10)]

        responses = await asyncio.gather(
            *(app.place_order(buyers[n % len(buyers)], [(lamp, 1)]) for n in range(200))
        )

        counts = statuses(responses)
        kinds = problem_kinds(responses)
        stock = await app.stock(lamp)
        ordered = (await app.reserved())[lamp]
        figures = report(
            f"one-unit orders/{backend}",
            requests=len(responses),
            created_201=counts[201],
            conflict_409=counts[409],
            server_errors_5xx=sum(n for status, n in counts.items() if status >= 500),
            problem_types=dict(kinds),
            final_stock=stock,
            ordered_quantity=ordered,
        )
        assert counts == {201: 50, 409: 150}, figures
        assert kinds == {"insufficient-stock": 150}, figures
        assert (stock, ordered) == (0, 50), figures
        app.assert_no_traceback()


async def test_multi_line_orders_in_random_line_order_keep_stock_and_orders_in_balance(
    database_url: str, backend: str
) -> None:
    chance = random.Random(SEED)
    initial = 40
    async with running_app(database_url) as app:
        shelf = [await app.product(f"Part_{n}", stock=initial) for n in range(4)]
        buyers = [await app.user(f"buyer_{n}") for n in range(5)]
        baskets = []
        for n in range(100):
            picked = chance.sample(shelf, chance.randint(2, len(shelf)))  # random line order
            baskets.append((buyers[n % len(buyers)], [(p, chance.randint(1, 3)) for p in picked]))

        responses = await asyncio.gather(*(app.place_order(u, lines) for u, lines in baskets))

        counts = statuses(responses)
        kinds = problem_kinds(responses)
        stock = {p: await app.stock(p) for p in shelf}
        ordered = await app.reserved()
        app.assert_no_traceback()
    # Locks taken in id order never deadlock: a deadlock would be detected by PostgreSQL
    # (and retried away by the handler, so only this count shows it).
    deadlocks = await deadlocks_detected(database_url)
    figures = report(
        f"multi-line orders/{backend}",
        requests=len(responses),
        created_201=counts[201],
        conflict_409=counts[409],
        server_errors_5xx=sum(n for status, n in counts.items() if status >= 500),
        problem_types=dict(kinds),
        final_stock=stock,
        ordered=dict(ordered),
        deadlocks_detected=deadlocks,
    )
    assert set(counts) <= {201, 409}, figures
    assert set(kinds) <= {"insufficient-stock"}, figures
    assert counts[201] > 0, figures
    for product in shelf:
        assert stock[product] >= 0, figures
        assert stock[product] + ordered[product] == initial, figures
    assert deadlocks in (None, 0), figures


async def test_interleaved_place_pay_ship_and_cancel_keep_stock_and_live_orders_in_balance(
    database_url: str, backend: str
) -> None:
    chance = random.Random(SEED)
    initial = 60
    async with running_app(database_url) as app:
        shelf = [await app.product(f"Item_{n}", stock=initial) for n in range(3)]
        buyer = await app.user("buyer")
        first = [await app.place_order(buyer, [(p, 2) for p in shelf]) for _ in range(20)]
        order_ids = [response.json()["id"] for response in first]

        async def anything(move: str, order: int) -> httpx.Response:
            if move == "place":
                lines = [(p, chance.randint(1, 3)) for p in chance.sample(shelf, 2)]
                return await app.place_order(buyer, lines)
            if move == "pay":
                return await app.client.post(f"/orders/{order}/payments", json={"method": "card"})
            target = "cancelled" if move == "cancel" else "shipped"
            return await app.client.patch(f"/orders/{order}/status", params={"new_status": target})

        moves = [
            (chance.choice(["place", "pay", "pay", "ship", "cancel"]), chance.choice(order_ids))
            for _ in range(150)
        ]
        responses = await asyncio.gather(*(anything(move, order) for move, order in moves))

        counts = statuses(responses)
        kinds = problem_kinds(responses)
        stock = {p: await app.stock(p) for p in shelf}
        live = await app.reserved()
        orders = await app.orders()
        figures = report(
            f"interleaved place/pay/ship/cancel/{backend}",
            requests=len(responses),
            by_status=dict(sorted(counts.items())),
            server_errors_5xx=sum(n for status, n in counts.items() if status >= 500),
            problem_types=dict(kinds),
            orders_by_status=dict(Counter(order["status"] for order in orders)),
            final_stock=stock,
            on_live_orders=dict(live),
        )
        assert set(counts) <= {200, 201, 409}, figures
        assert set(kinds) <= {"insufficient-stock", "invalid-transition"}, figures
        for product in shelf:
            assert stock[product] + live[product] == initial, figures
        app.assert_no_traceback()


async def test_a_double_cancel_of_one_order_is_applied_once(
    database_url: str, backend: str
) -> None:
    async with running_app(database_url) as app:
        lamp = await app.product("Lamp", stock=10)
        buyer = await app.user("buyer")
        placed = await app.place_order(buyer, [(lamp, 4)])
        assert placed.status_code == 201, placed.text
        order = placed.json()["id"]

        responses = await asyncio.gather(
            *(
                app.client.patch(f"/orders/{order}/status", params={"new_status": "cancelled"})
                for _ in range(2)
            )
        )

        counts = statuses(responses)
        stock = await app.stock(lamp)
        figures = report(
            f"double cancel/{backend}",
            requests=2,
            ok_200=counts[200],
            conflict_409=counts[409],
            stock_before=6,
            final_stock=stock,
        )
        assert counts == {200: 1, 409: 1}, figures
        assert problem_kinds(responses) == {"invalid-transition": 1}, figures
        assert stock == 10, figures
        app.assert_no_traceback()


async def test_concurrent_patches_of_one_product_version_let_exactly_one_win(
    database_url: str, backend: str
) -> None:
    async with running_app(database_url) as app:
        lamp = await app.product("Lamp", stock=10)

        responses = await asyncio.gather(
            *(
                app.client.patch(f"/products/{lamp}", json={"version": 1, "price": f"{n}.50"})
                for n in range(11, 31)
            )
        )

        counts = statuses(responses)
        current = (await app.client.get(f"/products/{lamp}")).json()
        winner = next(r.json() for r in responses if r.status_code == 200)
        figures = report(
            f"same-version patches/{backend}",
            requests=len(responses),
            ok_200=counts[200],
            conflict_409=counts[409],
            final_version=current["version"],
            final_price=current["price"],
        )
        assert counts == {200: 1, 409: 19}, figures
        assert problem_kinds(responses) == {"stale-version": 19}, figures
        assert current["version"] == 2, figures
        assert current["price"] == winner["price"], figures
        app.assert_no_traceback()
