"""What ordering needs of other contexts, said in its own terms.

`CreditPayments` is how an order is paid from, and refunded to, its orderer's credits. The
wallet context implements it (application/wallet/credit_payments.py) and the composition root
hands it to the use cases; ordering never imports the wallet. Both methods work inside the
caller's unit of work, so the money moves in the very transaction that records the payment
or the cancel, or not at all.
"""

from __future__ import annotations

import abc
from datetime import datetime
from decimal import Decimal

from application.shared.unit_of_work import UnitOfWork

__all__ = ["CreditPayments"]


class CreditPayments(abc.ABC):
    @abc.abstractmethod
    async def charge(
        self, uow: UnitOfWork, *, user_id: int, order_id: int, amount: Decimal, now: datetime
    ) -> None:
        """Take `amount` from the user's credits for the order; `InsufficientCredits` (and
        nothing taken) when they have less."""

    @abc.abstractmethod
    async def refund(
        self, uow: UnitOfWork, *, user_id: int, order_id: int, amount: Decimal, now: datetime
    ) -> None:
        """Give back what the order was charged. Called once per order: a cancelled order
        cannot be cancelled again."""
