"""What happens to items that other parts of the system hear of."""

from __future__ import annotations

from dataclasses import dataclass

from domain.shared.events import Event

__all__ = ["ItemTransferred"]


@dataclass(frozen=True, kw_only=True)
class ItemTransferred(Event):
    """An item changed hands: `to_user_id` owns it now."""

    item_id: int
    item_name: str
    from_user_id: int
    to_user_id: int
