"""The content context in SQL: posts, tags and the many-to-many between them; their mapping,
repositories and query adapters. Soft delete is applied in one place on each side: the
repositories' `_LIVE` criterion, the read side's `posts` view."""

from __future__ import annotations

from adapters.sqlalchemy.content.queries import SqlAlchemyPostQueries, SqlAlchemyTagQueries
from adapters.sqlalchemy.content.repository import (
    SqlAlchemyPostRepository,
    SqlAlchemyTagRepository,
)

__all__ = [
    "SqlAlchemyPostQueries",
    "SqlAlchemyPostRepository",
    "SqlAlchemyTagQueries",
    "SqlAlchemyTagRepository",
]
