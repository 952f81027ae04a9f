"""The in-memory unit of work finds its repositories by port, from the `UnitOfWork` port's
annotations; each port has one in-memory repository, each entity class one record kind."""

from __future__ import annotations

import typing

import pytest

from adapters.memory import (
    InMemoryCategoryRepository,
    InMemoryNotificationRepository,
    InMemoryOrderRepository,
    InMemoryProductRepository,
    InMemoryUnitOfWork,
    InMemoryUserRepository,
)
from adapters.memory.kinds import RecordKind
from adapters.memory.registry import kind_of, repository_for
from adapters.memory.repository import InMemoryRepository
from application.shared.unit_of_work import UnitOfWork
from domain.identity.repository import UserRepository
from domain.identity.user import User
from domain.ordering.order import OrderItem


def test_the_unit_of_work_carries_the_repository_registered_for_each_declared_port(store):
    uow = InMemoryUnitOfWork(store)
    for name, port in typing.get_type_hints(UnitOfWork).items():
        repository = getattr(uow, name)
        assert isinstance(repository, port)
        if name != "idempotency":
            assert type(repository) is repository_for(port)
    expected = {
        "users": InMemoryUserRepository,
        "categories": InMemoryCategoryRepository,
        "products": InMemoryProductRepository,
        "orders": InMemoryOrderRepository,
        "notifications": InMemoryNotificationRepository,
    }
    assert {name: type(getattr(uow, name)) for name in expected} == expected


def test_a_second_repository_for_a_port_is_refused_and_leaves_no_trace():
    with pytest.raises(TypeError, match="UserRepository is implemented by InMemoryUserRepository"):

        class AnotherUserRepository(InMemoryRepository, UserRepository):
            pass

    assert repository_for(UserRepository) is InMemoryUserRepository


def test_a_second_kind_for_an_entity_class_is_refused():
    with pytest.raises(TypeError, match="User records are declared already"):

        class MoreUsers(InMemoryRepository):
            kind = RecordKind(User, "user_again")

    assert kind_of(User).name == "user"


def test_a_subclass_of_a_repository_registers_nothing():
    class Quiet(InMemoryUserRepository):
        pass

    assert repository_for(UserRepository) is InMemoryUserRepository


def test_only_registered_entity_classes_have_rows(store):
    with pytest.raises(LookupError, match="OrderItem is not a record kind"):
        store.rows(OrderItem)
