"""What the wallet use cases are asked to do."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from application.shared.idempotency.request import IdempotentRequest

__all__ = ["GrantCredits", "TransferCredits"]


@dataclass(frozen=True)
class GrantCredits:
    user_id: int
    amount: Decimal
    reason: str


@dataclass(frozen=True)
class TransferCredits:
    """From the caller to `to_user_id`."""

    to_user_id: int
    amount: Decimal
    note: str | None = None
    idempotency: IdempotentRequest | None = None
