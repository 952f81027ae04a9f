"""/ and /health: who is answering, and whether its storage answers too."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Annotated, Any, Literal

from fastapi.responses import JSONResponse

from application.shared.health import HealthReport, StorageHealth
from entrypoints.http.routing import resource_router
from entrypoints.http.schemas.health import (
    DatabaseHealth,
    HealthPublic,
    PoolHealthPublic,
    ServiceInfo,
)
from entrypoints.http.services import provide

__all__ = ["SERVICE_NAME", "router", "service_version"]

SERVICE_NAME = "storefront"

router = resource_router("", "health", 422, 500)

Health = Annotated[StorageHealth, provide(lambda s: s.storage_health)]


def service_version() -> str:
    try:
        return version(SERVICE_NAME)
    except PackageNotFoundError:  # running from a checkout that was never installed
        return "0.0.0"


@router.get("/")
async def root() -> ServiceInfo:
    return ServiceInfo(name=SERVICE_NAME, version=service_version(), docs="/docs")


def _status(report: HealthReport) -> Literal["healthy", "unhealthy"]:
    return "healthy" if report.healthy else "unhealthy"


def _answer(model: Any, report: HealthReport) -> JSONResponse:
    return JSONResponse(model.model_dump(mode="json"), status_code=200 if report.healthy else 503)


@router.get(
    "/health",
    response_model=HealthPublic,
    responses={503: {"model": HealthPublic, "description": "The storage does not answer."}},
)
async def health(storage: Health) -> JSONResponse:
    """200 when the storage answers a trivial query, 503 when it does not."""
    report = await storage.check()
    database = DatabaseHealth(
        backend=report.backend, latency_ms=report.latency_ms, error=report.error, **report.pool
    )
    return _answer(HealthPublic(status=_status(report), database=database), report)


@router.get(
    "/health/db",
    response_model=PoolHealthPublic,
    responses={503: {"model": PoolHealthPublic, "description": "The storage does not answer."}},
)
async def database_health(storage: Health) -> JSONResponse:
    """The connection pool in detail: size, connections checked in and out, overflow."""
    report = await storage.check()
    return _answer(
        PoolHealthPublic(
            status=_status(report),
            backend=report.backend,
            latency_ms=report.latency_ms,
            pool=dict(report.pool),
            error=report.error,
        ),
        report,
    )
