"""No request body beyond the configured limit is read, whatever route takes it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from entrypoints.http.app import create_app
from entrypoints.settings import Settings
from tests.integration.http.api import assert_problem

MIB = 1024 * 1024


# ------------------------------------------------------------------ the body limit
@asynccontextmanager
async def _served(**settings: Any) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(_env_file=None, database_url="memory://", **settings))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        ) as client,
    ):
        yield client


class _Body:
    """A request body of `size` bytes in chunks, counting what the server pulled of it."""

    def __init__(self, size: int, chunk: int = 64 * 1024) -> None:
        self.size = size
        self.chunk = chunk
        self.pulled = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while self.pulled < self.size:
            part = b" " * min(self.chunk, self.size - self.pulled)
            self.pulled += len(part)
            yield part


async def test_a_body_declared_over_the_limit_is_a_413_before_a_byte_is_read() -> None:
    body = _Body(20 * MIB)

    async with _served() as client:  # the default limit: 1 MiB
        response = await client.post(
            "/categories/",
            content=body,
            headers={"content-type": "application/json", "content-length": str(body.size)},
        )

    problem = assert_problem(response, 413, "body-too-large")
    assert str(MIB) in problem["detail"]
    assert body.pulled == 0
    assert response.headers["x-request-id"]


async def test_a_chunked_body_is_a_413_once_past_the_limit_and_read_no_further() -> None:
    body = _Body(20 * MIB)

    async with _served() as client:
        response = await client.post(
            "/categories/", content=body, headers={"content-type": "application/json"}
        )

    assert "content-length" not in response.request.headers  # sent chunked
    assert_problem(response, 413, "body-too-large")
    assert body.pulled <= MIB + body.chunk


async def test_the_body_limit_is_a_setting_and_a_body_at_the_limit_is_read() -> None:
    name = "x" * 64
    exact = f'{{"name": "{name}"}}'.encode()

    async with _served(max_body_bytes=len(exact)) as client:
        at_limit = await client.post(
            "/categories/", content=exact, headers={"content-type": "application/json"}
        )
        over = await client.post(
            "/categories/",
            content=exact + b" ",
            headers={"content-type": "application/json"},
        )

    assert at_limit.status_code == 201
    assert_problem(over, 413, "body-too-large")
