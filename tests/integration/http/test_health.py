"""/ and /health: who answers, and whether its storage answers too."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import httpx
from dependency_injector import providers

from application.shared.health import HealthReport, StorageHealth
from entrypoints.container import Container

BACKENDS = {"memory": "memory", "sqlite": "sqlite", "postgres": "postgresql"}


class _Unreachable(StorageHealth):
    async def check(self) -> HealthReport:
        return HealthReport(
            healthy=False,
            backend="postgresql",
            pool={"size": 5, "checked_out": 0},
            error="OSError: storage did not answer",
        )


@contextmanager
def _storage_down(container: Container) -> Iterator[None]:
    container.storage_health.override(providers.Object(_Unreachable()))
    try:
        yield
    finally:
        container.storage_health.reset_override()


async def test_the_root_names_the_service_its_version_and_its_docs(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/")

    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["docs"]) == ("storefront", "/docs")
    assert body["version"].count(".") == 2
    assert (await client.get(body["docs"])).status_code == 200


async def test_health_is_200_healthy_with_the_backend_and_its_pool(
    client: httpx.AsyncClient, backend: str
) -> None:
    response = await client.get("/health")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "healthy"
    assert body["database"]["backend"] == BACKENDS[backend]
    if backend != "memory":
        assert body["database"]["latency_ms"] >= 0
        assert "checked_out" in body["database"] or "pool" in body["database"]


async def test_health_db_reports_the_pool_in_detail(
    client: httpx.AsyncClient, backend: str
) -> None:
    response = await client.get("/health/db")

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["backend"]) == ("healthy", BACKENDS[backend])
    assert isinstance(body["pool"], dict)
    if backend == "postgres":
        assert {"size", "checked_in", "checked_out", "overflow"} <= set(body["pool"])


async def test_health_is_503_unhealthy_when_the_storage_does_not_answer(
    client: httpx.AsyncClient, container: Container
) -> None:
    with _storage_down(container):
        summary = await client.get("/health")
        detail = await client.get("/health/db")

    assert summary.status_code == detail.status_code == 503
    assert summary.json()["status"] == detail.json()["status"] == "unhealthy"
    assert summary.json()["database"]["error"] == "OSError: storage did not answer"
