"""Ordering's `CreditPayments`, made of wallet movements.

A payment debits the orderer's wallet by the order's total (an `order_payment` entry naming
the order); a refund credits it back (`order_refund`). Both lock the one wallet they move and
work in the caller's unit of work, so they commit or roll back with the payment or the cancel.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from application.ordering.ports import CreditPayments
from application.shared.unit_of_work import UnitOfWork
from domain.shared.errors import NotFound
from domain.shared.money import ZERO
from domain.wallet.wallet import EntryKind, Wallet

__all__ = ["WalletCreditPayments"]


class WalletCreditPayments(CreditPayments):
    async def charge(
        self, uow: UnitOfWork, *, user_id: int, order_id: int, amount: Decimal, now: datetime
    ) -> None:
        if amount == ZERO:
            return  # a free order moves no credits
        wallet = await _wallet(uow, user_id)
        wallet.debit(amount, EntryKind.ORDER_PAYMENT, order_id, now)
        await uow.wallets.save([wallet])

    async def refund(
        self, uow: UnitOfWork, *, user_id: int, order_id: int, amount: Decimal, now: datetime
    ) -> None:
        if amount == ZERO:
            return
        wallet = await _wallet(uow, user_id)
        wallet.credit(amount, EntryKind.ORDER_REFUND, order_id, now)
        await uow.wallets.save([wallet])


async def _wallet(uow: UnitOfWork, user_id: int) -> Wallet:
    wallet = (await uow.wallets.lock([user_id])).get(user_id)
    if wallet is None:
        raise NotFound("user", user_id)
    return wallet
