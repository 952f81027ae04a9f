"""Fixtures of the unit tests: an empty in-memory store, a still clock, a cheap hasher,
predictable order numbers, and a `Seed` that puts data in place through the use cases."""

from __future__ import annotations

import pytest

from adapters.memory import InMemoryStore, InMemoryUnitOfWork
from adapters.security import Argon2PasswordHasher
from tests.support.fakes import CountingOrderNumbers, SteppingClock
from tests.unit.fakes import START
from tests.unit.seeding import Seed


@pytest.fixture
def store() -> InMemoryStore:
    return InMemoryStore()


@pytest.fixture
def uow(store: InMemoryStore) -> InMemoryUnitOfWork:
    return InMemoryUnitOfWork(store)


@pytest.fixture
def clock() -> SteppingClock:
    return SteppingClock(START)


@pytest.fixture(scope="session")
def hasher() -> Argon2PasswordHasher:
    return Argon2PasswordHasher.for_tests()


@pytest.fixture
def order_numbers() -> CountingOrderNumbers:
    return CountingOrderNumbers()


@pytest.fixture
def seed(
    store: InMemoryStore,
    clock: SteppingClock,
    hasher: Argon2PasswordHasher,
    order_numbers: CountingOrderNumbers,
) -> Seed:
    return Seed(store, clock, hasher, order_numbers)
