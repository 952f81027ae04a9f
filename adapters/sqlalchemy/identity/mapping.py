"""The identity context's mapping: users, refresh tokens and throttles, columns only."""

from __future__ import annotations

from sqlalchemy.orm import registry

from adapters.sqlalchemy.identity.tables import login_throttles, refresh_tokens, users
from adapters.sqlalchemy.mappers import context_mapping
from domain.identity.sessions import LoginThrottle, RefreshToken
from domain.identity.user import User

__all__ = ["map_identity"]


@context_mapping
def map_identity(mappers: registry) -> None:
    mappers.map_imperatively(User, users)
    mappers.map_imperatively(RefreshToken, refresh_tokens)
    mappers.map_imperatively(LoginThrottle, login_throttles)
