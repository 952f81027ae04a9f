"""Run the Alembic migrations for a database URL, from code (the CLI and the tests do).

The Alembic configuration lives in the `[tool.alembic]` table of pyproject.toml, next to the
`alembic/` folder; `alembic upgrade head` on the command line reads the same one.
"""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config

from alembic import command

__all__ = ["alembic_config", "migrate"]

_PROJECT_ROOT = Path(__file__).resolve().parents[2]


def alembic_config(url: str) -> Config:
    """The project's Alembic configuration, aimed at `url` (env.py reads the attribute)."""
    config = Config(toml_file=str(_PROJECT_ROOT / "pyproject.toml"))
    config.attributes["url"] = url
    return config


def migrate(url: str, revision: str = "head") -> None:
    """Upgrade the database at `url` to `revision`.

    Synchronous: env.py runs its own event loop, so call this from a thread (for instance
    `asyncio.to_thread(migrate, url)`) when an event loop is already running here."""
    command.upgrade(alembic_config(url), revision)
