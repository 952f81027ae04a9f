"""The catalog context in SQL: categories and products, their mapping, repositories, query
adapters, and the one-statement write-back of changed products (product_writes.py)."""

from __future__ import annotations

from adapters.sqlalchemy.catalog.queries import SqlAlchemyCategoryQueries, SqlAlchemyProductQueries
from adapters.sqlalchemy.catalog.repositories import (
    SqlAlchemyCategoryRepository,
    SqlAlchemyProductRepository,
)

__all__ = [
    "SqlAlchemyCategoryQueries",
    "SqlAlchemyCategoryRepository",
    "SqlAlchemyProductQueries",
    "SqlAlchemyProductRepository",
]
