"""The command line: `storefront serve|migrate|create-admin` (the same program as
`python -m entrypoints.cli`).

    serve         migrate the SQL database to the newest revision (unless DATABASE_URL is
                  memory:// or --no-migrate is given), then serve the API with uvicorn on
                  127.0.0.1:8000 (--host/--port), with uvloop and httptools when installed
    migrate       migrate the SQL database to the newest revision and exit
    create-admin  migrate, then create an admin account (--username, --email); the password
                  comes from STOREFRONT_ADMIN_PASSWORD or a prompt, never from the command
                  line, where other users of the machine and the shell history would see it

Settings come from the environment and `.env` (see `entrypoints.settings`).

Invariant: a start that cannot work ends with one line on stderr that says what is wrong and
how to fix it, never a traceback, and a non-zero exit status: 2 for a setting that is refused
(an unsupported DATABASE_URL scheme, say), 1 for a database that cannot be migrated (not
running, unreachable, missing). Every log line has one format, with the request id on the
lines of a request (entrypoints/logs.py); uvicorn is given the same configuration.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import importlib.util
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from pydantic import ValidationError

from application.shared.errors import Unavailable
from entrypoints.logs import configure_logging, log_config
from entrypoints.settings import Settings, redact_url
from entrypoints.version import SERVICE_NAME, service_version

__all__ = ["main"]

log = logging.getLogger("entrypoints.cli")

EXIT_UNAVAILABLE: Final = 1
EXIT_BAD_SETTING: Final = 2

DESCRIPTION: Final = "Serve the storefront HTTP API, or bring its database up to date."

EPILOG: Final = """\
settings are read from the environment and from ./.env:
  DATABASE_URL   sqlite+aiosqlite:///./storefront.db (the default),
                 postgresql+asyncpg://user:password@host:5432/name, or memory://
  LOG_LEVEL      CRITICAL, ERROR, WARNING, INFO (the default) or DEBUG
  JWT_SECRET     the key access tokens are signed with (at least 32 bytes)
  the others (pool sizes, timeouts, token lifetimes) are listed in README.md

examples:
  storefront serve
  storefront serve --host 0.0.0.0 --port 8080 --no-migrate
  DATABASE_URL=memory:// storefront serve
  storefront create-admin --username admin --email admin@example.com
"""


def _program_name() -> str:
    # The console script and `python -m entrypoints.cli` are one program; say which was run.
    return SERVICE_NAME if Path(sys.argv[0]).name == SERVICE_NAME else "python -m entrypoints.cli"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=_program_name(),
        description=DESCRIPTION,
        epilog=EPILOG,
        # The texts above are laid out by hand; argparse would run them into one paragraph.
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"{SERVICE_NAME} {service_version()}",
        help="print the name and version, then exit",
    )
    # Only `serve` may skip migrating; `migrate` and `create-admin` always migrate.
    parser.set_defaults(no_migrate=False)
    commands = parser.add_subparsers(
        title="commands", dest="command", required=True, metavar="COMMAND"
    )
    serve = commands.add_parser(
        "serve",
        help="migrate the database, then serve the HTTP API (docs at /docs)",
        description="Migrate the database to the newest revision (nothing to do for "
        "DATABASE_URL=memory://), then serve the HTTP API; its documentation is at /docs.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port to bind (default 8000)")
    serve.add_argument(
        "--no-migrate", action="store_true", help="serve without migrating the database first"
    )
    commands.add_parser(
        "migrate",
        help="migrate the database to the newest revision, then exit",
        description="Migrate the database named by DATABASE_URL to the newest revision.",
    )
    admin = commands.add_parser(
        "create-admin",
        help="create an admin account (the password is asked, never given as an argument)",
        description="Migrate the database, then create an admin account. The password is "
        "read from STOREFRONT_ADMIN_PASSWORD when it is set, else asked twice at a prompt.",
    )
    admin.add_argument("--username", required=True, help="3-50 letters, digits or underscores")
    admin.add_argument("--email", required=True, help="the admin's email address")
    return parser


def _fail(message: str, status: int) -> int:
    print(f"{SERVICE_NAME}: {message}", file=sys.stderr)
    return status


def _refused_settings(error: ValidationError) -> str:
    """One line naming each refused setting by its variable and saying why."""
    reasons = []
    for problem in error.errors():
        name = ".".join(str(part) for part in problem["loc"]).upper() or "a setting"
        reason = problem["msg"].removeprefix("Value error, ")
        reasons.append(f"{name}: {reason}")
    return f"{'; '.join(reasons)} (set in the environment or in .env)"


def _migrate(settings: Settings) -> None:
    from entrypoints.container import prepare_storage

    if settings.backend == "memory":
        log.info("DATABASE_URL is memory://: nothing to migrate")
        return
    log.info("migrating %s to the newest revision", redact_url(settings.database_url))
    asyncio.run(prepare_storage(settings))


def _serve(settings: Settings, host: str, port: int) -> None:
    # Imported here, not at the top: `migrate` should not load the web stack.
    import uvicorn

    from entrypoints.http.app import create_app

    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        loop="uvloop" if importlib.util.find_spec("uvloop") else "asyncio",
        http="httptools" if importlib.util.find_spec("httptools") else "h11",
        log_level=settings.log_level.lower(),
        log_config=log_config(settings.log_level),
        # No `server: uvicorn` on every answer: what serves the API is nobody's business.
        server_header=False,
    )


def _admin_password() -> str | None:
    """From STOREFRONT_ADMIN_PASSWORD, else typed twice at a prompt; None if they differ."""
    given = os.environ.get("STOREFRONT_ADMIN_PASSWORD")
    if given:
        return given
    first = getpass.getpass("Password for the new admin: ")
    if getpass.getpass("The same password again: ") != first:
        return None
    return first


def _create_admin(settings: Settings, username: str, email: str) -> int:
    from application.identity.commands import CreateAdmin
    from domain.shared.errors import DomainError
    from entrypoints.container import build_container, close_storage, open_storage

    if settings.backend == "memory":
        return _fail(
            "memory:// keeps nothing after this command ends: set STOREFRONT_ADMIN_USERNAME, "
            "STOREFRONT_ADMIN_EMAIL and STOREFRONT_ADMIN_PASSWORD for `serve` instead",
            EXIT_BAD_SETTING,
        )
    password = _admin_password()
    if password is None:
        return _fail("the two passwords differ; nothing was created", EXIT_BAD_SETTING)

    async def create() -> None:
        container = build_container(settings)
        await open_storage(container, serving=False)
        try:
            command = CreateAdmin(username=username, email=email, password=password)
            user, _ = await container.use_cases().create_admin()(command)
        finally:
            await close_storage(container)
        print(f"created admin {user.username!r} (id {user.id})")

    try:
        asyncio.run(create())
    except DomainError as error:
        return _fail(f"cannot create the admin: {error.detail}", EXIT_BAD_SETTING)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as error:
        return _fail(_refused_settings(error), EXIT_BAD_SETTING)
    configure_logging(settings.log_level)
    try:
        if args.command == "migrate" or not args.no_migrate:
            _migrate(settings)
    except Unavailable as error:
        return _fail(
            f"cannot migrate {redact_url(settings.database_url)}: {error.detail}, "
            "or set DATABASE_URL to another database",
            EXIT_UNAVAILABLE,
        )
    if args.command == "serve":
        _serve(settings, args.host, args.port)
    if args.command == "create-admin":
        return _create_admin(settings, args.username, args.email)
    return 0


if __name__ == "__main__":
    sys.exit(main())
