"""What `make migration` writes runs as written: autogenerate as alembic/env.py configures it.

A throwaway table using every column type of the project (aware timestamps, money, an enum),
with a foreign key, a unique and a check constraint and an index, is put on the MetaData for
as long as autogenerate runs, against a scratch copy of alembic/ brought to head on SQLite, as
`make migration` does. The revision it writes must import nothing of the application, hold no
batch operation, and go up and down on SQLite and PostgreSQL. The copy goes with the test's
temporary folder.
"""

from __future__ import annotations

import asyncio
import enum
import shutil
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from alembic.config import Config
from sqlalchemy import (
    CheckConstraint,
    Column,
    Connection,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
    inspect,
)
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from adapters.sqlalchemy import metadata
from adapters.sqlalchemy.column_types import Money, StrEnumType, UtcDateTime
from adapters.sqlalchemy.migration import alembic_config
from adapters.sqlalchemy.schema import ENTITY
from alembic import command
from tests.support.databases import empty_postgres_database

THROWAWAY = "throwaways"
ALEMBIC_FOLDER = Path(__file__).resolve().parents[3] / "alembic"


class Mood(enum.StrEnum):
    CALM = "calm"
    CROSS = "cross"


def scratch_config(scripts: Path, url: str) -> Config:
    config = alembic_config(url)
    config.set_main_option("script_location", str(scripts))
    return config


def throwaway_table() -> Table:
    return Table(
        THROWAWAY,
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column(
            "product_id", Integer, ForeignKey("products.id", ondelete="CASCADE"), nullable=False
        ),
        Column("label", String(40), nullable=False),
        Column("amount", Money, nullable=False),
        Column("mood", StrEnumType(Mood, 16), nullable=False),
        Column("created_at", UtcDateTime, nullable=False),
        UniqueConstraint("label"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        Index(None, "product_id", "created_at"),
        sqlite_autoincrement=True,
        info={ENTITY: "throwaway"},
    )


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The scratch copy of alembic/ holding the new revision, and the revision's text."""
    folder = tmp_path_factory.mktemp("autogenerate")
    scripts = folder / "alembic"
    shutil.copytree(ALEMBIC_FOLDER, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    config = scratch_config(scripts, f"sqlite+aiosqlite:///{folder / 'scratch.db'}")
    command.upgrade(config, "head")
    table = throwaway_table()
    try:
        script = command.revision(config, message="add throwaways", autogenerate=True)
    finally:
        metadata.remove(table)
    assert script is not None
    assert not isinstance(script, list)
    return scripts, Path(script.path).read_text()


def test_autogenerate_spells_the_projects_column_types_as_plain_types(
    generated: tuple[Path, str],
) -> None:
    _, revision = generated

    assert "adapters" not in revision  # nothing of the application is imported or named
    assert "sa.Column('amount', sa.Numeric(12, 2), nullable=False)" in revision
    assert "sa.Column('mood', sa.String(16), nullable=False)" in revision
    assert "sa.Column('created_at', sa.DateTime(timezone=True), nullable=False)" in revision


def test_autogenerate_writes_plain_operations_not_batch_ones(generated: tuple[Path, str]) -> None:
    _, revision = generated

    assert "batch" not in revision
    assert "op.create_index(op.f('ix_throwaways_product_id_created_at'), 'throwaways'" in revision
    assert (
        "op.drop_index(op.f('ix_throwaways_product_id_created_at'), table_name='throwaways')"
        in (revision)
    )


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
    else:
        async with empty_postgres_database() as url:
            yield url


async def inspect_db(url: str, look: Callable[[Connection], Any]) -> Any:
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(look)
    finally:
        await engine.dispose()


def throwaway_schema(connection: Connection) -> dict[str, Any] | None:
    inspector = inspect(connection)
    if not inspector.has_table(THROWAWAY):
        return None
    return {
        "columns": {
            c["name"]: type(c["type"]).__name__.upper() for c in inspector.get_columns(THROWAWAY)
        },
        "indexes": {
            # PostgreSQL lists a unique constraint's own index among the indexes too.
            i["name"]
            for i in inspector.get_indexes(THROWAWAY)
            if not i.get("duplicates_constraint")
        },
        "uniques": {u["name"] for u in inspector.get_unique_constraints(THROWAWAY)},
        "checks": {c["name"] for c in inspector.get_check_constraints(THROWAWAY)},
        "foreign_keys": {f["name"] for f in inspector.get_foreign_keys(THROWAWAY)},
    }


async def test_the_generated_revision_goes_up_and_down(
    generated: tuple[Path, str], empty_url: str
) -> None:
    scripts, _ = generated
    config = scratch_config(scripts, empty_url)

    await asyncio.to_thread(command.upgrade, config, "head")
    created = await inspect_db(empty_url, throwaway_schema)
    await asyncio.to_thread(command.downgrade, config, "-1")
    after_downgrade = await inspect_db(empty_url, throwaway_schema)

    assert created is not None
    assert created["indexes"] == {"ix_throwaways_product_id_created_at"}
    assert created["uniques"] == {"uq_throwaways_label"}
    assert created["checks"] == {"ck_throwaways_amount_not_negative"}
    assert created["foreign_keys"] == {"fk_throwaways_product_id_products"}
    assert set(created["columns"]) == {"id", "product_id", "label", "amount", "mood", "created_at"}
    assert after_downgrade is None
