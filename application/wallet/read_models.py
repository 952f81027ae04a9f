"""What the wallet's use cases and read side return."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from domain.wallet.transfer import Transfer
from domain.wallet.wallet import CreditGrant, LedgerEntry

__all__ = [
    "BalanceView",
    "CreditGrantView",
    "LedgerDifference",
    "LedgerEntryView",
    "Reconciliation",
    "TransferView",
]


def _stored(entity_id: int | None) -> int:
    if entity_id is None:
        raise ValueError("a view is made of stored entities only; this one has no id yet")
    return entity_id


@dataclass(frozen=True, slots=True)
class BalanceView:
    user_id: int
    balance: Decimal


@dataclass(frozen=True, slots=True)
class LedgerEntryView:
    id: int
    user_id: int
    amount: Decimal
    balance_after: Decimal
    kind: str
    reference_id: int
    created_at: datetime

    @classmethod
    def of(cls, entry: LedgerEntry) -> LedgerEntryView:
        return cls(
            id=_stored(entry.id),
            user_id=entry.user_id,
            amount=entry.amount,
            balance_after=entry.balance_after,
            kind=entry.kind.value,
            reference_id=entry.reference_id,
            created_at=entry.created_at,
        )


@dataclass(frozen=True, slots=True)
class TransferView:
    id: int
    from_user_id: int
    to_user_id: int
    amount: Decimal
    note: str | None
    status: str
    created_at: datetime

    @classmethod
    def of(cls, transfer: Transfer) -> TransferView:
        return cls(
            id=_stored(transfer.id),
            from_user_id=transfer.from_user_id,
            to_user_id=transfer.to_user_id,
            amount=transfer.amount,
            note=transfer.note,
            status=transfer.status.value,
            created_at=transfer.created_at,
        )


@dataclass(frozen=True, slots=True)
class CreditGrantView:
    """A grant, with the balance it brought the user to."""

    id: int
    user_id: int
    amount: Decimal
    reason: str
    granted_by: int | None
    balance_after: Decimal
    created_at: datetime

    @classmethod
    def of(cls, grant: CreditGrant, balance_after: Decimal) -> CreditGrantView:
        return cls(
            id=_stored(grant.id),
            user_id=grant.user_id,
            amount=grant.amount,
            reason=grant.reason,
            granted_by=grant.granted_by,
            balance_after=balance_after,
            created_at=grant.created_at,
        )


@dataclass(frozen=True, slots=True)
class LedgerDifference:
    """A user whose credits the ledger does not explain. `latest_balance_after` is None for a
    user without entries."""

    user_id: int
    balance: Decimal
    ledger_sum: Decimal
    latest_balance_after: Decimal | None


@dataclass(frozen=True, slots=True)
class Reconciliation:
    """Of the users checked (ids above the `after` asked for, at most the `limit` asked for),
    how many, the last id among them, and each one whose credits differ from its ledger."""

    users_checked: int
    last_user_id: int | None
    differences: tuple[LedgerDifference, ...]

    @property
    def differences_found(self) -> int:
        return len(self.differences)
