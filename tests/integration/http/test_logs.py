"""The app's own log lines carry the id of the request they were written for.

(uvicorn's access line, written from the same request, is checked in a real server process:
tests/e2e/test_cli.py.)
"""

from __future__ import annotations

import io
import logging
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from fastapi import FastAPI

from entrypoints.container import build_container
from entrypoints.http.app import create_app
from entrypoints.logs import LOG_FORMAT, RequestIdFilter, UtcFormatter
from entrypoints.settings import Settings

LOGGER = "tests.inside_a_request"


@pytest.fixture
def written() -> Iterator[io.StringIO]:
    """What `LOGGER` writes through a handler set up as the app's log configuration sets its
    own: the request-id filter and the one format."""
    sink = io.StringIO()
    handler = logging.StreamHandler(sink)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(UtcFormatter(LOG_FORMAT))
    logger = logging.getLogger(LOGGER)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield sink
    logger.removeHandler(handler)


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    app: FastAPI = create_app(
        container=build_container(Settings(_env_file=None, database_url="memory://"))
    )

    async def writes_a_line() -> dict[str, str]:
        logging.getLogger(LOGGER).info("a line from inside the request")
        return {}

    app.add_api_route("/writes-a-line", writes_a_line)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        ) as client,
    ):
        yield client


async def test_a_line_written_inside_a_request_carries_its_request_id(
    client: httpx.AsyncClient, written: io.StringIO
) -> None:
    given = await client.get("/writes-a-line", headers={"X-Request-ID": "given-id-7"})
    generated = await client.get("/writes-a-line")
    logging.getLogger(LOGGER).info("a line from outside any request")

    first, second, outside = written.getvalue().splitlines()
    assert given.headers["X-Request-ID"] == "given-id-7"
    assert f" INFO {LOGGER} [given-id-7] a line from inside the request" in first
    assert f" INFO {LOGGER} [{generated.headers['X-Request-ID']}] a line from inside" in second
    assert f" INFO {LOGGER} [-] a line from outside any request" in outside
