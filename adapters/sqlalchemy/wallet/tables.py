"""The wallet context's tables: the ledger, transfers and credit grants.

A wallet's balance is `users.credits` (identity's table, which keeps it at or above 0); the
ledger explains it. A ledger entry is unique per user, kind and reference: a transfer has one
entry on each side, an order is paid, and refunded, at most once. Entries, transfers and
grants keep the users they name (RESTRICT): money history is never deleted with an account.
"""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
)

from adapters.sqlalchemy.column_types import Money, StrEnumType, UtcDateTime
from adapters.sqlalchemy.schema import ENTITY, FIELD, enum_check, metadata, store_column
from domain.wallet.transfer import MAX_NOTE, TransferStatus
from domain.wallet.wallet import MAX_REASON, EntryKind

__all__ = ["credit_grants", "ledger_entries", "transfers"]

_KINDS = tuple(kind.value for kind in EntryKind)
_STATUSES = tuple(status.value for status in TransferStatus)

ledger_entries = Table(
    "ledger_entries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="RESTRICT"), nullable=False),
    Column("amount", Money, nullable=False),
    Column("balance_after", Money, nullable=False),
    Column("kind", StrEnumType(EntryKind, 16), nullable=False),
    Column("reference_id", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    store_column(),
    UniqueConstraint("store_id", "user_id", "kind", "reference_id", info={FIELD: "reference_id"}),
    CheckConstraint("amount <> 0", name="amount_not_zero", info={FIELD: "amount"}),
    CheckConstraint(
        "balance_after >= 0", name="balance_after_not_negative", info={FIELD: "balance_after"}
    ),
    CheckConstraint(enum_check("kind", _KINDS), name="kind_known", info={FIELD: "kind"}),
    # A user's ledger newest first, and its latest entry, read off one index.
    Index(None, "user_id", "id"),
    sqlite_autoincrement=True,
    info={ENTITY: "ledger entry"},
)

transfers = Table(
    "transfers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "from_user_id",
        Integer,
        ForeignKey("users.id", ondelete="RESTRICT"),
        nullable=False,
        index=True,
    ),
    Column(
        "to_user_id",
        Integer,
        ForeignKey("users.id", ondelete="RESTRICT"),
        nullable=False,
        index=True,
    ),
    Column("amount", Money, nullable=False),
    Column("note", String(MAX_NOTE), nullable=True),
    Column("status", StrEnumType(TransferStatus, 16), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    store_column(),
    CheckConstraint("amount > 0", name="amount_positive", info={FIELD: "amount"}),
    CheckConstraint(
        "from_user_id <> to_user_id", name="not_to_oneself", info={FIELD: "to_user_id"}
    ),
    CheckConstraint(enum_check("status", _STATUSES), name="status_known", info={FIELD: "status"}),
    sqlite_autoincrement=True,
    info={ENTITY: "transfer"},
)

credit_grants = Table(
    "credit_grants",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "user_id", Integer, ForeignKey("users.id", ondelete="RESTRICT"), nullable=False, index=True
    ),
    Column("amount", Money, nullable=False),
    Column("reason", String(MAX_REASON), nullable=False),
    Column("granted_by", Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    store_column(),
    CheckConstraint("amount > 0", name="amount_positive", info={FIELD: "amount"}),
    sqlite_autoincrement=True,
    info={ENTITY: "credit grant"},
)
