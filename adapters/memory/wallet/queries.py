"""The in-memory twin of `WalletQueries`: balances, ledgers and transfers as committed."""

from __future__ import annotations

from decimal import Decimal

from adapters.memory.listing import list_page
from adapters.memory.read_side import InMemoryQueries, money
from adapters.memory.tracking import key_of
from application.shared.listing import ListQuery, Page
from application.wallet.queries import WalletQueries
from application.wallet.read_models import (
    BalanceView,
    LedgerDifference,
    LedgerEntryView,
    Reconciliation,
    TransferView,
)
from domain.identity.user import User
from domain.shared.money import ZERO
from domain.wallet.transfer import Transfer
from domain.wallet.wallet import LedgerEntry

__all__ = ["InMemoryWalletQueries"]


class InMemoryWalletQueries(InMemoryQueries, WalletQueries):
    async def balance(self, user_id: int) -> BalanceView | None:
        user = self._store.rows(User).get(user_id)
        return None if user is None else BalanceView(user_id, money(user.credits))

    async def ledger(self, query: ListQuery) -> Page[LedgerEntryView]:
        entries = self._store.rows(LedgerEntry).values()
        return list_page((LedgerEntryView.of(e) for e in entries), query)

    async def transfer(self, transfer_id: int) -> TransferView | None:
        transfer = self._store.rows(Transfer).get(transfer_id)
        return None if transfer is None else TransferView.of(transfer)

    async def transfers(self, query: ListQuery, *, party: int | None) -> Page[TransferView]:
        transfers = self._store.rows(Transfer).values()
        return list_page(
            (
                TransferView.of(t)
                for t in transfers
                if party is None or party in (t.from_user_id, t.to_user_id)
            ),
            query,
        )

    async def reconcile(self, *, after: int = 0, limit: int | None = None) -> Reconciliation:
        checked = sorted(user_id for user_id in self._store.rows(User) if user_id > after)
        if limit is not None:
            checked = checked[:limit]
        totals: dict[int, Decimal] = {}
        latest: dict[int, LedgerEntry] = {}
        for entry in sorted(self._store.rows(LedgerEntry).values(), key=key_of):
            totals[entry.user_id] = totals.get(entry.user_id, ZERO) + entry.amount
            latest[entry.user_id] = entry
        users = self._store.rows(User)
        differences = []
        for user_id in checked:
            balance = money(users[user_id].credits)
            total = money(totals.get(user_id, ZERO))
            last = latest.get(user_id)
            last_after = None if last is None else money(last.balance_after)
            if total != balance or (last_after or ZERO) != balance:
                differences.append(LedgerDifference(user_id, balance, total, last_after))
        return Reconciliation(
            users_checked=len(checked),
            last_user_id=checked[-1] if checked else None,
            differences=tuple(differences),
        )
