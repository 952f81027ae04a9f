"""The wallet's read side: the port and the whitelists of its lists."""

from __future__ import annotations

import abc

from application.shared.listing import FieldKind, FieldSpec, ListQuery, ListSchema, Page, SortKey
from application.wallet.read_models import (
    BalanceView,
    LedgerEntryView,
    Reconciliation,
    TransferView,
)
from domain.wallet.transfer import TransferStatus
from domain.wallet.wallet import EntryKind

__all__ = ["LEDGER_LIST", "TRANSFER_LIST", "WalletQueries"]

_NEWEST_FIRST = (SortKey("created_at", descending=True), SortKey("id", descending=True))

# A ledger is in the order its entries were appended: by id.
LEDGER_LIST = ListSchema(
    fields={
        "id": FieldSpec(FieldKind.INT),
        # Set by the read (the caller's own ledger), never by the query string.
        "user_id": FieldSpec(FieldKind.INT, filterable=False, sortable=False),
        "amount": FieldSpec(FieldKind.DECIMAL),
        "balance_after": FieldSpec(FieldKind.DECIMAL),
        "kind": FieldSpec(FieldKind.CHOICE, choices=tuple(k.value for k in EntryKind)),
        "reference_id": FieldSpec(FieldKind.INT),
        "created_at": FieldSpec(FieldKind.DATETIME),
    },
    default_sort=(SortKey("id", descending=True),),
)

TRANSFER_LIST = ListSchema(
    fields={
        "id": FieldSpec(FieldKind.INT),
        "from_user_id": FieldSpec(FieldKind.INT),
        "to_user_id": FieldSpec(FieldKind.INT),
        "amount": FieldSpec(FieldKind.DECIMAL),
        "status": FieldSpec(FieldKind.CHOICE, choices=tuple(s.value for s in TransferStatus)),
        "created_at": FieldSpec(FieldKind.DATETIME),
    },
    default_sort=_NEWEST_FIRST,
)


class WalletQueries(abc.ABC):
    @abc.abstractmethod
    async def balance(self, user_id: int) -> BalanceView | None:
        """The user's credits; None when there is no such user."""

    @abc.abstractmethod
    async def ledger(self, query: ListQuery) -> Page[LedgerEntryView]:
        """Ledger entries (`LEDGER_LIST`); a user's ledger is this list narrowed on
        `user_id`, newest (last appended) first by default."""

    @abc.abstractmethod
    async def transfer(self, transfer_id: int) -> TransferView | None: ...

    @abc.abstractmethod
    async def transfers(self, query: ListQuery, *, party: int | None) -> Page[TransferView]:
        """Transfers (`TRANSFER_LIST`); with `party`, only those it sent or received."""

    @abc.abstractmethod
    async def reconcile(self, *, after: int = 0, limit: int | None = None) -> Reconciliation:
        """Check, for the users of id above `after` (the first `limit` of them in id order,
        or all), that their credits equal the sum of their ledger amounts and the balance
        their latest entry ends on. A constant number of statements, however many users."""
