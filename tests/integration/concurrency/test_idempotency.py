"""Twenty identical retries of one order, fired at once with one Idempotency-Key, place it once.

Through the real HTTP app, on SQLite and on PostgreSQL. Every answer is either the order
(201; the first one fresh, later ones replayed with the same body) or a 409 problem saying the
first request is still running; the stock moves once; no answer is a 5xx.
"""

from __future__ import annotations

import asyncio

from tests.integration.concurrency.harness import PROBLEM, report, running_app, statuses

__all__: list[str] = []

RETRIES = 20


async def test_twenty_concurrent_retries_with_one_key_place_exactly_one_order(
    database_url: str, backend: str
) -> None:
    async with running_app(database_url) as app:
        lamp = await app.product("Lamp", stock=50)
        buyer = await app.user("buyer")
        body = {"user_id": buyer, "items": [{"product_id": lamp, "quantity": 3}]}

        responses = await asyncio.gather(
            *(
                app.client.post("/orders/", json=body, headers={"Idempotency-Key": "order-1"})
                for _ in range(RETRIES)
            )
        )

        counts = statuses(responses)
        created = [r for r in responses if r.status_code == 201]
        in_progress = [r for r in responses if r.status_code == 409]
        replayed = [r for r in created if r.headers.get("Idempotent-Replayed") == "true"]
        orders = await app.orders()
        stock = await app.stock(lamp)
        figures = report(
            f"idempotent retries/{backend}",
            requests=len(responses),
            created_201=len(created),
            of_which_replayed=len(replayed),
            conflict_409=len(in_progress),
            server_errors_5xx=sum(n for status, n in counts.items() if status >= 500),
            orders_stored=len(orders),
            final_stock=stock,
        )

        assert set(counts) <= {201, 409}, figures
        assert len(created) >= 1, figures
        assert len(replayed) == len(created) - 1, figures
        assert {r.content for r in created} == {created[0].content}, figures
        for response in in_progress:
            assert response.headers["content-type"] == PROBLEM, response.text
            assert response.json()["type"].endswith(":request-in-progress"), response.text
        assert len(orders) == 1, figures
        assert orders[0]["id"] == created[0].json()["id"], figures
        assert stock == 47, figures
        app.assert_no_traceback()
