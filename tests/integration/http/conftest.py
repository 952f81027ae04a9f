"""The HTTP API through httpx's ASGI transport, on every storage backend.

Each test module runs once per backend — `memory`, `sqlite` (a migrated file) and `postgres`
(a throwaway migrated database, which the app reaches as the app's role, held by row-level
security, as a deployment's is) — with one app per module and backend, started with its
lifespan. Tests make their own data with unique names, so they do not depend on each other
or on what the backend was seeded with; figures over everything (counts, stats) are checked
as differences.

Setting DATABASE_URL picks the one backend to run on, by its scheme: `DATABASE_URL=memory://
pytest tests/integration/http` runs the same suite on the in-memory adapters only. (The URL
itself is never used: SQL backends always get a throwaway database.)

The container is configured, not patched: the hasher is overridden with argon2's cheap test
profile and the clock with one the tests can move. Every app signs its tokens with one fixed
key and makes sure of one start-up admin (`ADMIN`), as a deployment would.

    client      signed in as the start-up admin, who may do anything: tests of what an
                operation does use it unless they are about a customer
    anonymous   no token at all
    api         makes resources (as the admin); `await api.customer()` signs a new customer
                up and gives back their account and a client signed in as them
"""

from __future__ import annotations

import io
import logging
import os
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from dependency_injector import providers
from fastapi import FastAPI

from adapters.security import Argon2PasswordHasher
from entrypoints.container import Container, build_container
from entrypoints.http.app import create_app
from entrypoints.logs import LOG_FORMAT, RequestIdFilter, UtcFormatter
from entrypoints.settings import Settings
from tests.integration.http.api import ADMIN, JWT_SECRET, Api, Clients, MovableClock
from tests.support.databases import (
    app_role_url,
    migrated_sqlite_url,
    throwaway_postgres_database,
)


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
            yield await app_role_url(url)


@pytest.fixture(scope="module")
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture
def movable_clock(clock: MovableClock) -> Iterator[MovableClock]:
    """The app's clock, put back where it was after the test."""
    yield clock
    clock.reset()


@pytest.fixture(scope="module")
def settings(database_url: str) -> Settings:
    return Settings(
        _env_file=None,
        database_url=database_url,
        jwt_secret=JWT_SECRET,
        storefront_admin_username=ADMIN.username,
        storefront_admin_email=ADMIN.email,
        storefront_admin_password=ADMIN.password,
    )


@pytest.fixture(scope="module")
def container(settings: Settings, clock: MovableClock) -> Container:
    container = build_container(settings)
    container.hasher.override(providers.Object(Argon2PasswordHasher.for_tests()))
    container.clock.override(providers.Object(clock))
    return container


@pytest.fixture(scope="module")
async def app(settings: Settings, container: Container) -> AsyncIterator[FastAPI]:
    app = create_app(settings, container=container)
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture(scope="module")
async def clients(app: FastAPI, clock: MovableClock) -> AsyncIterator[Clients]:
    clients = Clients(app, clock)
    yield clients
    await clients.aclose()


@pytest.fixture(scope="module")
def client(clients: Clients) -> httpx.AsyncClient:
    """Signed in as the start-up admin."""
    return clients.signed_in(ADMIN)


@pytest.fixture(scope="module")
def anonymous(clients: Clients) -> httpx.AsyncClient:
    return clients.anonymous()


@pytest.fixture
def api(client: httpx.AsyncClient, anonymous: httpx.AsyncClient, clients: Clients) -> Api:
    return Api(client, anonymous, clients)


@pytest.fixture
def events_log() -> Iterator[io.StringIO]:
    """What the event bus logs, through a handler set up as the app's log configuration sets
    its own: the request-id filter and the one format."""
    sink = io.StringIO()
    handler = logging.StreamHandler(sink)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(UtcFormatter(LOG_FORMAT))
    logger = logging.getLogger("application.shared.events")
    logger.addHandler(handler)
    yield sink
    logger.removeHandler(handler)
