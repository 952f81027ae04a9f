"""The port that tells whether the storage answers, and how its connection pool fares."""

from __future__ import annotations

import abc
from dataclasses import dataclass, field

__all__ = ["HealthReport", "StorageHealth"]


@dataclass(frozen=True, slots=True)
class HealthReport:
    healthy: bool
    backend: str  # "sqlite", "postgresql" or "memory"
    pool: dict[str, int | str] = field(default_factory=dict)
    latency_ms: float | None = None
    error: str | None = None  # a short, safe description; never a DSN or a secret
    # Whether the storage's own second wall between stores holds: "enforced", "bypassed
    # (why)", or None where the storage has none (the adapters keep stores apart alone).
    row_level_security: str | None = None


class StorageHealth(abc.ABC):
    @abc.abstractmethod
    async def check(self) -> HealthReport:
        """Ping the storage with a short timeout; never raise."""
