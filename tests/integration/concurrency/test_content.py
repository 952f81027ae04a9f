"""Concurrent readers and writers of posts lose no view and make no tag twice.

Every test fires its requests at once with `asyncio.gather` (each request gets its own unit
of work and session), on SQLite and on PostgreSQL, and prints what it measured.
"""

from __future__ import annotations

import asyncio

from tests.integration.concurrency.harness import report, running_app, statuses

__all__: list[str] = []

READERS = 100
WRITERS = 10


async def test_a_hundred_concurrent_reads_by_slug_count_a_hundred_views(
    database_url: str, backend: str
) -> None:
    async with running_app(database_url) as app:
        created = await app.client.post(
            "/posts/", json={"title": "Hot news", "content": "Read me."}
        )
        assert created.status_code == 201, created.text
        post = created.json()
        published = await app.client.post(f"/posts/{post['id']}/publish")
        assert published.status_code == 200, published.text

        responses = await asyncio.gather(
            *(app.client.get("/posts/by-slug/hot-news") for _ in range(READERS))
        )

        after = (await app.client.get(f"/posts/{post['id']}")).json()
        seen = sorted(response.json()["view_count"] for response in responses)
        figures = report(
            f"concurrent views/{backend}",
            requests=READERS,
            statuses=dict(statuses(responses)),
            view_count=after["view_count"],
            distinct_counts_answered=len(set(seen)),
            version=after["version"],
        )
        assert statuses(responses) == {200: READERS}, figures
        assert after["view_count"] == READERS, figures
        # Each read answered the count its own increment made: 1 to 100, each once.
        assert seen == list(range(1, READERS + 1)), figures
        assert after["version"] == published.json()["version"], figures
        app.assert_no_traceback()


async def test_posts_making_the_same_new_tags_at_once_all_succeed_with_one_tag_each(
    database_url: str, backend: str
) -> None:
    async with running_app(database_url) as app:
        # Half name the tags in one order and letter case, half in the other.
        bodies = [
            {
                "title": f"Race {n}",
                "content": "Same tags.",
                "tags": ["Fresh", "news"] if n % 2 else ["NEWS", "fresh"],
            }
            for n in range(WRITERS)
        ]

        responses = await asyncio.gather(
            *(app.client.post("/posts/", json=body) for body in bodies)
        )

        tags = (await app.client.get("/tags/")).json()["items"]
        tagged = {
            tuple(sorted(t["slug"] for t in response.json()["tags"]))
            for response in responses
            if response.status_code == 201
        }
        figures = report(
            f"concurrent new tags/{backend}",
            requests=WRITERS,
            statuses=dict(statuses(responses)),
            tags=[t["name"] for t in tags],
        )
        assert statuses(responses) == {201: WRITERS}, figures
        assert sorted(t["slug"] for t in tags) == ["fresh", "news"], figures
        assert tagged == {("fresh", "news")}, figures
        app.assert_no_traceback()
