"""A transfer of credits from one user to another of the same store.

A transfer is checked whole before anything moves (`Transfer.between`): a positive two-place
amount, another user as recipient, an active recipient, enough credits. Once stored (it has
an id), `settle` posts its two ledger entries, which name it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from domain.shared.errors import Inactive, InvalidValue
from domain.shared.text import optional_text
from domain.wallet.events import CreditsTransferred
from domain.wallet.wallet import EntryKind, Wallet, positive_amount

__all__ = ["MAX_NOTE", "Transfer", "TransferStatus", "refuse_self_transfer"]

MAX_NOTE = 200


class TransferStatus(StrEnum):
    COMPLETED = "completed"


def refuse_self_transfer(from_user_id: int, to_user_id: int) -> None:
    if from_user_id == to_user_id:
        raise InvalidValue("to_user_id", "a transfer goes to another user")


@dataclass(eq=False)
class Transfer:
    from_user_id: int
    to_user_id: int
    amount: Decimal
    status: TransferStatus
    created_at: datetime
    note: str | None = None
    id: int | None = field(default=None)

    @classmethod
    def between(
        cls,
        sender: Wallet,
        recipient: Wallet,
        amount: Decimal,
        *,
        note: str | None,
        now: datetime,
    ) -> Transfer:
        """The transfer, if every rule lets it happen; nothing has moved yet."""
        refuse_self_transfer(sender.user_id, recipient.user_id)
        amount = positive_amount(amount)
        note = optional_text(note, "note", max_length=MAX_NOTE, multiline=False)
        if not recipient.is_active:
            raise Inactive(f"user {recipient.user_id} is not active")
        sender.ensure_can_pay(amount)
        return cls(
            from_user_id=sender.user_id,
            to_user_id=recipient.user_id,
            amount=amount,
            status=TransferStatus.COMPLETED,
            note=note,
            created_at=now,
        )

    def settle(self, sender: Wallet, recipient: Wallet) -> CreditsTransferred:
        """Move the credits: one entry on each side, both naming this (stored) transfer.
        Returns the event that says so, for the recipient to be told after the commit."""
        if self.id is None:
            raise ValueError("a transfer is settled once stored")
        if (sender.user_id, recipient.user_id) != (self.from_user_id, self.to_user_id):
            raise ValueError("these are not the wallets of this transfer")
        sender.debit(self.amount, EntryKind.TRANSFER_OUT, self.id, self.created_at)
        recipient.credit(self.amount, EntryKind.TRANSFER_IN, self.id, self.created_at)
        return CreditsTransferred(
            transfer_id=self.id,
            from_user_id=self.from_user_id,
            to_user_id=self.to_user_id,
            amount=self.amount,
            occurred_at=self.created_at,
        )
