"""The in-memory wallet repositories, and the ledger, transfer and grant records they store.

A wallet is no record of its own: it is a user's `credits`, read from and written back to the
transaction's copy of the user record. The one writer at a time is the lock. A ledger entry is
unique per user, kind and reference (an order is paid, and refunded, once), as the table's
constraint says; entries, transfers and grants keep the users they name (RESTRICT), and a
grant forgets a deleted admin (SET NULL).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from adapters.memory.kinds import OnDelete, RecordKind, Reference, UniqueRule
from adapters.memory.repository import InMemoryRepository
from application.shared.errors import Contention
from domain.identity.user import User
from domain.shared.money import ZERO
from domain.wallet.repository import (
    CreditGrantRepository,
    TransferRepository,
    WalletRepository,
)
from domain.wallet.transfer import Transfer
from domain.wallet.wallet import CreditGrant, LedgerEntry, Wallet

__all__ = [
    "InMemoryCreditGrantRepository",
    "InMemoryTransferRepository",
    "InMemoryWalletRepository",
]


class InMemoryWalletRepository(InMemoryRepository, WalletRepository):
    kind = RecordKind(
        LedgerEntry,
        "ledger entry",
        unique=(
            UniqueRule(
                "reference_id",
                lambda e: (e.user_id, e.kind.value, e.reference_id),
                shown=lambda e: e.reference_id,
            ),
        ),
        references=(Reference("user_id", User, OnDelete.RESTRICT, named="ledger entries"),),
    )

    async def lock(self, user_ids: Collection[int]) -> dict[int, Wallet]:
        users = self._tx.rows(User)
        latest: dict[int, LedgerEntry] = {}
        wanted = set(user_ids)
        for entry in self._tx.rows(LedgerEntry).peek():
            if entry.user_id in wanted:
                held = latest.get(entry.user_id)
                if held is None or (held.id or 0) < (entry.id or 0):
                    latest[entry.user_id] = entry
        wallets: dict[int, Wallet] = {}
        for user_id in sorted(wanted):
            user = users.get(user_id)
            if user is None:
                continue
            last = latest.get(user_id)
            wallets[user_id] = Wallet(
                user_id=user_id,
                balance=user.credits,
                ledger_balance=ZERO if last is None else last.balance_after,
                is_active=user.is_active,
            )
        return wallets

    async def save(self, wallets: Iterable[Wallet]) -> None:
        users = self._tx.rows(User)
        for wallet in wallets:
            user = users.get(wallet.user_id)
            if user is None or user.credits != wallet.opening_balance:
                raise Contention(f"the credits of user {wallet.user_id} changed meanwhile")
            for entry in wallet.new_entries:
                self._tx.add(entry)
            user.credits = wallet.balance
            wallet.stored()


class InMemoryTransferRepository(InMemoryRepository, TransferRepository):
    kind = RecordKind(
        Transfer,
        "transfer",
        references=(
            Reference("from_user_id", User, OnDelete.RESTRICT, named="transfers"),
            Reference("to_user_id", User, OnDelete.RESTRICT, named="transfers"),
        ),
    )

    async def add(self, transfer: Transfer) -> None:
        self._tx.add(transfer)


class InMemoryCreditGrantRepository(InMemoryRepository, CreditGrantRepository):
    kind = RecordKind(
        CreditGrant,
        "credit grant",
        references=(
            Reference("user_id", User, OnDelete.RESTRICT, named="credit grants"),
            Reference("granted_by", User, OnDelete.SET_NULL),
        ),
    )

    async def add(self, grant: CreditGrant) -> None:
        self._tx.add(grant)
