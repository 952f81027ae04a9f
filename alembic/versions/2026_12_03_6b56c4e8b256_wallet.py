"""Wallet: the ledger that explains every user's credits, transfers between users, and grants

Three store tables. `ledger_entries`: one row per movement of a user's credits (the signed
amount, the balance after it, its kind and the grant, transfer or order it belongs to), unique
per (store, user, kind, reference): a transfer has one entry on each side, an order is paid,
and refunded, at most once. `transfers`: who sent how much to whom (never to themself).
`credit_grants`: credits an admin gave, with the reason; the granting admin is forgotten (SET
NULL) if their account is deleted. All three keep the users they name (RESTRICT): money
history is never deleted with an account. The balance itself stays `users.credits`.

Credits held before this revision are given a history: each user with credits gets an opening
grant ("Opening balance", by no admin) and its ledger entry, so that from the first moment
every balance is the sum of its ledger. Payments may now be made with `credits` (the method's
CHECK is widened; on SQLite, by rebuilding the table with its AUTOINCREMENT counter kept).

On PostgreSQL the new tables get the row-level security policy every store's table has (see
the stores revision): a row is visible and writable only in the store the transaction named.

Downgrade drops the three tables, and with them every movement's history; it refuses, before
changing anything, while a payment was made with credits (the narrower CHECK would not hold).

Revision ID: 6b56c4e8b256
Revises: 263aae16c781
Create Date: 2026-12-03 13:25:01
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic.util import CommandError

from alembic import op

revision: str = "6b56c4e8b256"
down_revision: str | Sequence[str] | None = "263aae16c781"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# SQLite: never hand out the id of a deleted row again, as PostgreSQL's sequences never do.
TABLE_OPTIONS = {"sqlite_autoincrement": True}
WALLET_TABLES = ("ledger_entries", "transfers", "credit_grants")

POLICY = "store_isolation"
CURRENT_STORE = "NULLIF(current_setting('storefront.store_id', true), '')::int"

METHODS_BEFORE = "method IN ('card', 'bank_transfer', 'cash_on_delivery')"
METHODS_AFTER = "method IN ('card', 'bank_transfer', 'cash_on_delivery', 'credits')"


def _dialect() -> str:
    return str(op.get_context().dialect.name)


@contextmanager
def _autoincrement_kept(table: str) -> Iterator[None]:
    """On SQLite, rebuilding a table starts its AUTOINCREMENT counter afresh at its highest
    id; put back the counter it had, which may be higher (the newest rows were deleted)."""
    if _dialect() != "sqlite" or op.get_context().as_sql:
        yield
        return
    bind = op.get_bind()
    find = sa.text("SELECT seq FROM sqlite_sequence WHERE name = :table")
    counter = bind.execute(find, {"table": table}).scalar()
    yield
    if counter is not None and (bind.execute(find, {"table": table}).scalar() or 0) < counter:
        bind.execute(sa.text("DELETE FROM sqlite_sequence WHERE name = :table"), {"table": table})
        bind.execute(
            sa.text("INSERT INTO sqlite_sequence (name, seq) VALUES (:table, :seq)"),
            {"table": table, "seq": counter},
        )


def _payment_methods(rule: str) -> None:
    """Replace the CHECK that keeps payments to the known methods with `rule`."""
    with (
        _autoincrement_kept("payments"),
        op.batch_alter_table("payments", table_kwargs=TABLE_OPTIONS) as batch,
    ):
        batch.drop_constraint(op.f("ck_payments_method_known"), type_="check")
        batch.create_check_constraint(op.f("ck_payments_method_known"), sa.text(rule))


def _open_balances() -> None:
    """An opening grant and its ledger entry for every user who holds credits already."""
    now = datetime.now(UTC)
    if _dialect() == "sqlite":
        # SQLite keeps timestamps as naive UTC text, as the application's column type does.
        now = now.replace(tzinfo=None)
    op.get_bind().execute(
        sa.text(
            "INSERT INTO credit_grants (user_id, amount, reason, granted_by, created_at, store_id) "
            "SELECT id, credits, 'Opening balance', NULL, :now, store_id FROM users "
            "WHERE credits > 0 ORDER BY id"
        ),
        {"now": now},
    )
    op.execute(
        "INSERT INTO ledger_entries "
        "(user_id, amount, balance_after, kind, reference_id, created_at, store_id) "
        "SELECT user_id, amount, amount, 'grant', id, created_at, store_id FROM credit_grants "
        "ORDER BY id"
    )


def upgrade() -> None:
    op.create_table(
        "credit_grants",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(12, 2), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("granted_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_credit_grants_amount_positive")),
        sa.ForeignKeyConstraint(
            ["granted_by"],
            ["users.id"],
            name=op.f("fk_credit_grants_granted_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["store_id"],
            ["stores.id"],
            name=op.f("fk_credit_grants_store_id_stores"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_credit_grants_user_id_users"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_grants")),
        **TABLE_OPTIONS,
    )
    op.create_index(op.f("ix_credit_grants_user_id"), "credit_grants", ["user_id"], unique=False)
    op.create_table(
        "ledger_entries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(12, 2), nullable=False),
        sa.Column("balance_after", sa.Numeric(12, 2), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("reference_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('grant', 'transfer_out', 'transfer_in', 'order_payment', 'order_refund')",
            name=op.f("ck_ledger_entries_kind_known"),
        ),
        sa.CheckConstraint("amount <> 0", name=op.f("ck_ledger_entries_amount_not_zero")),
        sa.CheckConstraint(
            "balance_after >= 0", name=op.f("ck_ledger_entries_balance_after_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["store_id"],
            ["stores.id"],
            name=op.f("fk_ledger_entries_store_id_stores"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_ledger_entries_user_id_users"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_entries")),
        sa.UniqueConstraint(
            "store_id",
            "user_id",
            "kind",
            "reference_id",
            name=op.f("uq_ledger_entries_store_id_user_id_kind_reference_id"),
        ),
        **TABLE_OPTIONS,
    )
    op.create_index(
        op.f("ix_ledger_entries_user_id_id"), "ledger_entries", ["user_id", "id"], unique=False
    )
    op.create_table(
        "transfers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("from_user_id", sa.Integer(), nullable=False),
        sa.Column("to_user_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(12, 2), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("status IN ('completed')", name=op.f("ck_transfers_status_known")),
        sa.CheckConstraint("amount > 0", name=op.f("ck_transfers_amount_positive")),
        sa.CheckConstraint("from_user_id <> to_user_id", name=op.f("ck_transfers_not_to_oneself")),
        sa.ForeignKeyConstraint(
            ["from_user_id"],
            ["users.id"],
            name=op.f("fk_transfers_from_user_id_users"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["store_id"],
            ["stores.id"],
            name=op.f("fk_transfers_store_id_stores"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["to_user_id"],
            ["users.id"],
            name=op.f("fk_transfers_to_user_id_users"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transfers")),
        **TABLE_OPTIONS,
    )
    op.create_index(op.f("ix_transfers_from_user_id"), "transfers", ["from_user_id"], unique=False)
    op.create_index(op.f("ix_transfers_to_user_id"), "transfers", ["to_user_id"], unique=False)
    _payment_methods(METHODS_AFTER)
    if not op.get_context().as_sql:
        _open_balances()
    if _dialect() == "postgresql":
        for table in WALLET_TABLES:
            op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
            op.execute(
                f"CREATE POLICY {POLICY} ON {table} FOR ALL "
                f"USING (store_id = {CURRENT_STORE}) WITH CHECK (store_id = {CURRENT_STORE})"
            )


def _refuse_while_paid_with_credits() -> None:
    if op.get_context().as_sql:
        return  # writing SQL for later: there is no database to ask
    paid = (
        op.get_bind()
        .execute(sa.text("SELECT count(*) FROM payments WHERE method = 'credits'"))
        .scalar_one()
    )
    if paid:
        raise CommandError(
            f"cannot downgrade below revision {revision} (wallet): {paid} payments were made "
            "with credits, which the schema before it does not know; nothing was changed"
        )


def downgrade() -> None:
    _refuse_while_paid_with_credits()
    # Dropping a table drops its policy with it.
    op.drop_index(op.f("ix_transfers_to_user_id"), table_name="transfers")
    op.drop_index(op.f("ix_transfers_from_user_id"), table_name="transfers")
    op.drop_table("transfers")
    op.drop_index(op.f("ix_ledger_entries_user_id_id"), table_name="ledger_entries")
    op.drop_table("ledger_entries")
    op.drop_index(op.f("ix_credit_grants_user_id"), table_name="credit_grants")
    op.drop_table("credit_grants")
    _payment_methods(METHODS_BEFORE)
