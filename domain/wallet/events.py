"""What happens to credits that other parts of the system hear of."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from domain.shared.events import Event

__all__ = ["CreditsTransferred"]


@dataclass(frozen=True, kw_only=True)
class CreditsTransferred(Event):
    """A transfer completed: `amount` credits went from `from_user_id` to `to_user_id`."""

    transfer_id: int
    from_user_id: int
    to_user_id: int
    amount: Decimal
