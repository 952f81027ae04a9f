"""Concurrent transfers of one item through the real app, on SQLite and PostgreSQL: all of
them hold the item's version 1, exactly one wins, the others are 409 `stale-version`; the
item has one owner at the end, the winner's recipient, who alone is told (one notification).
"""

from __future__ import annotations

import asyncio

from application.notifications.queries import NOTIFICATION_LIST
from tests.integration.concurrency.harness import report, running_app, statuses
from tests.integration.concurrency.test_concurrent_writes import problem_kinds

TRANSFERS = 12


async def test_concurrent_transfers_of_one_item_let_exactly_one_win(
    database_url: str, backend: str
) -> None:
    async with running_app(database_url) as app:
        created = await app.client.post("/items/", json={"name": "Heirloom", "price": "100.00"})
        assert created.status_code == 201, created.text
        item = created.json()["id"]
        recipients = [await app.user(f"heir{n}") for n in range(TRANSFERS)]

        responses = await asyncio.gather(
            *(
                app.client.post(
                    f"/items/{item}/transfer", json={"new_owner_id": heir, "version": 1}
                )
                for heir in recipients
            )
        )

        counts = statuses(responses)
        final = (await app.client.get(f"/items/{item}")).json()
        told = (
            await app.container.use_cases()
            .notification_queries()
            .list(NOTIFICATION_LIST.query([("kind", "item_received")]))
        )
        figures = report(
            f"concurrent item transfers/{backend}",
            requests=len(responses),
            created_201=counts[201],
            conflict_409=counts[409],
            final_owner=final["owner_id"],
            final_version=final["version"],
            notifications=told.total,
        )
        assert counts == {201: 1, 409: TRANSFERS - 1}, figures
        assert problem_kinds(responses) == {"stale-version": TRANSFERS - 1}, figures
        [winner] = [r.json() for r in responses if r.status_code == 201]
        assert (final["owner_id"], final["version"]) == (winner["owner_id"], 2), figures
        assert final["owner_id"] in recipients, figures
        assert [(n.user_id, n.reference_id) for n in told.items] == [(final["owner_id"], item)]
        app.assert_no_traceback()
