"""The identity context's mapping: `User` onto `users`, columns only."""

from __future__ import annotations

from sqlalchemy.orm import registry

from adapters.sqlalchemy.identity.tables import users
from adapters.sqlalchemy.mappers import context_mapping
from domain.identity.user import User

__all__ = ["map_identity"]


@context_mapping
def map_identity(mappers: registry) -> None:
    mappers.map_imperatively(User, users)
