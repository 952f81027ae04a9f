"""The wallet on the wire. Balances and ledger entries are written by the system: a client
sends an amount and whom it goes to, never a balance.

    TransferCreate (to_user_id, amount, note?) / TransferPublic     POST /transfers/, reads
    BalancePublic                                                   GET /users/me/balance
    LedgerEntryPublic                                               GET /users/me/ledger
    CreditGrantCreate (amount, reason) / CreditGrantPublic          POST /users/{id}/credit-grants
    ReconciliationPublic                                            GET /admin/ledger/reconciliation
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, Strict

from domain.wallet.transfer import MAX_NOTE, TransferStatus
from domain.wallet.wallet import MAX_REASON, EntryKind
from entrypoints.http.schemas.fields import (
    REQUIRED_SINGLE_LINE,
    SINGLE_LINE,
    Id,
    Money,
    MoneyIn,
    PublicModel,
    RequestModel,
    UtcDatetime,
)

__all__ = [
    "BalancePublic",
    "CreditGrantCreate",
    "CreditGrantPublic",
    "LedgerDifferencePublic",
    "LedgerEntryPublic",
    "ReconciliationPublic",
    "TransferCreate",
    "TransferPublic",
]

Note = Annotated[str, Strict(), Field(max_length=MAX_NOTE), SINGLE_LINE]
Reason = Annotated[str, Strict(), Field(min_length=1, max_length=MAX_REASON), REQUIRED_SINGLE_LINE]


class TransferCreate(RequestModel):
    to_user_id: Id = Field(description="Another active user of this store.")
    amount: MoneyIn
    note: Note | None = None


class TransferPublic(PublicModel):
    id: int
    from_user_id: int
    to_user_id: int
    amount: Money
    note: str | None
    status: TransferStatus
    created_at: UtcDatetime


class BalancePublic(PublicModel):
    user_id: int
    balance: Money


class LedgerEntryPublic(PublicModel):
    id: int
    user_id: int
    amount: Money = Field(description="Signed: a debit is negative.")
    balance_after: Money
    kind: EntryKind
    reference_id: int = Field(description="The grant, transfer or order of the movement.")
    created_at: UtcDatetime


class CreditGrantCreate(RequestModel):
    amount: MoneyIn
    reason: Reason


class CreditGrantPublic(PublicModel):
    id: int
    user_id: int
    amount: Money
    reason: str
    granted_by: int | None
    balance_after: Money = Field(description="The user's credits after the grant.")
    created_at: UtcDatetime


class LedgerDifferencePublic(PublicModel):
    user_id: int
    balance: Money
    ledger_sum: Money
    latest_balance_after: Money | None = Field(description="None for a user without entries.")


class ReconciliationPublic(PublicModel):
    users_checked: int
    differences_found: int
    differences: list[LedgerDifferencePublic]
