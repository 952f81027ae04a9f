"""What the service says about itself: its name, and whether its storage answers."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["DatabaseHealth", "HealthPublic", "PoolHealthPublic", "ServiceInfo"]


class ServiceInfo(BaseModel):
    name: str
    version: str
    docs: str = Field(examples=["/docs"])


class DatabaseHealth(BaseModel):
    """The backend, the round-trip time of a trivial query, and the pool figures flattened in
    (`pool_size`, `checked_out`, ... as the backend reports them)."""

    model_config = ConfigDict(extra="allow")

    backend: str = Field(examples=["sqlite"])
    latency_ms: float | None = None
    error: str | None = Field(default=None, description="Why the storage is unhealthy.")


class HealthPublic(BaseModel):
    status: Literal["healthy", "unhealthy"]
    database: DatabaseHealth


class PoolHealthPublic(BaseModel):
    status: Literal["healthy", "unhealthy"]
    backend: str
    latency_ms: float | None = None
    pool: dict[str, int | str] = Field(
        description="Connection pool figures: size, checked in/out, overflow, ..."
    )
    error: str | None = None
    row_level_security: str | None = Field(
        default=None,
        description='PostgreSQL: "enforced" when the store policies hold the app\'s database '
        'role, "bypassed (why)" when they do not (the stores are then kept apart by the '
        "app alone). Null where the database has no row-level security.",
    )
