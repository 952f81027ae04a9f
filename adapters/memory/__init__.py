"""In-memory twins of every storage port: a real transactional fake, no I/O.

`InMemoryStore` holds the committed state; `InMemoryUnitOfWork` runs one transaction over it
with private copies, a writer lock and savepoints; the `InMemory*Queries` read the committed
state with the list semantics of the SQL adapters. The composition root
(entrypoints/container.py) puts them together; a new context's adapters are imported from their
own subpackage (`adapters.memory.reviews.queries`), not added here.
"""

from __future__ import annotations

from adapters.memory.catalog.queries import InMemoryCategoryQueries, InMemoryProductQueries
from adapters.memory.catalog.repository import (
    InMemoryCategoryRepository,
    InMemoryProductRepository,
)
from adapters.memory.health import InMemoryStorageHealth
from adapters.memory.identity.queries import InMemoryUserQueries
from adapters.memory.identity.repository import InMemoryUserRepository
from adapters.memory.notifications.repository import InMemoryNotificationRepository
from adapters.memory.ordering.queries import InMemoryOrderQueries
from adapters.memory.ordering.repository import InMemoryOrderRepository
from adapters.memory.store import InMemoryStore
from adapters.memory.unit_of_work import InMemoryUnitOfWork

__all__ = [
    "InMemoryCategoryQueries",
    "InMemoryCategoryRepository",
    "InMemoryNotificationRepository",
    "InMemoryOrderQueries",
    "InMemoryOrderRepository",
    "InMemoryProductQueries",
    "InMemoryProductRepository",
    "InMemoryStorageHealth",
    "InMemoryStore",
    "InMemoryUnitOfWork",
    "InMemoryUserQueries",
    "InMemoryUserRepository",
]
