"""Two stores under load at once: each sells exactly its own stock, and nothing leaks.

Main and north sell a lamp with the same SKU, to buyers with the same usernames. Half the
requests of the oversell test go to each store, interleaved and fired at once, on SQLite and
on PostgreSQL (as the app's role). Each store's stock and orders balance on their own: a
store's orders name its own lamp and its own buyers only, and its stock went down by exactly
what they hold.
"""

from __future__ import annotations

import asyncio
from collections import Counter

from tests.integration.concurrency.harness import report, running_app, statuses

__all__: list[str] = []

STOCK = 25
BUYERS = 5
REQUESTS = 200  # half per store


async def test_orders_in_two_stores_at_once_sell_exactly_each_stores_own_stock(
    database_url: str, backend: str
) -> None:
    async with running_app(database_url) as main, main.in_new_store("north") as north:
        shops = (main, north)
        lamps = [await shop.product("Lamp", stock=STOCK) for shop in shops]
        buyers = [[await shop.user(f"buyer_{n}") for n in range(BUYERS)] for shop in shops]

        responses = await asyncio.gather(
            *(
                shops[n % 2].place_order(buyers[n % 2][n // 2 % BUYERS], [(lamps[n % 2], 1)])
                for n in range(REQUESTS)
            )
        )

        answered = [statuses(responses[side::2]) for side in (0, 1)]
        stock = [await shop.stock(lamp) for shop, lamp in zip(shops, lamps, strict=True)]
        orders = [await shop.orders() for shop in shops]
        reserved = [await shop.reserved() for shop in shops]
        figures = report(
            f"two stores at once/{backend}",
            requests=len(responses),
            statuses_main=dict(answered[0]),
            statuses_north=dict(answered[1]),
            final_stock=stock,
            reserved_main=dict(reserved[0]),
            reserved_north=dict(reserved[1]),
        )
        assert lamps[0] != lamps[1], figures
        for side in (0, 1):
            assert answered[side] == {201: STOCK, 409: REQUESTS // 2 - STOCK}, figures
            assert stock[side] == 0, figures
            # Its own lamp only, by its own buyers only, exactly what it sold.
            assert reserved[side] == Counter({lamps[side]: STOCK}), figures
            assert {order["user_id"] for order in orders[side]} <= set(buyers[side]), figures
            assert len(orders[side]) == STOCK, figures
        main.assert_no_traceback()
        north.assert_no_traceback()
