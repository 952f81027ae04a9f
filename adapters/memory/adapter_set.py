"""Every in-memory adapter over one store, put together for the composition root and tests."""

from __future__ import annotations

from dataclasses import dataclass, field

from adapters.memory.catalog.queries import InMemoryCategoryQueries, InMemoryProductQueries
from adapters.memory.health import InMemoryStorageHealth
from adapters.memory.identity.queries import InMemoryUserQueries
from adapters.memory.ordering.queries import InMemoryOrderQueries
from adapters.memory.store import InMemoryStore
from adapters.memory.unit_of_work import InMemoryUnitOfWork

__all__ = ["InMemoryAdapterSet"]


@dataclass(frozen=True)
class InMemoryAdapterSet:
    """One store, its query fakes and its health check; `unit_of_work()` makes a fresh UoW.

    A unit of work is made per use case (it holds the transaction in progress); the query
    fakes and the health check are stateless and shared.
    """

    store: InMemoryStore = field(default_factory=InMemoryStore)

    def unit_of_work(self) -> InMemoryUnitOfWork:
        return InMemoryUnitOfWork(self.store)

    @property
    def users(self) -> InMemoryUserQueries:
        return InMemoryUserQueries(self.store)

    @property
    def categories(self) -> InMemoryCategoryQueries:
        return InMemoryCategoryQueries(self.store)

    @property
    def products(self) -> InMemoryProductQueries:
        return InMemoryProductQueries(self.store)

    @property
    def orders(self) -> InMemoryOrderQueries:
        return InMemoryOrderQueries(self.store)

    @property
    def health(self) -> InMemoryStorageHealth:
        return InMemoryStorageHealth()
