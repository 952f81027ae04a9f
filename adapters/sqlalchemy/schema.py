"""The one `MetaData` every context's tables are declared on, and what its tables must state.

Each context declares its tables in its own `tables.py`, on this `metadata`; together they are
the schema Alembic mirrors (`alembic check` finds no drift). Constraint and index names follow
one convention, so that Alembic can name, compare and drop them on both engines, and so that a
database error leads back to the constraint that caused it:

    pk_<table>   uq_<table>_<columns>   ck_<table>_<rule>   fk_<table>_<column>_<referred>
    ix_<table>_<columns>

What errors.py needs to turn a broken constraint into a domain error is stated once, on the
schema object itself, in its `info` (which is not part of the DDL):

    Table(..., info={ENTITY: "product"})             the entity a row of it is (required)
    UniqueConstraint("name", "category_id", info={FIELD: "name"})
                                                     the field a duplicate is reported as;
                                                     by default the constraint's first column
    CheckConstraint("price > 0", name="price_positive", info={FIELD: "price"})
                                                     required: a CHECK in SQL text has no columns

Unique constraints are declared in the order a duplicate is reported in: when one row breaks
several, `DuplicateValue` names the first declared (see errors.py, and the migration test that
holds PostgreSQL and SQLite to it).

Two indexes exist only on PostgreSQL (a trigram index for name search and a partial index over
active products); they carry `info={POSTGRESQL_ONLY: True}`, which both the DDL (`ddl_if`) and
Alembic's comparison (alembic/env.py) honour.

Every table says `sqlite_autoincrement=True`: SQLite's AUTOINCREMENT keeps ids of deleted rows
from being handed out again, as PostgreSQL's sequences and the in-memory store never do.

Several inserted rows get their generated ids back from one multi-row INSERT ... RETURNING
("insertmanyvalues"). SQLite does not promise the order of RETURNING rows, so SQLAlchemy
matches them to the objects by a column whose values are unique within the batch and given by
us: the `insert_sentinel=True` columns of the tables (a unique key of each table; for order
lines the product, unique within an order).
"""

from __future__ import annotations

from sqlalchemy import Column, Constraint, ForeignKey, Integer, MetaData, Table, UniqueConstraint

__all__ = [
    "ENTITY",
    "FIELD",
    "POSTGRESQL_ONLY",
    "STORE_ID",
    "declared_constraints",
    "declared_uniques",
    "enum_check",
    "metadata",
    "store_column",
    "store_scoped_tables",
]

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

ENTITY = "entity"
"""`Table.info` key: the domain's name for what one row is ("order item")."""

FIELD = "field"
"""`UniqueConstraint.info` / `CheckConstraint.info` key: the field its violation is about."""

POSTGRESQL_ONLY = "postgresql_only"
"""`Index.info` key marking an index that only PostgreSQL gets."""

STORE_ID = "store_id"
"""The column every business table has: the store its row belongs to."""


def store_column() -> Column[int]:
    """`store_id`, the row's store. It has no index of its own: every unique constraint of a
    store's table begins with it, and the other reads find rows by a more selective key (an
    order's items by the order) and keep to the store's rows among them."""
    return Column(STORE_ID, Integer, ForeignKey("stores.id", ondelete="RESTRICT"), nullable=False)


def store_scoped_tables() -> list[Table]:
    """Every table whose rows belong to a store, in dependency order."""
    return [table for table in metadata.sorted_tables if STORE_ID in table.c]


def enum_check(column: str, values: tuple[str, ...]) -> str:
    """`column IN ('a', 'b')`: the SQL of a CHECK that keeps a column to an enum's values."""
    quoted = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({quoted})"


def declared_constraints(table: Table) -> list[Constraint]:
    """The table's constraints in the order they were declared, which is the order CREATE TABLE
    lists them in, and so the order the migrations created them."""
    # A Table keeps its constraints in a set; SQLAlchemy numbers schema objects as they are
    # made and sorts by that number when it writes CREATE TABLE.
    return sorted(table.constraints, key=lambda constraint: constraint._creation_order)


def declared_uniques(table: Table) -> list[UniqueConstraint]:
    """The unique constraints, first declared first: the order duplicates are reported in."""
    return [c for c in declared_constraints(table) if isinstance(c, UniqueConstraint)]
