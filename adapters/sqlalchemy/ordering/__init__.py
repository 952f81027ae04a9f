"""The ordering context in SQL: orders, items and payments, their mapping, repository and query
adapter."""

from __future__ import annotations

from adapters.sqlalchemy.ordering.queries import SqlAlchemyOrderQueries
from adapters.sqlalchemy.ordering.repository import SqlAlchemyOrderRepository

__all__ = ["SqlAlchemyOrderQueries", "SqlAlchemyOrderRepository"]
