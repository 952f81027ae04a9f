"""The command line, run as a user runs it: `python -m entrypoints.cli ...` in a process of
its own. Migrating from nothing; --help and --version; creating an admin, whose password
never travels on the command line; a start that cannot work ending in one line and a
non-zero exit; one log format, with the request id on a request's lines."""

from __future__ import annotations

import asyncio
import re
import secrets
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator
from importlib.metadata import version
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
import httpx
import pytest
from argon2 import PasswordHasher
from sqlalchemy import make_url

from tests.e2e.server import free_port, run_cli, serving
from tests.support.databases import empty_postgres_database, require_postgres

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


# ----------------------------------------------------------------------- help and version
def test_help_lists_each_command_and_setting_on_a_line_of_its_own(tmp_path: Path) -> None:
    result = run_cli("--help", database_url="memory://", cwd=tmp_path)

    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("usage: python -m entrypoints.cli [-h] [--version] COMMAND")
    for pattern in (
        r"commands:",
        r"    serve\s{2,}migrate the database, then serve the HTTP API \(docs at /docs\)",
        r"    migrate\s{2,}migrate the database to the newest revision, then exit",
        r"    create-admin",
        r"settings are read from the environment and from \./\.env:",
        r"  DATABASE_URL\s{2,}sqlite\+aiosqlite:///\./storefront\.db \(the default\),",
        r"  LOG_LEVEL\s{2,}CRITICAL, ERROR, WARNING, INFO \(the default\) or DEBUG",
        r"  JWT_SECRET\s{2,}the key access tokens are signed with \(at least 32 bytes\)",
        r"  storefront serve --host 0\.0\.0\.0 --port 8080 --no-migrate",
        r"  storefront create-admin --username admin --email admin@example\.com",
    ):
        assert any(re.fullmatch(pattern, line) for line in lines), pattern
    # The name is too long for the column of commands: its help goes on the lines below.
    assert (
        "create-admin create an admin account (the password is asked, never given as an "
        "argument)" in " ".join(result.stdout.split())
    )


def test_version_prints_the_name_and_the_installed_version(tmp_path: Path) -> None:
    result = run_cli("--version", database_url="memory://", cwd=tmp_path)

    assert result.returncode == 0
    assert result.stdout == f"storefront {version('storefront')}\n"


def test_the_storefront_command_is_the_same_program(tmp_path: Path) -> None:
    command = Path(sys.executable).parent / "storefront"

    result = subprocess.run(  # noqa: S603 - the console script of this environment
        [str(command), "--help"], capture_output=True, text=True, timeout=60, check=False
    )

    assert result.returncode == 0
    assert result.stdout.startswith("usage: storefront [-h] [--version] COMMAND")
    assert "settings are read from the environment" in result.stdout


# ---------------------------------------------------------------------------- create-admin
ADMIN = ("--username", "admin", "--email", "admin@example.com")
PASSWORD = "Admin-Pass-123"


def _sqlite(tmp_path: Path) -> tuple[Path, str]:
    database = tmp_path / "shop.db"
    return database, f"sqlite+aiosqlite:///{database}"


def _users(database: Path) -> list[tuple[str, str, bool]]:
    """(username, password hash, is an admin) of every user in the SQLite file."""
    with sqlite3.connect(database) as connection:
        rows = connection.execute(
            "SELECT username, hashed_password, is_superuser FROM users ORDER BY id"
        ).fetchall()
    return [(name, hashed, bool(admin)) for name, hashed, admin in rows]


