"""What the users read side returns: plain data, never entities, never a password hash."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

__all__ = ["TopSpender", "UserCounts", "UserStanding", "UserView"]


@dataclass(frozen=True, slots=True)
class UserView:
    id: int
    username: str
    email: str
    full_name: str | None
    bio: str | None
    is_active: bool
    is_superuser: bool
    credits: Decimal
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class UserCounts:
    total: int
    active: int


@dataclass(frozen=True, slots=True)
class TopSpender:
    user_id: int
    username: str
    email: str
    order_count: int
    total_spent: Decimal


@dataclass(frozen=True, slots=True)
class UserStanding:
    """What every authenticated request asks of its account."""

    is_active: bool
    is_superuser: bool
    token_generation: int
