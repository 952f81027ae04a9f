"""The wallet context in SQL: ledger entries, transfers and grants, their mapping, the
repositories (a wallet is a user's `credits`) and the query adapter."""

from __future__ import annotations

from adapters.sqlalchemy.wallet.queries import SqlAlchemyWalletQueries
from adapters.sqlalchemy.wallet.repository import (
    SqlAlchemyCreditGrantRepository,
    SqlAlchemyTransferRepository,
    SqlAlchemyWalletRepository,
)

__all__ = [
    "SqlAlchemyCreditGrantRepository",
    "SqlAlchemyTransferRepository",
    "SqlAlchemyWalletQueries",
    "SqlAlchemyWalletRepository",
]
