"""The wallet context's mapping: ledger entries, transfers and grants onto their tables,
columns only. A wallet is no mapped entity: the repository reads and writes `users.credits`."""

from __future__ import annotations

from sqlalchemy.orm import registry

from adapters.sqlalchemy.mappers import context_mapping
from adapters.sqlalchemy.wallet.tables import credit_grants, ledger_entries, transfers
from domain.wallet.transfer import Transfer
from domain.wallet.wallet import CreditGrant, LedgerEntry

__all__ = ["map_wallet"]


@context_mapping
def map_wallet(mappers: registry) -> None:
    mappers.map_imperatively(LedgerEntry, ledger_entries)
    mappers.map_imperatively(Transfer, transfers)
    mappers.map_imperatively(CreditGrant, credit_grants)
