"""What the store use cases are asked to do (from the command line only)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DeactivateStore", "OpenStore"]


@dataclass(frozen=True)
class OpenStore:
    slug: str
    name: str


@dataclass(frozen=True)
class DeactivateStore:
    slug: str
