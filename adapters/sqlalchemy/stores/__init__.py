"""The stores in SQL: the table of tenants, its mapping, repository and read side."""

from __future__ import annotations

from adapters.sqlalchemy.stores.queries import SqlAlchemyStoreQueries
from adapters.sqlalchemy.stores.repository import SqlAlchemyStoreRepository

__all__ = ["SqlAlchemyStoreQueries", "SqlAlchemyStoreRepository"]
