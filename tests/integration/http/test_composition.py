"""The composition root and the settings: what is built from DATABASE_URL, and when."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from dependency_injector import providers
from fastapi.routing import APIRoute
from pydantic import ValidationError
from sqlalchemy.pool import QueuePool
from starlette.convertors import IntegerConvertor
from starlette.routing import BaseRoute, Match

from application.catalog.defaults import DEFAULT_CATEGORIES
from application.catalog.queries import CATEGORY_LIST
from entrypoints.container import build_container, close_storage, open_storage
from entrypoints.http.app import create_app
from entrypoints.http.listing import StrictQueryRoute
from entrypoints.settings import Settings
from entrypoints.use_cases import UseCases


def _settings(url: str, **overrides: Any) -> Settings:
    return Settings(_env_file=None, database_url=url, **overrides)


def _sqlite(tmp_path: Path, name: str = "app.db") -> str:
    return f"sqlite+aiosqlite:///{tmp_path / name}"


@pytest.mark.parametrize("kind", ["memory", "sqlalchemy"])
async def test_the_container_provides_every_use_case_and_port_the_entrypoints_name(
    kind: str, tmp_path: Path
) -> None:
    container = build_container(_settings("memory://" if kind == "memory" else _sqlite(tmp_path)))
    await open_storage(container)
    try:
        use_cases = container.use_cases()
        module = sys.modules[UseCases.__module__]
        for name, provider in UseCases.providers.items():
            if isinstance(provider, providers.Dependency):
                # Declared `providers.Dependency[Port]`: the port, by name, from the module.
                declared = UseCases.__annotations__[name]
                expected = getattr(module, declared.removeprefix("providers.Dependency[")[:-1])
            else:
                assert isinstance(provider, providers.Factory), name
                expected = provider.cls
            assert isinstance(getattr(use_cases, name)(), expected), name
    finally:
        await close_storage(container)


def test_each_use_case_gets_a_unit_of_work_of_its_own() -> None:
    container = build_container(_settings("memory://"))

    use_cases = container.use_cases()
    first, second = use_cases.place_order(), use_cases.place_order()

    assert first is not second
    assert first.uow is not second.uow
    assert first.clock is second.clock


async def test_building_the_app_opens_no_database(tmp_path: Path) -> None:
    database = tmp_path / "lazy.db"

    create_app(_settings(f"sqlite+aiosqlite:///{database}"))

    assert not database.exists()


async def test_shutdown_disposes_of_the_engines(tmp_path: Path) -> None:
    container = build_container(_settings(_sqlite(tmp_path)))
    app = create_app(container=container)

    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        ) as client:
            assert (await client.get("/health")).status_code == 200
        engine = container.primary_engine()
        pool = engine.pool
        assert isinstance(pool, QueuePool)
        assert pool.checkedin() >= 1

    assert pool.checkedin() == 0
    assert container.primary_engine() is not engine
    await container.primary_engine().dispose()


async def test_queries_read_from_the_replica_when_one_is_configured(tmp_path: Path) -> None:
    plain = build_container(_settings(_sqlite(tmp_path, "primary.db")))
    replicated = build_container(
        _settings(_sqlite(tmp_path, "primary.db"), read_replica_url=_sqlite(tmp_path, "copy.db"))
    )

    assert plain.read_engine() is plain.primary_engine()
    assert replicated.read_engine() is replicated.replica_engine()
    assert replicated.read_engine() is not replicated.primary_engine()
    assert str(replicated.read_engine().url).endswith("copy.db")
    for container in (plain, replicated):
        await open_storage(container)
        await close_storage(container)


async def test_a_database_that_cannot_be_opened_makes_health_503(tmp_path: Path) -> None:
    app = create_app(_settings(_sqlite(tmp_path / "missing" / "folder")))

    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        ) as client,
    ):
        response = await client.get("/health")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unhealthy"
    assert body["database"]["backend"] == "sqlite"
    assert "missing" not in response.text


async def test_the_memory_backend_starts_with_the_migrations_default_categories() -> None:
    app = create_app(_settings("memory://"))

    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        ) as client,
    ):
        found = [(await client.get(f"/categories/{n}")).json() for n in (1, 2, 3, 4, 5)]

    assert [(c["id"], c["name"], c["slug"], c["description"]) for c in found[:4]] == [
        (n, *default) for n, default in enumerate(DEFAULT_CATEGORIES, start=1)
    ]
    assert found[4]["status"] == 404


async def test_opening_a_memory_store_twice_seeds_it_once() -> None:
    container = build_container(_settings("memory://"))

    await open_storage(container)
    await open_storage(container)

    page = await container.use_cases().category_queries().list(CATEGORY_LIST.query())
    assert [category.slug for category in page.items] == [d.slug for d in DEFAULT_CATEGORIES]


# ------------------------------------------------------------------------------ settings
def test_the_embedded_sqlite_file_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)

    settings = Settings(_env_file=None)

    assert settings.database_url == "sqlite+aiosqlite:///./storefront.db"
    assert settings.backend == "sqlalchemy"
    assert (settings.db_pool_size, settings.db_max_overflow) == (5, 10)


def test_settings_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "memory://")
    monkeypatch.setenv("DB_POOL_SIZE", "12")
    monkeypatch.setenv("db_echo", "true")
    monkeypatch.setenv("LOG_LEVEL", "debug")

    settings = Settings(_env_file=None)

    assert settings.backend == "memory"
    assert (settings.db_pool_size, settings.db_echo, settings.log_level) == (12, True, "DEBUG")


def test_settings_are_read_from_a_dotenv_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    dotenv = tmp_path / ".env"
    dotenv.write_text("DATABASE_URL=memory://\nSQLITE_BUSY_TIMEOUT_MS=250\n")

    settings = Settings(_env_file=dotenv)

    assert (settings.backend, settings.sqlite_busy_timeout_ms) == ("memory", 250)


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("sqlite:///./shop.db", "sqlite+aiosqlite:///./shop.db"),
        ("postgres://u@db/shop", "postgresql+asyncpg://u@db/shop"),
        ("postgresql://u@db/shop", "postgresql+asyncpg://u@db/shop"),
        ("postgresql+asyncpg://u@db/shop", "postgresql+asyncpg://u@db/shop"),
    ],
)
def test_urls_without_an_async_driver_are_given_one(given: str, used: str) -> None:
    assert _settings(given).database_url == used


def test_the_password_of_a_database_url_never_shows(tmp_path: Path) -> None:
    settings = _settings(
        "postgresql+asyncpg://shop:s3cret@db.internal:5432/shop",
        read_replica_url="postgresql+asyncpg://reader:hunter2@[::1]/shop",
    )

    shown = repr(settings) + str(settings)

    assert "s3cret" not in shown
    assert "hunter2" not in shown
    assert "shop:***@db.internal:5432" in shown
    assert "reader:***@[::1]" in shown


def test_an_unsupported_database_is_refused_without_echoing_its_url() -> None:
    with pytest.raises(ValidationError) as refused:
        _settings("mysql://root:topsecret@localhost/shop")

    assert "topsecret" not in str(refused.value)
    assert "scheme must be one of" in str(refused.value)


def _operations(routes: Iterable[BaseRoute]) -> Iterator[BaseRoute]:
    for route in routes:
        included = getattr(route, "original_router", None)  # a router included as a whole
        yield from _operations(included.routes) if included is not None else (route,)


def test_every_operation_refuses_query_parameters_it_does_not_declare() -> None:
    app = create_app(_settings("memory://"))

    operations = [route for route in _operations(app.routes) if isinstance(route, APIRoute)]
    lax = [route.path for route in operations if not isinstance(route, StrictQueryRoute)]

    assert len(operations) >= 40
    assert lax == []


def _sample_path(route: APIRoute) -> str:
    """A concrete path the route's template matches: 1 for an int, a word for the rest."""
    path = route.path_format
    for name, convertor in route.param_convertors.items():
        value = "1" if isinstance(convertor, IntegerConvertor) else "sample"
        path = path.replace("{" + name + "}", value)
    return path


def test_each_operation_is_the_only_one_its_requests_match() -> None:
    """So the order of the routers in app.py changes no answer: a new router under another's
    prefix must take paths of its own."""
    app = create_app(_settings("memory://"))
    operations = [route for route in app.routes if isinstance(route, APIRoute)]

    shared: dict[str, list[str]] = {}
    for route in operations:
        for method in sorted(route.methods or ()):
            scope = {"type": "http", "method": method, "path": _sample_path(route)}
            matching = [o.name for o in operations if o.matches(scope)[0] is Match.FULL]
            if matching != [route.name]:
                shared[f"{method} {scope['path']}"] = matching

    assert shared == {}
