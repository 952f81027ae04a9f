"""Run the Alembic migrations for a database URL, from code (the CLI and the tests do).

The Alembic configuration lives in the `[tool.alembic]` table of pyproject.toml, next to the
`alembic/` folder; `alembic upgrade head` on the command line reads the same one.

Invariant: a database that cannot be reached, does not exist or refuses the connection leaves
`migrate` as `Unavailable`, whose detail tells the operator what is wrong and what to do about
it, in one sentence that names no password. Anything else (a failing migration) is a bug and
leaves as it is, traceback and all.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

from alembic.config import Config
from sqlalchemy import exc as sa_exc
from sqlalchemy import make_url

from alembic import command
from application.shared.errors import Unavailable

__all__ = ["alembic_config", "migrate"]

_PROJECT_ROOT = Path(__file__).resolve().parents[2]

# SQLSTATE classes of a connection that could not be made or used: connection exception,
# invalid authorization, invalid catalog (database) name, insufficient resources, operator
# intervention (server starting or shutting down).
_CONNECTION_STATES = ("08", "28", "3D", "53", "57P")


def alembic_config(url: str) -> Config:
    """The project's Alembic configuration, aimed at `url` (env.py reads the attribute)."""
    config = Config(toml_file=str(_PROJECT_ROOT / "pyproject.toml"))
    config.attributes["url"] = url
    return config


def migrate(url: str, revision: str = "head") -> None:
    """Upgrade the database at `url` to `revision`.

    Synchronous: env.py runs its own event loop, so call this from a thread (for instance
    `asyncio.to_thread(migrate, url)`) when an event loop is already running here."""
    _ensure_sqlite_folder(url)
    try:
        command.upgrade(alembic_config(url), revision)
    except (sa_exc.DBAPIError, OSError) as error:
        reason = _unreachable(url, error)
        if reason is None:
            raise
        raise Unavailable(reason) from error


def _ensure_sqlite_folder(url: str) -> None:
    """Refuse a SQLite file in a folder that does not exist before trying to open it: when
    aiosqlite fails to open a file, its worker thread outlives the migration's event loop and
    prints a traceback of its own."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return
    path = Path(parsed.database)
    if not path.parent.is_dir():
        raise Unavailable(_missing_folder(path))


def _missing_folder(path: Path) -> str:
    return f"the SQLite file {path} cannot be created: its folder does not exist; create it"


def _causes(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _unreachable(url: str, error: BaseException) -> str | None:
    """What keeps the migration from reaching the database, or None if that is not it."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if "unable to open database file" not in str(error):
            return None
        path = Path(parsed.database or "")
        if not path.parent.is_dir():
            return _missing_folder(path)
        return f"the SQLite file {path} cannot be opened; check that it may be written there"
    where = f"{parsed.host or 'localhost'}:{parsed.port or 5432}"
    for cause in _causes(error):
        sqlstate = str(getattr(cause, "sqlstate", "") or "")
        first_line = (str(cause).splitlines() or [""])[0]
        if sqlstate == "3D000":
            create = _createdb(parsed.host, parsed.port, parsed.username, parsed.database)
            return (
                f'the database "{parsed.database}" does not exist on the server at {where}; '
                f"create it ({create})"
            )
        if sqlstate.startswith("28"):
            return f"the server at {where} refused the connection ({first_line}); check the user"
        if sqlstate.startswith(_CONNECTION_STATES):
            return (
                f"the server at {where} cannot take a connection ({first_line}); retry when it can"
            )
        if isinstance(cause, socket.gaierror):
            return f"the host {parsed.host} cannot be found; check the host name"
        if isinstance(cause, TimeoutError):
            return f"the server at {where} does not answer (timed out); check that it runs"
        if isinstance(cause, ConnectionRefusedError):
            return f"nothing answers at {where} (connection refused); start the database server"
        if isinstance(cause, OSError):
            reason = cause.strerror or first_line
            return f"the server at {where} cannot be reached ({reason}); check the address"
    return None


def _createdb(host: str | None, port: int | None, user: str | None, database: str | None) -> str:
    """The PostgreSQL client command that creates the database."""
    options = [("-h", host), ("-p", str(port) if port else None), ("-U", user)]
    words = ["createdb", *(f"{flag} {value}" for flag, value in options if value), str(database)]
    return " ".join(words)
