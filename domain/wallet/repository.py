"""The ports through which wallets, their ledger, transfers and grants are stored."""

from __future__ import annotations

import abc
from collections.abc import Collection, Iterable

from domain.wallet.transfer import Transfer
from domain.wallet.wallet import CreditGrant, Wallet

__all__ = ["CreditGrantRepository", "TransferRepository", "WalletRepository"]


class WalletRepository(abc.ABC):
    """Users' credits and their ledger. A wallet is the balance a user's row holds."""

    @abc.abstractmethod
    async def lock(self, user_ids: Collection[int]) -> dict[int, Wallet]:
        """The wallets of these users (those that exist), each with the balance its latest
        ledger entry ends on, locked until the unit ends: in ascending user id order, in one
        round trip, so that two movements over the same wallets queue, in whichever
        direction they go, and never deadlock."""

    @abc.abstractmethod
    async def save(self, wallets: Iterable[Wallet]) -> None:
        """Write each wallet's balance and append its new ledger entries (giving them ids).

        A balance is written only over the one it was loaded with: should it have changed
        meanwhile, nothing is written and the unit fails with `Contention`."""


class TransferRepository(abc.ABC):
    @abc.abstractmethod
    async def add(self, transfer: Transfer) -> None:
        """Store a new transfer and give it an id."""


class CreditGrantRepository(abc.ABC):
    @abc.abstractmethod
    async def add(self, grant: CreditGrant) -> None:
        """Store a new grant and give it an id."""