def test_create_admin_takes_the_password_from_the_environment_and_the_admin_signs_in(
    tmp_path: Path,
) -> None:
    _, url = _sqlite(tmp_path)

    # No input at all: a prompt would read the end of it and fail.
    result = run_cli(
        "create-admin",
        *ADMIN,
        database_url=url,
        cwd=tmp_path,
        env={"STOREFRONT_ADMIN_PASSWORD": PASSWORD},
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout == "created admin 'admin' (id 1)\n"
    assert result.stderr == ""
    with serving(url, cwd=tmp_path) as running:
        signed_in = httpx.post(
            f"{running.base_url}/auth/token", data={"username": "admin", "password": PASSWORD}
        )
        assert signed_in.status_code == 200, signed_in.text
        token = signed_in.json()["access_token"]
        me = httpx.get(f"{running.base_url}/users/me", headers={"Authorization": f"Bearer {token}"})
        stats = httpx.get(
            f"{running.base_url}/orders/stats/summary",
            headers={"Authorization": f"Bearer {token}"},
        )
    assert (me.json()["username"], me.json()["is_superuser"]) == ("admin", True)
    assert stats.status_code == 200  # an admin's operation


def test_create_admin_asks_twice_for_the_password_when_the_environment_has_none(
    tmp_path: Path,
) -> None:
    database, url = _sqlite(tmp_path)

    result = run_cli(
        "create-admin", *ADMIN, database_url=url, cwd=tmp_path, stdin=f"{PASSWORD}\n" * 2
    )

    assert result.returncode == 0, result.stderr
    assert "Password for the new admin: " in result.stderr
    assert "The same password again: " in result.stderr
    assert PASSWORD not in result.stdout + result.stderr
    ((name, hashed, admin),) = _users(database)
    assert (name, admin) == ("admin", True)
    assert PasswordHasher().verify(hashed, PASSWORD)


def test_create_admin_creates_nothing_when_the_two_passwords_differ(tmp_path: Path) -> None:
    database, url = _sqlite(tmp_path)

    result = run_cli(
        "create-admin",
        *ADMIN,
        database_url=url,
        cwd=tmp_path,
        stdin=f"{PASSWORD}\nAdmin-Pass-124\n",
    )

    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        "storefront: the two passwords differ; nothing was created"
    )
    assert _users(database) == []


def test_create_admin_takes_no_password_on_the_command_line(tmp_path: Path) -> None:
    database, url = _sqlite(tmp_path)

    result = run_cli(
        "create-admin",
        *ADMIN,
        "--password",
        PASSWORD,
        database_url=url,
        cwd=tmp_path,
        env={"STOREFRONT_ADMIN_PASSWORD": PASSWORD},
    )
    usage = run_cli("create-admin", "--help", database_url=url, cwd=tmp_path)

    assert result.returncode == 2
    assert f"unrecognized arguments: --password {PASSWORD}" in result.stderr
    assert not database.exists()  # refused before anything was done
    assert usage.returncode == 0
    assert "--username USERNAME" in usage.stdout
    assert "--password" not in usage.stdout


def test_a_second_admin_of_the_same_username_is_one_line_and_exit_2(tmp_path: Path) -> None:
    database, url = _sqlite(tmp_path)
    env = {"STOREFRONT_ADMIN_PASSWORD": PASSWORD}
    first = run_cli("create-admin", *ADMIN, database_url=url, cwd=tmp_path, env=env)

    again = run_cli(
        "create-admin",
        "--username",
        "admin",
        "--email",
        "other@example.com",
        database_url=url,
        cwd=tmp_path,
        env=env,
    )

    assert first.returncode == 0, first.stderr
    assert again.returncode == 2
    assert (
        _the_one_line(again) == "storefront: cannot create the admin: user username "
        "'admin' already exists"
    )
    assert [(name, admin) for name, _, admin in _users(database)] == [("admin", True)]


def test_a_weak_admin_password_is_one_line_and_exit_2(tmp_path: Path) -> None:
    database, url = _sqlite(tmp_path)

    result = run_cli(
        "create-admin",
        *ADMIN,
        database_url=url,
        cwd=tmp_path,
        env={"STOREFRONT_ADMIN_PASSWORD": "password"},
    )

    assert result.returncode == 2
    line = _the_one_line(result)
    assert line.startswith("storefront: cannot create the admin: password: ")
    assert "needs an upper-case letter; needs a digit" in line
    assert _users(database) == []


def test_create_admin_refuses_memory_and_says_what_to_do_instead(tmp_path: Path) -> None:
    result = run_cli(
        "create-admin",
        *ADMIN,
        database_url="memory://",
        cwd=tmp_path,
        env={"STOREFRONT_ADMIN_PASSWORD": PASSWORD},
    )

    assert result.returncode == 2
    assert _the_one_line(result) == (
        "storefront: memory:// keeps nothing after this command ends: set "
        "STOREFRONT_ADMIN_USERNAME, STOREFRONT_ADMIN_EMAIL and STOREFRONT_ADMIN_PASSWORD for "
        "`serve` instead"
    )


