"""/ and /health: who is answering, and whether its storage answers too."""

from __future__ import annotations

from typing import Literal

from fastapi import Request, Response

from application.shared.health import HealthReport
from entrypoints.http.access import Unscoped
from entrypoints.http.responses import respond
from entrypoints.http.routing import resource_router
from entrypoints.http.schemas.health import (
    DatabaseHealth,
    HealthPublic,
    PoolHealthPublic,
    ServiceInfo,
)
from entrypoints.http.use_cases import storage_health
from entrypoints.version import SERVICE_NAME, service_version

__all__ = ["SERVICE_NAME", "router", "service_version"]

router = resource_router("", "health", 422, 500)


@router.get("/", response_model=ServiceInfo)
async def root(_: Unscoped) -> Response:
    info = ServiceInfo(name=SERVICE_NAME, version=service_version(), docs="/docs")
    return respond(info, ServiceInfo)


def _status(report: HealthReport) -> Literal["healthy", "unhealthy"]:
    return "healthy" if report.healthy else "unhealthy"


def _status_code(report: HealthReport) -> int:
    return 200 if report.healthy else 503


@router.get(
    "/health",
    response_model=HealthPublic,
    responses={503: {"model": HealthPublic, "description": "The storage does not answer."}},
)
async def health(request: Request, _: Unscoped) -> Response:
    """200 when the storage answers a trivial query, 503 when it does not."""
    report = await storage_health(request).check()
    database = DatabaseHealth(
        backend=report.backend, latency_ms=report.latency_ms, error=report.error, **report.pool
    )
    public = HealthPublic(status=_status(report), database=database)
    return respond(public, HealthPublic, _status_code(report))


@router.get(
    "/health/db",
    response_model=PoolHealthPublic,
    responses={503: {"model": PoolHealthPublic, "description": "The storage does not answer."}},
)
async def database_health(request: Request, _: Unscoped) -> Response:
    """The connection pool in detail: size, connections checked in and out, overflow."""
    report = await storage_health(request).check()
    public = PoolHealthPublic(
        status=_status(report),
        backend=report.backend,
        latency_ms=report.latency_ms,
        pool=dict(report.pool),
        error=report.error,
        row_level_security=report.row_level_security,
    )
    return respond(public, PoolHealthPublic, _status_code(report))
