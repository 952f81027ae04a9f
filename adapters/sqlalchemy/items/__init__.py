"""The items context in SQL: the items table, its mapping, its repository and its read side."""

from __future__ import annotations

from adapters.sqlalchemy.items.repository import SqlAlchemyItemRepository

__all__ = ["SqlAlchemyItemRepository"]