def test_create_admin_help_is_the_same_from_the_storefront_command(tmp_path: Path) -> None:
    command = Path(sys.executable).parent / "storefront"

    module = run_cli("create-admin", "--help", database_url="memory://", cwd=tmp_path)
    script = subprocess.run(  # noqa: S603 - the console script of this environment
        [str(command), "create-admin", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert (module.returncode, script.returncode) == (0, 0)
    assert script.stdout.startswith("usage: storefront create-admin [-h] --username USERNAME")
    # The same text but for the program's name; the longer name wraps the usage elsewhere.
    named = module.stdout.replace("python -m entrypoints.cli", "storefront")
    assert named.split() == script.stdout.split()


# ------------------------------------------------------------------------------- stores
def test_an_operator_opens_a_store_with_its_admin_then_deactivates_it(tmp_path: Path) -> None:
    _, url = _sqlite(tmp_path)
    env = {"STOREFRONT_ADMIN_PASSWORD": PASSWORD}

    opened = run_cli("stores", "create", "north", "North Shop", database_url=url, cwd=tmp_path)
    admin = run_cli(
        "create-admin", "--store", "north", *ADMIN, database_url=url, cwd=tmp_path, env=env
    )
    listed = run_cli("stores", "list", database_url=url, cwd=tmp_path)
    with serving(url, cwd=tmp_path) as running:
        in_north = httpx.post(
            f"{running.base_url}/auth/token",
            data={"username": "admin", "password": PASSWORD},
            headers={"X-Store": "north"},
        )
        in_main = httpx.post(
            f"{running.base_url}/auth/token", data={"username": "admin", "password": PASSWORD}
        )
    closed = run_cli("stores", "deactivate", "north", database_url=url, cwd=tmp_path)
    listed_after = run_cli("stores", "list", database_url=url, cwd=tmp_path)
    with serving(url, cwd=tmp_path) as running:
        gone = httpx.get(f"{running.base_url}/products/", headers={"X-Store": "north"})

    assert (opened.returncode, opened.stdout) == (0, "created store 'north' (id 2)\n")
    assert (admin.returncode, admin.stdout) == (
        0,
        "created admin 'admin' (id 1) in store 'north'\n",
    )
    assert listed.stdout == "1\tmain\tactive\tMain\n2\tnorth\tactive\tNorth Shop\n"
    assert in_north.status_code == 200, in_north.text
    assert in_main.status_code == 401  # the admin is north's only
    assert closed.returncode == 0
    assert closed.stdout.startswith("deactivated store 'north': it answers 404")
    assert listed_after.stdout.endswith("2\tnorth\tinactive\tNorth Shop\n")
    assert gone.status_code == 404


@pytest.mark.parametrize(
    ("command", "said"),
    [
        (
            ("stores", "create", "main", "Main again"),
            "storefront: cannot create the store: store slug already exists",
        ),
        (
            ("stores", "create", "Bad Slug", "Bad"),
            "storefront: cannot create the store: slug: must be 3-50 lower-case letters, "
            "digits or hyphens, not at either end",
        ),
        (
            ("stores", "deactivate", "nowhere"),
            "storefront: cannot deactivate the store: store with slug 'nowhere' not found",
        ),
        (
            ("create-admin", "--store", "nowhere", *ADMIN),
            "storefront: cannot create the admin: store with slug 'nowhere' not found",
        ),
    ],
)
def test_a_store_command_that_cannot_be_done_is_one_line_and_exit_2(
    command: tuple[str, ...], said: str, tmp_path: Path
) -> None:
    _, url = _sqlite(tmp_path)

    result = run_cli(
        *command, database_url=url, cwd=tmp_path, env={"STOREFRONT_ADMIN_PASSWORD": PASSWORD}
    )
    listed = run_cli("stores", "list", database_url=url, cwd=tmp_path)

    assert result.returncode == 2
    assert _the_one_line(result) == said
    assert listed.stdout == "1\tmain\tactive\tMain\n"  # nothing changed


# ---------------------------------------------------------- a start that cannot work: one line
def _the_one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("storefront: ")
    return line


@pytest.mark.parametrize("command", ["serve", "migrate"])
def test_an_unreachable_database_is_one_line_and_exit_1(command: str, tmp_path: Path) -> None:
    nothing_listens = f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/storefront"

    result = run_cli(command, database_url=nothing_listens, cwd=tmp_path)

    assert result.returncode == 1
    line = _the_one_line(result)
    assert "connection refused" in line
    assert "start the database server, or set DATABASE_URL to another database" in line


@pytest.mark.postgres
def test_a_missing_postgresql_database_is_one_line_saying_how_to_create_it(
    tmp_path: Path,
) -> None:
    missing = f"storefront_test_missing_{secrets.token_hex(4)}"
    url = make_url(require_postgres()).set(database=missing).render_as_string(False)

    result = run_cli("migrate", database_url=url, cwd=tmp_path)

    assert result.returncode == 1
    line = _the_one_line(result)
    assert f'the database "{missing}" does not exist' in line
    assert "create it (createdb " in line


def test_a_sqlite_file_in_a_missing_folder_is_one_line(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'no' / 'such' / 'folder' / 'shop.db'}"

    result = run_cli("serve", database_url=url, cwd=tmp_path)

    assert result.returncode == 1
    assert "its folder does not exist; create it" in _the_one_line(result)


@pytest.mark.parametrize("command", ["serve", "migrate"])
def test_an_unsupported_database_url_scheme_is_one_line_and_exit_2(
    command: str, tmp_path: Path
) -> None:
    result = run_cli(command, database_url="mysql://shop:s3cret@db/shop", cwd=tmp_path)

    assert result.returncode == 2
    line = _the_one_line(result)
    assert (
        "DATABASE_URL: scheme must be one of memory, sqlite+aiosqlite, postgresql+asyncpg" in line
    )
    assert "s3cret" not in line


# ---------------------------------------------------------------------------------- logs
@pytest.mark.parametrize("database", ["memory", "sqlite"])
def test_a_start_logs_no_alembic_plugin_lines(database: str, tmp_path: Path) -> None:
    url = "memory://" if database == "memory" else f"sqlite+aiosqlite:///{tmp_path / 'a.db'}"

    result = run_cli("migrate", database_url=url, cwd=tmp_path, log_level="INFO")

    assert result.returncode == 0
    assert "INFO entrypoints.cli [-] " in result.stderr
    assert "alembic.runtime.plugins" not in result.stderr


# One format for every line: UTC time, level, logger, [request id or -], message.
LOG_LINE = re.compile(
    r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (DEBUG|INFO|WARNING|ERROR|CRITICAL) "
    r"[\w.]+ \[(?P<request_id>[^\]]+)\] .+"
)


def test_every_log_line_has_one_format_and_a_requests_lines_carry_its_id(
    tmp_path: Path,
) -> None:
    with serving("memory://", cwd=tmp_path, log_level="INFO") as running:
        named = httpx.get(f"{running.base_url}/", headers={"X-Request-ID": "e2e-logs-1"})
        unnamed = httpx.get(f"{running.base_url}/categories/99")

    lines = running.output().splitlines()
    assert [line for line in lines if not LOG_LINE.fullmatch(line)] == []
    access = [line for line in lines if " uvicorn.access " in line]
    assert any('"GET /health HTTP/1.1" 200' in line for line in access)  # the start's probes
    assert named.headers["X-Request-ID"] == "e2e-logs-1"
    for response in (named, unnamed):
        path = response.request.url.path
        (line,) = [line for line in access if f'"GET {path} HTTP/1.1"' in line]
        assert f"[{response.headers['X-Request-ID']}]" in line
    assert any("[-] Application startup complete." in line for line in lines)
    assert "alembic.runtime.plugins" not in running.output()


# ------------------------------------------------------------------ the app's PostgreSQL role
def _psql(url: str, statement: str) -> list[tuple[object, ...]]:
    async def query() -> list[tuple[object, ...]]:
        connection = await asyncpg.connect(
            make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        )
        try:
            return [tuple(row) for row in await connection.fetch(statement)]
        finally:
            await connection.close()

    return list(asyncio.run(query()))


@pytest.fixture
async def owner_url() -> AsyncIterator[str]:
    """A PostgreSQL database of its own, reached as the superuser (the tables' owner once the
    command has migrated it)."""
    async with empty_postgres_database() as url:
        yield url


@pytest.mark.postgres
def test_grant_app_role_makes_a_login_role_the_store_policies_hold(
    owner_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    role = f"storefront_scratch_{secrets.token_hex(4)}"
    monkeypatch.setenv("STOREFRONT_APP_ROLE_PASSWORD", "n0t-on-the-command-line")
    try:
        result = run_cli("db", "grant-app-role", role, database_url=owner_url, cwd=tmp_path)

        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith(f"created role {role!r}: it may read and write")
        assert "n0t-on-the-command-line" not in result.stdout + result.stderr
        (attributes,) = _psql(
            owner_url,
            "SELECT rolcanlogin, rolsuper, rolbypassrls, rolpassword IS NOT NULL "
            f"FROM pg_authid WHERE rolname = '{role}'",
        )
        assert attributes == (True, False, False, True)
        # Migrated first, then granted: the role reads the tables, and sees no store's rows
        # until its transaction names one.
        as_app = make_url(owner_url).set(username=role).render_as_string(hide_password=False)
        assert _psql(as_app, "SELECT count(*) FROM categories") == [(0,)]
        assert _psql(owner_url, "SELECT count(*) FROM categories") == [(4,)]
    finally:
        _psql(owner_url, f"DROP OWNED BY {role}")
        _psql(owner_url, f"DROP ROLE IF EXISTS {role}")


@pytest.mark.postgres
def test_grant_app_role_refuses_a_superuser_in_one_line(owner_url: str, tmp_path: Path) -> None:
    result = run_cli("db", "grant-app-role", "postgres", database_url=owner_url, cwd=tmp_path)

    assert result.returncode == 2
    line = _the_one_line(result)
    assert "role 'postgres' is a superuser: row-level security would not hold it" in line
    assert line.endswith("nothing was changed")


def test_grant_app_role_is_for_postgresql_only(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'shop.db'}"

    result = run_cli("db", "grant-app-role", "storefront_app", database_url=url, cwd=tmp_path)

    assert result.returncode == 2
    assert "grant-app-role is for PostgreSQL" in _the_one_line(result)


# ----------------------------------------------------------------------- ledger reconcile
def test_ledger_reconcile_reports_progress_and_each_difference_with_exit_status_3(
    tmp_path: Path,
) -> None:
    database = tmp_path / "ledger.db"
    url = f"sqlite+aiosqlite:///{database}"
    assert run_cli("migrate", database_url=url, cwd=tmp_path).returncode == 0
    with sqlite3.connect(database) as connection:
        for name in ("ann", "bob", "cat"):
            connection.execute(
                "INSERT INTO users (username, email, hashed_password, is_active, is_superuser, "
                "credits, created_at, updated_at, store_id) VALUES (?, ?, 'h', 1, 0, 0, "
                "'2026-12-03 12:00:00', '2026-12-03 12:00:00', 1)",
                (name, f"{name}@example.com"),
            )

    clean = run_cli("ledger", "reconcile", "--batch", "2", database_url=url, cwd=tmp_path)
    with sqlite3.connect(database) as connection:  # credits changed behind the ledger's back
        connection.execute("UPDATE users SET credits = 4.5 WHERE username = 'bob'")
    found = run_cli("ledger", "reconcile", "--store", "main", database_url=url, cwd=tmp_path)
    unknown = run_cli("ledger", "reconcile", "--store", "nowhere", database_url=url, cwd=tmp_path)

    assert clean.returncode == 0, clean.stderr
    assert "main: 2/3 users checked" in clean.stderr
    assert "main: 3/3 users checked" in clean.stderr
    assert "0 differences found" in clean.stderr
    assert found.returncode == 3, found.stderr
    [line] = found.stdout.splitlines()
    assert line.split("\t")[0] == "main"
    assert line.split("\t")[2:] == ["4.50", "0.00", "-"]
    assert unknown.returncode == 2
    assert "cannot reconcile the ledger" in unknown.stderr
