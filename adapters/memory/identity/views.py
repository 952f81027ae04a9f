"""The identity read models built from stored users: frozen copies, so nothing of the store
leaks out."""

from __future__ import annotations

from adapters.memory.tracking import key_of
from application.identity.read_models import UserView
from domain.identity.user import User

__all__ = ["user_view"]


def user_view(user: User) -> UserView:
    return UserView(
        id=key_of(user),
        username=user.username,
        email=user.email,
        full_name=user.full_name,
        bio=user.bio,
        is_active=user.is_active,
        is_superuser=user.is_superuser,
        credits=user.credits,
        created_at=user.created_at,
        updated_at=user.updated_at,
    )
