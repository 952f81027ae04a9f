"""The identity context in SQL: the users table, its mapping, repository and query adapter."""

from __future__ import annotations

from adapters.sqlalchemy.identity.queries import SqlAlchemyUserQueries
from adapters.sqlalchemy.identity.repository import SqlAlchemyUserRepository

__all__ = ["SqlAlchemyUserQueries", "SqlAlchemyUserRepository"]
