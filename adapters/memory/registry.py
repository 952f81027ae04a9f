"""The record kinds and repositories the in-memory adapter knows, and where they come from.

Every subpackage of `adapters.memory` is a bounded context (`identity/`, `catalog/`, ...). The
first time the registry is asked anything, it imports every module of every context, so a new
context is found without being listed anywhere. A repository registers itself when its class
is defined (`InMemoryRepository`), under the port it implements, with the record kind it
stores. The store, the transaction and the unit of work ask this registry instead of naming
any kind or repository. Invariant: one repository per port and one kind per entity class; a
second is refused when its class is defined.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from adapters.memory.tracking import Entity

if TYPE_CHECKING:
    from adapters.memory.kinds import RecordKind
    from adapters.memory.repository import InMemoryRepository

__all__ = ["kind_of", "record_kinds", "register", "repository_for"]

E = TypeVar("E", bound=Entity)

_repositories: dict[type, type[InMemoryRepository]] = {}
_kinds: dict[type, RecordKind[Any]] = {}


def register(
    repository: type[InMemoryRepository], ports: list[type], kind: RecordKind[Any] | None
) -> None:
    """Record `repository` as the implementation of `ports`, storing `kind`.

    Everything is checked before anything is recorded, so a refused class leaves no trace.
    """
    for port in ports:
        other = _repositories.get(port)
        if other is not None:
            raise TypeError(f"{port.__name__} is implemented by {other.__name__} already")
    if kind is not None and kind.entity in _kinds:
        raise TypeError(f"{kind.entity.__name__} records are declared already")
    for port in ports:
        _repositories[port] = repository
    if kind is not None:
        _kinds[kind.entity] = kind


def repository_for(port: type) -> type[InMemoryRepository]:
    """The one in-memory repository class that implements `port`."""
    _load_contexts()
    try:
        return _repositories[port]
    except KeyError:
        raise LookupError(f"no in-memory repository implements {port.__name__}") from None


def record_kinds() -> tuple[RecordKind[Any], ...]:
    """Every registered kind, in the order their repositories were defined."""
    _load_contexts()
    return tuple(_kinds.values())


def kind_of(entity: type[E]) -> RecordKind[E]:
    """The kind that stores `entity` objects."""
    _load_contexts()
    try:
        kind: RecordKind[E] = _kinds[entity]
    except KeyError:
        raise LookupError(f"{entity.__name__} is not a record kind of the memory store") from None
    return kind


@functools.cache
def _load_contexts() -> None:
    """Import every module of every subpackage of this package, once.

    Importing a context's modules is what registers its repositories and kinds. Every module,
    not only the subpackage, so that a context's `__init__.py` need not list its modules. Done
    on first use rather than at import, so the order of imports never matters.
    """
    package = __name__.rpartition(".")[0]
    for context in pkgutil.iter_modules([str(Path(__file__).parent)], f"{package}."):
        if context.ispkg:
            module = importlib.import_module(context.name)
            for found in pkgutil.walk_packages(module.__path__, f"{context.name}."):
                importlib.import_module(found.name)
