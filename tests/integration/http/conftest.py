"""The HTTP API through httpx's ASGI transport, on every storage backend.

Each test module runs once per backend — `memory`, `sqlite` (a migrated file) and `postgres`
(a throwaway migrated database) — with one app per module and backend, started with its
lifespan. Tests make their own data with unique names, so they do not depend on each other
or on what the backend was seeded with; figures over everything (counts, stats) are checked
as differences.

Setting DATABASE_URL picks the one backend to run on, by its scheme: `DATABASE_URL=memory://
pytest tests/integration/http` runs the same suite on the in-memory adapters only. (The URL
itself is never used: SQL backends always get a throwaway database.)

The container is configured, not patched: the hasher is overridden with argon2's cheap test
profile and the clock with one the tests can move.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from dependency_injector import providers
from fastapi import FastAPI

from adapters.security import Argon2PasswordHasher
from entrypoints.container import Container, build_container
from entrypoints.http.app import create_app
from entrypoints.settings import Settings
from tests.integration.http.api import Api, MovableClock
from tests.support.databases import migrated_sqlite_url, throwaway_postgres_database


def _backends() -> list[Any]:
    everything = ["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
    chosen = os.environ.get("DATABASE_URL", "").strip()
    if not chosen:
        return everything
    scheme = chosen.partition("://")[0].lower()
    if scheme.startswith("memory"):
        return ["memory"]
    if scheme.startswith("sqlite"):
        return ["sqlite"]
    return [pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(scope="module", params=_backends())
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
async def database_url(
    backend: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    if backend == "memory":
        yield "memory://"
    elif backend == "sqlite":
        yield await migrated_sqlite_url(tmp_path_factory.mktemp("http"))
    else:
        async with throwaway_postgres_database() as url:
            yield url


@pytest.fixture(scope="module")
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture(scope="module")
def container(database_url: str, clock: MovableClock) -> Container:
    container = build_container(Settings(_env_file=None, database_url=database_url))
    container.hasher.override(providers.Object(Argon2PasswordHasher.for_tests()))
    container.clock.override(providers.Object(clock))
    return container


@pytest.fixture(scope="module")
async def app(container: Container) -> AsyncIterator[FastAPI]:
    app = create_app(container=container)
    async with app.router.lifespan_context(app):
        yield app


async def _never_a_password_hash(response: httpx.Response) -> None:
    """Checked on every response of the suite: the hash never leaves the server."""
    body = await response.aread()
    assert b'"hashed_password":' not in body  # as a key; a refused field may name it
    assert b"$argon2" not in body


@pytest.fixture(scope="module")
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://testserver",
        event_hooks={"response": [_never_a_password_hash]},
    ) as client:
        yield client


@pytest.fixture
def api(client: httpx.AsyncClient) -> Api:
    return Api(client)
