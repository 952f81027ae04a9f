"""A user's credits and the ledger that explains them.

Credits move only as ledger entries. Every movement appends one entry carrying the signed
amount and the balance after it, and checks, before and after, that the balance is what the
latest entry says it is:

    balance == latest entry's balance_after,   balance_after == previous balance + amount

so by induction the balance is always the sum of the user's entries, and never below zero.
Entries are never changed or removed; a mistake is mended by a new movement.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from domain.shared.errors import Conflict, InsufficientCredits, InvalidValue
from domain.shared.money import ZERO, to_money
from domain.shared.text import clean_text

__all__ = [
    "MAX_REASON",
    "CreditGrant",
    "EntryKind",
    "LedgerEntry",
    "LedgerOutOfBalance",
    "Wallet",
    "positive_amount",
]

MAX_REASON = 200


class EntryKind(StrEnum):
    GRANT = "grant"
    TRANSFER_OUT = "transfer_out"
    TRANSFER_IN = "transfer_in"
    ORDER_PAYMENT = "order_payment"
    ORDER_REFUND = "order_refund"


# Which way each kind moves the balance.
CREDITS: frozenset[EntryKind] = frozenset(
    {EntryKind.GRANT, EntryKind.TRANSFER_IN, EntryKind.ORDER_REFUND}
)


class LedgerOutOfBalance(Conflict):
    """The stored balance is not the one the ledger ends on: nothing may move until an
    operator has looked (the reconciliation lists such wallets)."""

    def __init__(self, user_id: int, balance: Decimal, ledger_balance: Decimal) -> None:
        super().__init__(
            f"the credits of user {user_id} ({balance}) are not those its ledger ends on "
            f"({ledger_balance}); nothing was moved"
        )
        self.user_id = user_id


def positive_amount(value: Decimal | int | str, field: str = "amount") -> Decimal:
    """A movement's amount: more than zero, at most two places."""
    amount = to_money(value, field)
    if amount <= ZERO:
        raise InvalidValue(field, "must be greater than 0")
    return amount


@dataclass(eq=False)
class LedgerEntry:
    """One movement of one user's credits. `amount` is signed (a debit is negative);
    `reference_id` is the grant, transfer or order that caused it."""

    user_id: int
    amount: Decimal
    balance_after: Decimal
    kind: EntryKind
    reference_id: int
    created_at: datetime
    id: int | None = field(default=None)


@dataclass(eq=False)
class Wallet:
    """A user's credits as a movement sees them: the balance, and the balance the latest
    ledger entry ends on (zero before the first). Loaded locked; the movements made on it are
    in `new_entries` until the repository writes them with the balance."""

    user_id: int
    balance: Decimal
    ledger_balance: Decimal = ZERO
    is_active: bool = True
    new_entries: list[LedgerEntry] = field(default_factory=list)

    def credit(
        self, amount: Decimal, kind: EntryKind, reference_id: int, now: datetime
    ) -> LedgerEntry:
        if kind not in CREDITS:
            raise ValueError(f"{kind.value} is a debit")
        return self._move(positive_amount(amount), kind, reference_id, now)

    def debit(
        self, amount: Decimal, kind: EntryKind, reference_id: int, now: datetime
    ) -> LedgerEntry:
        if kind in CREDITS:
            raise ValueError(f"{kind.value} is a credit")
        return self._move(-positive_amount(amount), kind, reference_id, now)

    @property
    def opening_balance(self) -> Decimal:
        """The balance as stored, before the movements not yet written: what a write of the
        new balance must find in place."""
        return to_money(self.balance - sum((e.amount for e in self.new_entries), ZERO))

    def stored(self) -> None:
        """The repository wrote the balance and the new entries: nothing is pending."""
        self.new_entries.clear()

    def can_pay(self, amount: Decimal) -> bool:
        return self.balance >= amount

    def ensure_can_pay(self, amount: Decimal) -> None:
        if not self.can_pay(amount):
            raise InsufficientCredits(
                f"user {self.user_id} has {self.balance} credits, {amount} requested"
            )

    def _move(
        self, amount: Decimal, kind: EntryKind, reference_id: int, now: datetime
    ) -> LedgerEntry:
        self._check_balanced()
        balance_after = to_money(self.balance + amount, "credits")
        if balance_after < ZERO:
            self.ensure_can_pay(-amount)
        entry = LedgerEntry(
            user_id=self.user_id,
            amount=amount,
            balance_after=balance_after,
            kind=kind,
            reference_id=reference_id,
            created_at=now,
        )
        self.balance = self.ledger_balance = balance_after
        self.new_entries.append(entry)
        self._check_balanced()
        return entry

    def _check_balanced(self) -> None:
        if self.balance != self.ledger_balance:
            raise LedgerOutOfBalance(self.user_id, self.balance, self.ledger_balance)


@dataclass(eq=False)
class CreditGrant:
    """Credits an admin gives a user: the only way credits enter the system."""

    user_id: int
    amount: Decimal
    reason: str
    granted_by: int | None
    created_at: datetime
    id: int | None = field(default=None)

    @classmethod
    def issue(
        cls, *, user_id: int, amount: Decimal, reason: str, granted_by: int, now: datetime
    ) -> CreditGrant:
        return cls(
            user_id=user_id,
            amount=positive_amount(amount),
            reason=clean_text(reason, "reason", max_length=MAX_REASON, multiline=False),
            granted_by=granted_by,
            created_at=now,
        )
