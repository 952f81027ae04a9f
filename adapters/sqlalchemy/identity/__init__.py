"""The identity context in SQL: users, refresh tokens and sign-in throttles (tables, mapping,
repositories) and the users' read side."""

from __future__ import annotations

from adapters.sqlalchemy.identity.queries import SqlAlchemyUserQueries
from adapters.sqlalchemy.identity.repository import SqlAlchemyUserRepository
from adapters.sqlalchemy.identity.sessions import (
    SqlAlchemyLoginThrottleRepository,
    SqlAlchemyRefreshTokenRepository,
)

__all__ = [
    "SqlAlchemyLoginThrottleRepository",
    "SqlAlchemyRefreshTokenRepository",
    "SqlAlchemyUserQueries",
    "SqlAlchemyUserRepository",
]
