"""The wallet as a caller may see it: a customer, their own money; an admin, the store's.

A transfer the caller neither sent nor received is `NotFound`, exactly like one that does not
exist. Lists are narrowed to the caller's rows unless an admin asks.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from application.shared.access import Principal
from application.shared.listing import ListQuery, Page
from application.wallet.queries import WalletQueries
from application.wallet.read_models import BalanceView, LedgerEntryView, TransferView
from domain.shared.errors import NotFound

__all__ = ["Direction", "WalletReads"]


class Direction(StrEnum):
    """Which of the caller's transfers: those they sent, or those they received."""

    SENT = "sent"
    RECEIVED = "received"


@dataclass(frozen=True)
class WalletReads:
    wallets: WalletQueries

    async def balance(self, actor: Principal) -> BalanceView:
        user_id = actor.acting_user()
        balance = await self.wallets.balance(user_id)
        if balance is None:
            raise NotFound("user", user_id)
        return balance

    async def ledger(self, actor: Principal, query: ListQuery) -> Page[LedgerEntryView]:
        """The caller's own ledger."""
        return await self.wallets.ledger(query.narrowed("user_id", actor.acting_user()))

    async def transfer(self, actor: Principal, transfer_id: int) -> TransferView:
        transfer = await self.wallets.transfer(transfer_id)
        if transfer is None or not (
            actor.owns(transfer.from_user_id) or actor.owns(transfer.to_user_id)
        ):
            raise NotFound("transfer", transfer_id)
        return transfer

    async def transfers(
        self, actor: Principal, query: ListQuery, direction: Direction | None = None
    ) -> Page[TransferView]:
        """The transfers the caller sent and received (or, with `direction`, one of the two);
        an admin asking without a direction sees every transfer of the store."""
        user_id = actor.acting_user()
        if direction is Direction.SENT:
            query = query.narrowed("from_user_id", user_id)
        elif direction is Direction.RECEIVED:
            query = query.narrowed("to_user_id", user_id)
        party = None if actor.is_admin or direction is not None else user_id
        return await self.wallets.transfers(query, party=party)
