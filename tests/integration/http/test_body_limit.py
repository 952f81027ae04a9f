"""No request body beyond the configured limit is read, whatever route takes it. The limit
is the same on every backend: these tests serve an app of their own, in memory."""

from __future__ import annotations

from collections.abc import AsyncIterator

from tests.integration.http.api import PASSWORD, assert_problem, served_in_memory

MIB = 1024 * 1024


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

    async with served_in_memory() as client:  # the default limit: 1 MiB
        response = await client.post(
            "/categories/",
            content=body,
            headers={"content-type": "application/json", "content-length": str(body.size)},
        )

    problem = assert_problem(response, 413, "body-too-large")
    assert str(MIB) in problem["detail"]
    assert body.pulled == 0
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-request-id"]


async def test_a_chunked_body_is_a_413_once_past_the_limit_and_read_no_further() -> None:
    body = _Body(20 * MIB)

    async with served_in_memory() as client:
        response = await client.post(
            "/categories/", content=body, headers={"content-type": "application/json"}
        )

    assert "content-length" not in response.request.headers  # sent chunked
    assert_problem(response, 413, "body-too-large")
    assert body.pulled <= MIB + body.chunk


async def test_the_body_limit_is_a_setting_and_a_body_at_the_limit_is_read() -> None:
    # A sign-up: an operation anyone may call, so that the body is all there is to it.
    name = "x" * 40
    exact = (
        f'{{"username": "{name}", "email": "{name}@example.com", "password": "{PASSWORD}"}}'
    ).encode()

    async with served_in_memory(max_body_bytes=len(exact)) as client:
        at_limit = await client.post(
            "/users/", content=exact, headers={"content-type": "application/json"}
        )
        over = await client.post(
            "/users/",
            content=exact + b" ",
            headers={"content-type": "application/json"},
        )

    assert at_limit.status_code == 201, at_limit.text
    assert_problem(over, 413, "body-too-large")
