"""What the stores read side returns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

__all__ = ["StoreView"]


@dataclass(frozen=True, slots=True)
class StoreView:
    id: int
    slug: str
    name: str
    is_active: bool
    created_at: datetime
