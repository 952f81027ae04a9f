"""How the SQL adapter puts its contexts together: found, mapped and wired without a list."""

from __future__ import annotations

import abc
from typing import get_type_hints

import pytest
from sqlalchemy import CheckConstraint, UniqueConstraint, inspect
from sqlalchemy.ext.asyncio import async_sessionmaker

from adapters.sqlalchemy import SqlAlchemyUnitOfWork, metadata, start_mappers
from adapters.sqlalchemy.catalog import SqlAlchemyProductRepository
from adapters.sqlalchemy.contexts import import_contexts
from adapters.sqlalchemy.repository import implementation_of
from adapters.sqlalchemy.schema import ENTITY, FIELD
from application.shared.unit_of_work import UnitOfWork
from domain.catalog.category import Category
from domain.catalog.product import Product
from domain.catalog.repository import ProductRepository
from domain.identity.user import User
from domain.notifications.notification import Notification
from domain.ordering.order import Order, OrderItem, Payment
from entrypoints.container import MAIN_STORE_ID


def test_every_context_subpackage_is_found() -> None:
    found = [context.__name__.rsplit(".", 1)[-1] for context in import_contexts()]

    assert found == sorted(found)
    assert {"catalog", "identity", "notifications", "ordering"} <= set(found)


def test_every_domain_class_is_mapped_once_the_mappers_start() -> None:
    start_mappers()
    start_mappers()  # a second call does nothing

    for entity in (User, Category, Product, Order, OrderItem, Payment, Notification):
        assert inspect(entity).local_table.name in metadata.tables


def test_the_unit_of_work_has_the_sql_repository_of_every_port_it_declares() -> None:
    uow = SqlAlchemyUnitOfWork(async_sessionmaker(), MAIN_STORE_ID)

    for name, port in get_type_hints(UnitOfWork).items():
        assert isinstance(getattr(uow, name), port), name


def test_a_subclass_of_a_repository_is_not_a_second_implementation() -> None:
    class Instrumented(SqlAlchemyProductRepository):
        pass

    assert implementation_of(ProductRepository) is SqlAlchemyProductRepository


def test_a_port_no_repository_implements_is_refused_by_name() -> None:
    class WishlistRepository(abc.ABC):
        @abc.abstractmethod
        async def add(self, wishlist: object) -> None: ...

    with pytest.raises(LookupError, match="WishlistRepository"):
        implementation_of(WishlistRepository)


def test_every_table_states_its_entity_and_every_constraint_the_field_it_is_about() -> None:
    for table in metadata.tables.values():
        assert table.info.get(ENTITY), table.name
        for constraint in table.constraints:
            if isinstance(constraint, CheckConstraint):
                assert constraint.info.get(FIELD) in {c.name for c in table.columns}, (
                    constraint.name
                )
            elif isinstance(constraint, UniqueConstraint):
                field = constraint.info.get(FIELD, constraint.columns[0].name)
                assert field in {c.name for c in constraint.columns}, constraint.name
