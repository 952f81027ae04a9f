"""Imperative mappings: each context maps its own domain classes; `start_mappers` runs them all.

The domain never learns it is persisted. A context's `mapping.py` declares one function that
maps its classes onto its tables and registers it with `@context_mapping`; importing the
context registers it (the package imports every context, see adapters/sqlalchemy/__init__.py).
`start_mappers()` then runs every registered function once per process, on one registry, and
configures the mappers (calling it again does nothing), so the composition root and the tests
may both call it, from any thread.

Relationships are `lazy="raise"`: a repository loads what a use case needs explicitly
(`selectinload`), and an accidental lazy load — an N+1 in the making — fails loudly instead of
querying per row.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from sqlalchemy.orm import registry

__all__ = ["ContextMapping", "context_mapping", "mapper_registry", "start_mappers"]

ContextMapping = Callable[[registry], None]
"""Maps one context's domain classes on the registry it is given."""

mapper_registry = registry()
_MAPPINGS: list[ContextMapping] = []
_lock = threading.Lock()
_started = False


def context_mapping(mapping: ContextMapping) -> ContextMapping:
    """Register a context's mapping function; `start_mappers` runs it."""
    with _lock:
        if _started:
            # Mapping after configure() would leave this context's classes half-instrumented.
            raise RuntimeError(f"{mapping.__qualname__} registered after start_mappers()")
        _MAPPINGS.append(mapping)
    return mapping


def start_mappers() -> None:
    """Map every context's domain classes; idempotent and safe to call from several threads."""
    global _started
    with _lock:
        if _started:
            return
        for mapping in _MAPPINGS:
            mapping(mapper_registry)
        mapper_registry.configure()
        _started = True
