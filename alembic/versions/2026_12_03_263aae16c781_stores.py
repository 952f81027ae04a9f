"""Stores: many shops in one database, each row in one of them; row-level security on PostgreSQL

A `stores` table, and in it "main" (id 1, the id the app knows it by), the shop that every
existing row belongs to. Every business table gets `store_id`, filled with main's id, NOT NULL,
referring to stores ON DELETE RESTRICT (a store that still has rows cannot go). Uniqueness
becomes per store: each unique constraint (a username, a SKU, an order number...) is replaced
by one that begins with store_id, and idempotency keys are keyed by (store_id, scope, key).
Two rules stay global: a refresh token's hash (a token is found by it before anything else is
known) and an order's line per product (the order is in one store already).

The per-store uniques are created in the order the tables declare them, which is the order a
duplicate is reported in (adapters/sqlalchemy/errors.py): a revision that created them in
another order would change which field a duplicate is reported as.

On SQLite each table is rebuilt (`batch_alter_table`), as SQLite cannot add a foreign key or
swap a constraint in place. The rebuilt table keeps its rows and their ids, and its
AUTOINCREMENT counter is carried over, so an id freed before the upgrade is still never handed
out again. The PostgreSQL-only indexes are untouched: PostgreSQL alters the tables in place.

Row-level security, on PostgreSQL only (SQLite has none). Every table with a store_id gets one
policy, `store_isolation`, for every command: a row is visible, and may be written, only if its
store_id is the store the transaction named with `set_config('storefront.store_id', <id>,
true)`, as the app does first in each unit of work and read (adapters/sqlalchemy/tenancy.py).
With no store named the setting is missing or empty, the comparison is NULL, and no row
qualifies: forgetting the store shows nothing, not everything. `stores` has no policy: the app
finds a store before it is in one. The policies hold the app's role, which neither owns the
tables nor bypasses row-level security (`storefront db grant-app-role`). They are not FORCEd,
so the tables' owner, who runs the migrations, still sees every row; so do superusers and
BYPASSRLS roles, as PostgreSQL always lets them.

Downgrade folds the stores back into one shop, which is possible only while there is one store:
with more, their rows would be mixed into one shop and could collide on the global uniques
(two stores may both have a user "alice"). It then stops with a message before it changes
anything. With one store, it restores the single-shop schema and keeps every row. Stores and
row-level security are one revision so that this refusal comes first, whatever the engine:
SQLite runs each revision in a transaction of its own, and a downgrade that dropped the policies
in one revision would have committed that before the next one refused.

Revision ID: 263aae16c781
Revises: bc62a8c391b3
Create Date: 2026-12-03 09:10:00
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic.util import CommandError

from alembic import op

revision: str = "263aae16c781"
down_revision: str | Sequence[str] | None = "bc62a8c391b3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MAIN_STORE_ID = 1

# SQLite: never hand out the id of a deleted row again, as PostgreSQL's sequences never do.
TABLE_OPTIONS = {"sqlite_autoincrement": True}

# Each business table but idempotency_keys (whose primary key changes instead), with its
# unique constraints of one shop, in the order the table declares them. Each becomes the same
# columns after store_id; the tables whose uniques stay global list none.
SCOPED_TABLES: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...] = (
    ("users", (("username",), ("email",))),
    ("refresh_tokens", ()),
    ("login_throttles", (("account",),)),
    ("categories", (("name",), ("slug",))),
    ("products", (("sku",), ("slug",), ("name", "category_id"))),
    ("orders", (("order_number",),)),
    ("order_items", ()),
    ("payments", ()),
    ("notifications", ()),
)
IDEMPOTENCY_KEYS = "idempotency_keys"
STORE_TABLES = (*(table for table, _ in SCOPED_TABLES), IDEMPOTENCY_KEYS)

POLICY = "store_isolation"
# The store the transaction named; NULL when it named none (a setting never set reads as NULL
# here, one set by an earlier transaction of the same connection as '').
CURRENT_STORE = "NULLIF(current_setting('storefront.store_id', true), '')::int"

stores = sa.table(
    "stores",
    sa.column("id", sa.Integer()),
    sa.column("slug", sa.String(50)),
    sa.column("name", sa.String(100)),
    sa.column("is_active", sa.Boolean()),
    sa.column("created_at", sa.DateTime(timezone=True)),
)


def _dialect() -> str:
    return str(op.get_context().dialect.name)


def _unique_name(table: str, columns: Sequence[str]) -> str:
    return f"uq_{table}_{'_'.join(columns)}"


def _store_key_name(table: str) -> str:
    return f"fk_{table}_store_id_stores"


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


def _add_store_column(table: str) -> None:
    """store_id, NOT NULL from the start: added with main's id as its default, which fills
    every row there is, then the default is dropped (a new row names its store itself)."""
    op.add_column(
        table,
        sa.Column("store_id", sa.Integer(), nullable=False, server_default=str(MAIN_STORE_ID)),
    )


def upgrade() -> None:
    op.create_table(
        "stores",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("slug", sa.String(50), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stores")),
        sa.UniqueConstraint("slug", name=op.f("uq_stores_slug")),
        **TABLE_OPTIONS,
    )
    now = datetime.now(UTC)
    if _dialect() == "sqlite":
        # SQLite keeps timestamps as naive UTC text, as the application's column type does.
        now = now.replace(tzinfo=None)
    op.bulk_insert(
        stores,
        [
            {
                "id": MAIN_STORE_ID,
                "slug": "main",
                "name": "Main",
                "is_active": True,
                "created_at": now,
            }
        ],
    )
    if _dialect() == "postgresql":
        # The id was given, not drawn: the sequence must not hand it out again.
        op.execute(
            sa.text(f"SELECT setval(pg_get_serial_sequence('stores', 'id'), {MAIN_STORE_ID})")
        )

    for table, uniques in SCOPED_TABLES:
        _add_store_column(table)
        with (
            _autoincrement_kept(table),
            op.batch_alter_table(table, table_kwargs=TABLE_OPTIONS) as batch,
        ):
            batch.alter_column(
                "store_id", existing_type=sa.Integer(), existing_nullable=False, server_default=None
            )
            batch.create_foreign_key(
                op.f(_store_key_name(table)), "stores", ["store_id"], ["id"], ondelete="RESTRICT"
            )
            # All of the old ones first, then the new ones in their declared order: the order
            # of creation is the order PostgreSQL checks them in.
            for columns in uniques:
                batch.drop_constraint(op.f(_unique_name(table, columns)), type_="unique")
            for columns in uniques:
                scoped = ("store_id", *columns)
                batch.create_unique_constraint(op.f(_unique_name(table, scoped)), list(scoped))

    _add_store_column(IDEMPOTENCY_KEYS)
    with op.batch_alter_table(IDEMPOTENCY_KEYS) as batch:
        batch.alter_column(
            "store_id", existing_type=sa.Integer(), existing_nullable=False, server_default=None
        )
        batch.create_foreign_key(
            op.f(_store_key_name(IDEMPOTENCY_KEYS)),
            "stores",
            ["store_id"],
            ["id"],
            ondelete="RESTRICT",
        )
        batch.drop_constraint(op.f("pk_idempotency_keys"), type_="primary")
        batch.create_primary_key(op.f("pk_idempotency_keys"), ["store_id", "scope", "key"])

    if _dialect() == "postgresql":
        for table in STORE_TABLES:
            op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
            op.execute(
                f"CREATE POLICY {POLICY} ON {table} FOR ALL "
                f"USING (store_id = {CURRENT_STORE}) WITH CHECK (store_id = {CURRENT_STORE})"
            )


def _refuse_unless_one_store() -> None:
    """Stop before changing anything unless the stores can be folded into one shop."""
    if op.get_context().as_sql:
        return  # writing SQL for later: there is no database to ask
    count = op.get_bind().execute(sa.text("SELECT count(*) FROM stores")).scalar_one()
    if count > 1:
        raise CommandError(
            f"cannot downgrade below revision {revision} (stores): the database holds "
            f"{count} stores, and the schema before it has room for one shop only. Move or "
            "delete the data of every store but one first; nothing was changed"
        )


def downgrade() -> None:
    _refuse_unless_one_store()

    if _dialect() == "postgresql":
        for table in reversed(STORE_TABLES):
            op.execute(f"DROP POLICY {POLICY} ON {table}")
            op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")

    with op.batch_alter_table(IDEMPOTENCY_KEYS) as batch:
        batch.drop_constraint(op.f("pk_idempotency_keys"), type_="primary")
        batch.create_primary_key(op.f("pk_idempotency_keys"), ["scope", "key"])
        batch.drop_constraint(op.f(_store_key_name(IDEMPOTENCY_KEYS)), type_="foreignkey")
        batch.drop_column("store_id")

    for table, uniques in reversed(SCOPED_TABLES):
        with (
            _autoincrement_kept(table),
            op.batch_alter_table(table, table_kwargs=TABLE_OPTIONS) as batch,
        ):
            for columns in uniques:
                batch.drop_constraint(
                    op.f(_unique_name(table, ("store_id", *columns))), type_="unique"
                )
            for columns in uniques:
                batch.create_unique_constraint(op.f(_unique_name(table, columns)), list(columns))
            batch.drop_constraint(op.f(_store_key_name(table)), type_="foreignkey")
            batch.drop_column("store_id")

    op.drop_table("stores")
