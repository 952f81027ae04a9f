"""The README's curl walk-through, word for word, against a real server on every backend.

The curl commands are read from README.md ("A first walk through the API") and sent as they
are written, to a server started as a user would (`python -m entrypoints.cli serve`) on a new
in-memory store, a new SQLite file and a new PostgreSQL database. Each backend starts with the
default categories (a data migration, or the in-memory seeding), so the walk-through's first
step, a product in category 1, is answered 201 on each. A change to the README's commands
that this test does not know fails it, and so does an answer that differs from the documented
one.
"""

from __future__ import annotations

import re
import shlex
import signal
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.server import RunningServer, serving
from tests.support.databases import throwaway_postgres_database

pytestmark = pytest.mark.slow

README = Path(__file__).resolve().parents[2] / "README.md"
WALK_THROUGH_HEADING = "## A first walk through the API"
DOCUMENTED_ORIGIN = "http://127.0.0.1:8000"
JSON = {"Content-Type": "application/json"}


@dataclass(frozen=True)
class Curl:
    """One curl command of the README, as the request it sends."""

    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None

    @property
    def step(self) -> str:
        return f"{self.method} {self.url.removeprefix(DOCUMENTED_ORIGIN)}"


def _curl(command: str) -> Curl:
    words = iter(shlex.split(command))
    assert next(words) == "curl", command
    method: str | None = None
    url: str | None = None
    headers: dict[str, str] = {}
    body: str | None = None
    for word in words:
        if word == "-X":
            method = next(words)
        elif word == "-H":
            name, _, value = next(words).partition(":")
            headers[name.strip()] = value.strip()
        elif word == "-d":
            body = next(words)
        elif word.startswith("-"):
            raise AssertionError(f"curl option {word} is not known to this test: {command}")
        else:
            url = word
    assert url is not None, command
    return Curl(method or ("POST" if body is not None else "GET"), url, headers, body)


def readme_walk_through() -> list[Curl]:
    """The curl commands of the README's walk-through, in order."""
    text = README.read_text(encoding="utf-8")
    section = text.split(WALK_THROUGH_HEADING, 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block is not None, f"no sh block under {WALK_THROUGH_HEADING!r} in README.md"
    # A backslash at the end of a line continues the command, as in the shell.
    script = block.group(1).replace("\\\n", " ")
    commands = re.split(r"\n(?=curl )", script.strip())
    return [_curl(command) for command in commands]


def send(http: httpx.Client, curl: Curl) -> httpx.Response:
    assert curl.url.startswith(DOCUMENTED_ORIGIN), curl.url
    return http.request(
        curl.method,
        curl.url.removeprefix(DOCUMENTED_ORIGIN),
        headers=curl.headers,
        content=curl.body.encode() if curl.body is not None else None,
    )


# The answer each step of the walk-through documents: status, then fields of the body.
DOCUMENTED: dict[str, tuple[int, dict[str, Any]]] = {
    "POST /products/": (
        201,
        {"id": 1, "price": "79.99", "stock_quantity": 50, "category_id": 1, "version": 1},
    ),
    "POST /users/": (201, {"id": 1, "username": "johndoe", "email": "john@example.com"}),
    "POST /orders/": (201, {"id": 1, "status": "pending", "total_amount": "159.98"}),
    "PATCH /orders/1/status?new_status=confirmed": (200, {"id": 1, "status": "confirmed"}),
    "GET /orders/stats/summary": (
        200,
        {
            "total_orders": 1,
            "total_revenue": "159.98",
            "orders_by_status": {
                "pending": 0,
                "confirmed": 1,
                "shipped": 0,
                "delivered": 0,
                "cancelled": 0,
            },
        },
    ),
}

BACKENDS = [
    pytest.param("memory", id="memory"),
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
async def database_url(
    backend: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    if backend == "memory":
        yield "memory://"
    elif backend == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('e2e') / 'walkthrough.db'}"
    else:
        async with throwaway_postgres_database() as url:
            yield url


@pytest.fixture(scope="module")
def server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with serving(database_url, cwd=tmp_path_factory.mktemp("server")) as running:
        yield running


@pytest.fixture(scope="module")
def http(server: RunningServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, timeout=10.0) as client:
        yield client


def test_the_readme_walk_through_is_the_one_this_test_checks() -> None:
    assert [curl.step for curl in readme_walk_through()] == list(DOCUMENTED)


def test_the_readme_walk_through_gives_the_documented_answers(
    http: httpx.Client, backend: str
) -> None:
    for curl in readme_walk_through():
        status, fields = DOCUMENTED[curl.step]
        response = send(http, curl)
        assert response.status_code == status, (curl.step, response.text)
        body = response.json()
        assert {name: body.get(name) for name in fields} == fields, curl.step
        assert "password" not in response.text

    # What the steps did, seen from elsewhere.
    (item,) = http.get("/orders/1").json()["items"]
    assert (item["product_id"], item["quantity"], item["unit_price"]) == (1, 2, "79.99")
    assert http.get("/products/1").json()["stock_quantity"] == 48
    health = http.get("/health").json()
    assert (health["status"], health["database"]["backend"]) == ("healthy", backend)


def test_the_default_categories_are_there_as_the_readme_says(http: httpx.Client) -> None:
    electronics = http.post(
        "/categories/",
        headers=JSON,
        json={"name": "Electronics", "slug": "electronics", "description": "Electronic devices"},
    )

    assert electronics.status_code == 409
    assert electronics.headers["content-type"] == "application/problem+json"
    assert electronics.json()["type"] == "urn:storefront:problem:duplicate-value"
    names = [http.get(f"/categories/{n}").json()["name"] for n in (1, 2, 3, 4)]
    assert names == ["Electronics", "Clothing", "Books", "Home & Garden"]


def test_the_docs_and_the_openapi_document_are_served(http: httpx.Client) -> None:
    assert http.get("/docs").status_code == 200
    assert "/orders/{order_id}/status" in http.get("/openapi.json").json()["paths"]


def test_the_served_app_does_not_name_its_server_and_answers_head(http: httpx.Client) -> None:
    got = http.get("/products/")
    head = http.head("/products/")

    assert "server" not in got.headers
    assert head.status_code == 200
    assert head.headers["content-length"] == got.headers["content-length"]
    assert head.content == b""


def test_the_server_shuts_down_gracefully_on_sigterm(tmp_path: Path) -> None:
    with serving(
        f"sqlite+aiosqlite:///{tmp_path / 'stop.db'}", cwd=tmp_path, log_level="INFO"
    ) as running:
        pass

    # uvicorn finishes the lifespan (engines disposed), then re-raises the signal it caught.
    assert running.process.returncode in (0, -signal.SIGTERM)
    output = running.output()
    assert "Application shutdown complete" in output
    assert "Finished server process" in output
