"""`python -m entrypoints.cli migrate`: the schema and its seed rows, from nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.e2e.server import run_cli

pytestmark = pytest.mark.slow


def test_migrate_brings_a_new_sqlite_file_to_the_newest_revision(tmp_path: Path) -> None:
    database = tmp_path / "fresh.db"

    result = run_cli("migrate", database_url=f"sqlite+aiosqlite:///{database}", cwd=tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    with sqlite3.connect(database) as connection:
        (revision,) = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        names = [row[0] for row in connection.execute("SELECT name FROM categories ORDER BY id")]
    assert revision
    assert names == ["Electronics", "Clothing", "Books", "Home & Garden"]


def test_migrate_has_nothing_to_do_in_memory(tmp_path: Path) -> None:
    result = run_cli("migrate", database_url="memory://", cwd=tmp_path)

    assert result.returncode == 0
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_command_is_refused_with_usage(tmp_path: Path) -> None:
    result = run_cli("dance", database_url="memory://", cwd=tmp_path)

    assert result.returncode == 2
    assert "usage:" in result.stderr
