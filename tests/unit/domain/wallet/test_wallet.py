"""A wallet moves only through ledger entries, and checks the ledger explains it each time."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from domain.shared.errors import Inactive, InsufficientCredits, InvalidValue
from domain.wallet.transfer import Transfer, TransferStatus
from domain.wallet.wallet import CreditGrant, EntryKind, LedgerOutOfBalance, Wallet

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def wallet(user_id: int = 1, balance: str = "10.00", *, active: bool = True) -> Wallet:
    amount = Decimal(balance)
    return Wallet(user_id, amount, ledger_balance=amount, is_active=active)


def test_each_movement_appends_an_entry_with_the_balance_it_leaves() -> None:
    mine = wallet(balance="10.00")

    debit = mine.debit(Decimal("2.50"), EntryKind.TRANSFER_OUT, 7, NOW)
    credit = mine.credit(Decimal("1.25"), EntryKind.ORDER_REFUND, 8, NOW)

    assert (debit.amount, debit.balance_after, debit.reference_id) == (
        Decimal("-2.50"),
        Decimal("7.50"),
        7,
    )
    assert (credit.amount, credit.balance_after) == (Decimal("1.25"), Decimal("8.75"))
    assert mine.new_entries == [debit, credit]
    assert mine.balance == mine.ledger_balance == Decimal("8.75")
    assert mine.opening_balance == Decimal("10.00")


def test_a_debit_never_drives_the_balance_below_zero_and_changes_nothing_when_refused() -> None:
    mine = wallet(balance="5.00")

    with pytest.raises(InsufficientCredits):
        mine.debit(Decimal("5.01"), EntryKind.ORDER_PAYMENT, 1, NOW)

    assert (mine.balance, mine.new_entries) == (Decimal("5.00"), [])
    mine.debit(Decimal("5.00"), EntryKind.ORDER_PAYMENT, 1, NOW)
    assert mine.balance == Decimal("0.00")


@pytest.mark.parametrize("amount", ["0", "-1.00", "0.001", "NaN", "Infinity", "99999999999.00"])
def test_amounts_are_positive_with_at_most_two_places(amount: str) -> None:
    mine = wallet()
    with pytest.raises(InvalidValue):
        mine.credit(Decimal(amount), EntryKind.GRANT, 1, NOW)
    assert mine.new_entries == []


def test_a_kind_moves_one_way_only() -> None:
    with pytest.raises(ValueError, match="debit"):
        wallet().credit(Decimal("1.00"), EntryKind.TRANSFER_OUT, 1, NOW)
    with pytest.raises(ValueError, match="credit"):
        wallet().debit(Decimal("1.00"), EntryKind.GRANT, 1, NOW)


def test_nothing_moves_while_the_ledger_does_not_explain_the_balance() -> None:
    tampered = Wallet(1, Decimal("10.00"), ledger_balance=Decimal("9.00"))

    with pytest.raises(LedgerOutOfBalance):
        tampered.credit(Decimal("1.00"), EntryKind.GRANT, 1, NOW)

    assert (tampered.balance, tampered.new_entries) == (Decimal("10.00"), [])


def test_a_transfer_is_checked_whole_then_settled_with_one_entry_on_each_side() -> None:
    sender, recipient = wallet(1, "10.00"), wallet(2, "0.00")

    transfer = Transfer.between(sender, recipient, Decimal("4.00"), note="rent", now=NOW)
    assert sender.new_entries == recipient.new_entries == []
    transfer.id = 31
    transfer.settle(sender, recipient)

    assert (transfer.status, transfer.note) == (TransferStatus.COMPLETED, "rent")
    [out], [into] = sender.new_entries, recipient.new_entries
    assert (out.kind, out.amount, out.reference_id) == (
        EntryKind.TRANSFER_OUT,
        Decimal("-4.00"),
        31,
    )
    assert (into.kind, into.amount, into.reference_id) == (
        EntryKind.TRANSFER_IN,
        Decimal("4.00"),
        31,
    )
    assert sender.balance + recipient.balance == Decimal("10.00")


def test_a_transfer_refuses_oneself_an_inactive_recipient_too_little_and_a_long_note() -> None:
    sender = wallet(1, "3.00")
    with pytest.raises(InvalidValue, match="to_user_id"):
        Transfer.between(sender, wallet(1), Decimal("1.00"), note=None, now=NOW)
    with pytest.raises(Inactive):
        Transfer.between(sender, wallet(2, active=False), Decimal("1.00"), note=None, now=NOW)
    with pytest.raises(InsufficientCredits):
        Transfer.between(sender, wallet(2), Decimal("3.01"), note=None, now=NOW)
    with pytest.raises(InvalidValue, match="note"):
        Transfer.between(sender, wallet(2), Decimal("1.00"), note="x" * 201, now=NOW)
    with pytest.raises(InvalidValue, match="note"):
        Transfer.between(sender, wallet(2), Decimal("1.00"), note="a\nb", now=NOW)


def test_a_transfer_is_settled_once_stored_and_between_its_own_wallets() -> None:
    sender, recipient = wallet(1), wallet(2)
    transfer = Transfer.between(sender, recipient, Decimal("1.00"), note=None, now=NOW)
    with pytest.raises(ValueError, match="stored"):
        transfer.settle(sender, recipient)
    transfer.id = 1
    with pytest.raises(ValueError, match="wallets"):
        transfer.settle(recipient, sender)


def test_a_grant_has_a_positive_amount_and_a_single_line_reason() -> None:
    made = CreditGrant.issue(user_id=1, amount=Decimal("5"), reason="Bonus", granted_by=9, now=NOW)
    assert (made.amount, made.reason, made.granted_by) == (Decimal("5.00"), "Bonus", 9)
    for amount, reason in ((Decimal("0"), "x"), (Decimal("1"), ""), (Decimal("1"), "a\tb")):
        with pytest.raises(InvalidValue):
            CreditGrant.issue(user_id=1, amount=amount, reason=reason, granted_by=9, now=NOW)
