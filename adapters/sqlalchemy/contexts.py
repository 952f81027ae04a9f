"""The bounded contexts of the SQL adapter: its subpackages, found by looking rather than listed.

A context is a subpackage (`identity/`, `catalog/`, ...) holding its tables, its mapping, its
repositories and its query adapters. Importing its modules is what registers them: its tables
join the shared `metadata`, its mapping function is registered for `start_mappers`, and its
repository classes become findable by port. `import_contexts()` imports every module of every
subpackage, in name order; the package runs it when it is first imported, so that anything
reached through `adapters.sqlalchemy` — the container, Alembic's env.py, the tests — sees the
whole schema and every mapping.

Discovery rather than a list, so that a new context is new files only: no module of the
package names its contexts. A context directory needs an `__init__.py` to be found.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

__all__ = ["import_contexts"]

_PACKAGE = __name__.rpartition(".")[0]


def _import_modules_of(package: ModuleType) -> None:
    for found in pkgutil.iter_modules(package.__path__, f"{package.__name__}."):
        importlib.import_module(found.name)


def import_contexts() -> tuple[ModuleType, ...]:
    """Import every context subpackage and all of its modules; the subpackages, by name.

    Idempotent: a module already imported is not imported again."""
    package = importlib.import_module(_PACKAGE)
    contexts: list[ModuleType] = []
    for found in pkgutil.iter_modules(package.__path__, f"{_PACKAGE}."):
        if not found.ispkg:
            continue
        context = importlib.import_module(found.name)
        _import_modules_of(context)
        contexts.append(context)
    return tuple(contexts)
