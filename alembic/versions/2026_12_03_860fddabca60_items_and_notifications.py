"""Items, and notifications as a feature: each of a kind, about something, read at a time

Adds `items`: things a user owns (name, description, price, owner, version), in a store like
every business table: its store column, and on PostgreSQL the `store_isolation` policy the
stores revision gives every store's table.

Turns `notifications` from order confirmations into messages of several kinds, without losing
a row. Every existing notification was written when an order was placed, so each becomes of
kind `order_placed`, its `order_id` becoming its `reference_id`; `is_read` becomes `read_at`,
the time it was read, which for the rows read already is not known and is taken to be their
`created_at` (the earliest it can have been). `reference_id` has no foreign key: what it names
depends on the kind (an order, a credit transfer, an item), and a notification outlives it.
The user's notifications are found through (user_id, created_at), newest first.

The downgrade folds them back: `is_read` from `read_at`, `order_id` from the reference of an
order's notification whose order is still there; it drops the items.

Revision ID: 860fddabca60
Revises: fd82600c0214
Create Date: 2026-12-03 13:22:58
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import sqlalchemy as sa

from alembic import op

revision: str = "860fddabca60"
down_revision: str | Sequence[str] | None = "fd82600c0214"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# SQLite: never hand out the id of a deleted row again, as PostgreSQL's sequences never do.
TABLE_OPTIONS = {"sqlite_autoincrement": True}

POLICY = "store_isolation"
# The store the transaction named (see the stores revision).
CURRENT_STORE = "NULLIF(current_setting('storefront.store_id', true), '')::int"

KINDS_KNOWN = (
    "kind IN ('order_placed', 'order_status_changed', 'transfer_received', 'item_received')"
)


def _dialect() -> str:
    return op.get_bind().dialect.name


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


def upgrade() -> None:
    op.create_table(
        "items",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.String(2000), nullable=True),
        sa.Column("price", sa.Numeric(12, 2), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_items")),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_items_owner_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_items_store_id_stores"), ondelete="RESTRICT"
        ),
        sa.CheckConstraint("price >= 0", name=op.f("ck_items_price_not_negative")),
        sa.CheckConstraint("version >= 1", name=op.f("ck_items_version_positive")),
        **TABLE_OPTIONS,
    )
    op.create_index(op.f("ix_items_owner_id_id"), "items", ["owner_id", "id"])
    if _dialect() == "postgresql":
        op.execute("ALTER TABLE items ENABLE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY {POLICY} ON items FOR ALL "
            f"USING (store_id = {CURRENT_STORE}) WITH CHECK (store_id = {CURRENT_STORE})"
        )

    op.add_column("notifications", sa.Column("kind", sa.String(32), nullable=True))
    op.add_column("notifications", sa.Column("reference_id", sa.Integer(), nullable=True))
    op.add_column("notifications", sa.Column("read_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(
        "UPDATE notifications SET kind = 'order_placed', reference_id = order_id, "
        "read_at = CASE WHEN is_read THEN created_at END"
    )
    with (
        _autoincrement_kept("notifications"),
        op.batch_alter_table("notifications", table_kwargs=TABLE_OPTIONS) as batch,
    ):
        batch.alter_column("kind", existing_type=sa.String(32), nullable=False)
        batch.drop_index(op.f("ix_notifications_order_id"))
        batch.drop_index(op.f("ix_notifications_user_id"))
        batch.drop_constraint(op.f("fk_notifications_order_id_orders"), type_="foreignkey")
        batch.drop_column("is_read")
        batch.drop_column("order_id")
        batch.create_check_constraint(op.f("ck_notifications_kind_known"), KINDS_KNOWN)
        batch.create_index(op.f("ix_notifications_user_id_created_at"), ["user_id", "created_at"])


def downgrade() -> None:
    op.add_column("notifications", sa.Column("order_id", sa.Integer(), nullable=True))
    op.add_column("notifications", sa.Column("is_read", sa.Boolean(), nullable=True))
    op.execute(
        "UPDATE notifications SET is_read = (read_at IS NOT NULL), order_id = CASE "
        "WHEN kind IN ('order_placed', 'order_status_changed') "
        "AND reference_id IN (SELECT id FROM orders) THEN reference_id END"
    )
    with (
        _autoincrement_kept("notifications"),
        op.batch_alter_table("notifications", table_kwargs=TABLE_OPTIONS) as batch,
    ):
        batch.alter_column("is_read", existing_type=sa.Boolean(), nullable=False)
        batch.drop_index(op.f("ix_notifications_user_id_created_at"))
        batch.drop_constraint(op.f("ck_notifications_kind_known"), type_="check")
        batch.drop_column("read_at")
        batch.drop_column("reference_id")
        batch.drop_column("kind")
        batch.create_foreign_key(
            op.f("fk_notifications_order_id_orders"),
            "orders",
            ["order_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch.create_index(op.f("ix_notifications_user_id"), ["user_id"])
        batch.create_index(op.f("ix_notifications_order_id"), ["order_id"])

    op.drop_index(op.f("ix_items_owner_id_id"), table_name="items")
    op.drop_table("items")  # its policy goes with it
