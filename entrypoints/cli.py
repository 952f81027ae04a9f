"""The command line: `storefront serve|migrate|create-admin|stores|db` (the same program as
`python -m entrypoints.cli`).

    serve         migrate the SQL database to the newest revision (unless DATABASE_URL is
                  memory:// or --no-migrate is given), then serve the API with uvicorn on
                  127.0.0.1:8000 (--host/--port), with uvloop and httptools when installed
    migrate       migrate the SQL database to the newest revision and exit
    create-admin  migrate, then create an admin account (--username, --email, --store, by
                  default main); the password comes from STOREFRONT_ADMIN_PASSWORD or a
                  prompt, never from the command line, where other users of the machine and
                  the shell history would see it
    stores        migrate, then `create SLUG NAME`, `list` or `deactivate SLUG` a store
    db            migrate, then `grant-app-role ROLE`: on PostgreSQL, run as the tables'
                  owner, make ROLE the role the app connects as, one that row-level security
                  holds (adapters/sqlalchemy/app_role.py); a new role's password comes from
                  STOREFRONT_APP_ROLE_PASSWORD or a prompt, never from the command line

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
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any, Final

from pydantic import ValidationError

from application.shared.errors import Unavailable
from domain.stores.store import MAIN_STORE
from entrypoints.logs import configure_logging, log_config
from entrypoints.settings import Settings, redact_url
from entrypoints.version import SERVICE_NAME, service_version

__all__ = ["main"]

log = logging.getLogger("entrypoints.cli")

EXIT_UNAVAILABLE: Final = 1
EXIT_BAD_SETTING: Final = 2
EXIT_LEDGER_DIFFERENCES: Final = 3
RECONCILE_BATCH: Final = 10_000

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
  storefront stores create north "North Shop"
  storefront create-admin --store north --username boss --email boss@example.com
  storefront db grant-app-role storefront_app
  storefront ledger reconcile --store north
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
    admin.add_argument(
        "--store", default=MAIN_STORE, help=f"the store's slug (default {MAIN_STORE})"
    )
    stores = commands.add_parser(
        "stores",
        help="create, list or deactivate stores",
        description="Migrate the database, then create, list or deactivate stores. A store's "
        "first admin is made with `create-admin --store SLUG`.",
    )
    actions = stores.add_subparsers(title="actions", dest="action", required=True)
    create = actions.add_parser("create", help="open a new store", description="Open a store.")
    create.add_argument("slug", help="3-50 lower-case letters, digits or hyphens")
    create.add_argument("name", help="the shop's name")
    actions.add_parser("list", help="list every store", description="List every store.")
    deactivate = actions.add_parser(
        "deactivate",
        help="deactivate a store (its data stays; it answers 404)",
        description="Deactivate a store: its data stays, and it answers every request 404 "
        "(a running app within STORE_CACHE_SECONDS).",
    )
    deactivate.add_argument("slug")
    database = commands.add_parser(
        "db",
        help="set up the PostgreSQL database: the role the app connects as",
        description="Migrate the database, then set it up. Run as the owner of its tables "
        "(the role that migrates).",
    )
    chores = database.add_subparsers(title="actions", dest="action", required=True)
    grant = chores.add_parser(
        "grant-app-role",
        help="make ROLE the app's role: row-level security holds it (PostgreSQL)",
        description="Make ROLE the role the app connects as: not a superuser, not BYPASSRLS, "
        "not an owner of the tables, so that the store policies hold it; grant it SELECT, "
        "INSERT, UPDATE and DELETE on every table, the sequences, and the same on tables "
        "created later. A missing role is created (LOGIN) with the password in "
        "STOREFRONT_APP_ROLE_PASSWORD, else asked twice at a prompt.",
    )
    grant.add_argument("role", help="1-63 lower-case letters, digits or underscores")
    ledger = commands.add_parser(
        "ledger",
        help="check that every user's credits are explained by their ledger",
        description="Migrate the database, then check the wallets.",
    )
    checks = ledger.add_subparsers(title="actions", dest="action", required=True)
    reconcile = checks.add_parser(
        "reconcile",
        help="list every user whose credits differ from their ledger",
        description="Check, for every user of every store (or of --store), that their credits "
        "equal the sum of their ledger and the balance its latest entry left. Prints one line "
        "per difference (store, user id, credits, ledger sum, latest balance_after) and, on "
        "stderr, the progress; exits with 3 when a difference was found.",
    )
    reconcile.add_argument("--store", help="the store's slug (default: every store)")
    reconcile.add_argument(
        "--batch",
        type=int,
        default=RECONCILE_BATCH,
        help=f"users checked per query (default {RECONCILE_BATCH})",
    )
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


def _app_role_password() -> str | None:
    """From STOREFRONT_APP_ROLE_PASSWORD, else typed twice at a prompt; None if they differ."""
    given = os.environ.get("STOREFRONT_APP_ROLE_PASSWORD")
    if given:
        return given
    try:
        first = getpass.getpass("Password for the new role: ")
        if getpass.getpass("The same password again: ") != first:
            return None
    except EOFError:  # no terminal to ask at, and nothing on stdin
        return None
    return first


def _grant_app_role(settings: Settings, role: str) -> int:
    from adapters.sqlalchemy import EngineSettings, create_engine
    from adapters.sqlalchemy.app_role import (
        AppRoleGranted,
        AppRoleRefused,
        app_role_exists,
        grant_app_role,
    )

    if not settings.database_url.startswith("postgresql"):
        return _fail(
            "grant-app-role is for PostgreSQL (roles and row-level security are its own): "
            f"DATABASE_URL is {redact_url(settings.database_url)}",
            EXIT_BAD_SETTING,
        )

    async def on_engine(work: Callable[[Any], Awaitable[Any]]) -> Any:
        engine = create_engine(settings.database_url, EngineSettings(pool_size=1))
        try:
            return await work(engine)
        finally:
            await engine.dispose()

    try:
        exists = asyncio.run(on_engine(lambda engine: app_role_exists(engine, role)))
        password = None
        if not exists:
            password = _app_role_password()
            if not password:
                return _fail(
                    f"role {role!r} does not exist, and no password to create it with was "
                    "given (STOREFRONT_APP_ROLE_PASSWORD, or the same one twice at the prompt); "
                    "nothing was changed",
                    EXIT_BAD_SETTING,
                )
        granted: AppRoleGranted = asyncio.run(
            on_engine(lambda engine: grant_app_role(engine, role, password=password))
        )
    except AppRoleRefused as error:
        return _fail(f"{error}; nothing was changed", EXIT_BAD_SETTING)
    done = "created" if granted.created else "granted"
    print(
        f"{done} role {granted.role!r}: it may read and write every table of {granted.database} "
        f"(schema {granted.schema}, tables made later too), and row-level security holds it. "
        f"Serve as it (DATABASE_URL=postgresql+asyncpg://{granted.role}:PASSWORD@HOST/"
        f"{granted.database}); migrate as the owner"
    )
    return 0


def _with_storage(settings: Settings, work: Callable[[Any], Awaitable[None]], refused: str) -> int:
    """Run `work(container)` on the opened storage; a refusal is one line, `refused: why`,
    and status 2."""
    from domain.shared.errors import DomainError
    from entrypoints.container import build_container, close_storage, open_storage

    async def run() -> None:
        container = build_container(settings)
        await open_storage(container, serving=False)
        try:
            await work(container)
        finally:
            await close_storage(container)

    try:
        asyncio.run(run())
    except DomainError as error:
        return _fail(f"{refused}: {error.detail}", EXIT_BAD_SETTING)
    return 0


def _create_admin(settings: Settings, username: str, email: str, store: str) -> int:
    from application.identity.commands import CreateAdmin
    from domain.shared.errors import NotFound

    if settings.backend == "memory":
        return _fail(
            "memory:// keeps nothing after this command ends: set STOREFRONT_ADMIN_USERNAME, "
            "STOREFRONT_ADMIN_EMAIL and STOREFRONT_ADMIN_PASSWORD for `serve` instead",
            EXIT_BAD_SETTING,
        )
    password = _admin_password()
    if password is None:
        return _fail("the two passwords differ; nothing was created", EXIT_BAD_SETTING)

    async def create(container: Any) -> None:
        found = await container.store_queries().get_by_slug(store)
        if found is None:
            raise NotFound("store", store, by="slug")
        command = CreateAdmin(username=username, email=email, password=password)
        user, _ = await container.store_scopes()(found.id).create_admin()(command)
        where = "" if store == MAIN_STORE else f" in store {store!r}"
        print(f"created admin {user.username!r} (id {user.id}){where}")

    return _with_storage(settings, create, "cannot create the admin")


def _stores(settings: Settings, args: argparse.Namespace) -> int:
    from application.stores.commands import DeactivateStore, OpenStore
    from entrypoints.container import NO_STORE_ID

    if settings.backend == "memory" and args.action != "list":
        return _fail(
            "memory:// keeps nothing after this command ends: open stores in a SQL database",
            EXIT_BAD_SETTING,
        )

    async def act(container: Any) -> None:
        operator = container.store_scopes()(NO_STORE_ID)
        if args.action == "create":
            store = await operator.open_store()(OpenStore(args.slug, args.name))
            print(f"created store {store.slug!r} (id {store.id})")
        elif args.action == "deactivate":
            store = await operator.deactivate_store()(DeactivateStore(args.slug))
            print(
                f"deactivated store {store.slug!r}: it answers 404 once the running apps "
                "look it up again (within STORE_CACHE_SECONDS)"
            )
        else:
            for one in await container.store_queries().list():
                state = "active" if one.is_active else "inactive"
                print(f"{one.id}\t{one.slug}\t{state}\t{one.name}")

    return _with_storage(settings, act, f"cannot {args.action} the store")


def _reconcile(settings: Settings, store: str | None, batch: int) -> int:
    """Each store's users in batches of `batch` (two statements each), with the progress on
    stderr; a difference is a line on stdout, and the exit status 3."""
    from domain.shared.errors import InvalidValue, NotFound

    if not 1 <= batch <= 1_000_000:
        return _fail("--batch must be between 1 and 1000000", EXIT_BAD_SETTING)
    differences = 0

    async def check(container: Any) -> None:
        nonlocal differences
        stores = await container.store_queries().list()
        if store is not None:
            stores = [one for one in stores if one.slug == store]
            if not stores:
                raise NotFound("store", store, by="slug")
        for one in stores:
            use_cases = container.store_scopes()(one.id)
            total = (await use_cases.user_queries().counts()).total
            checked, after = 0, 0
            while True:
                found = await use_cases.wallet_queries().reconcile(after=after, limit=batch)
                for d in found.differences:
                    differences += 1
                    print(
                        f"{one.slug}\t{d.user_id}\t{d.balance}\t{d.ledger_sum}\t"
                        f"{'-' if d.latest_balance_after is None else d.latest_balance_after}"
                    )
                checked += found.users_checked
                print(f"{one.slug}: {checked}/{total} users checked", file=sys.stderr)
                if found.last_user_id is None or found.users_checked < batch:
                    break
                after = found.last_user_id
        if not stores:
            raise InvalidValue("store", "there is no store to check")

    status = _with_storage(settings, check, "cannot reconcile the ledger")
    if status:
        return status
    print(f"{differences} differences found", file=sys.stderr)
    return EXIT_LEDGER_DIFFERENCES if differences else 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as error:
        return _fail(_refused_settings(error), EXIT_BAD_SETTING)
    configure_logging(settings.log_level)
    try:
        if not getattr(args, "no_migrate", False):
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
        return _create_admin(settings, args.username, args.email, args.store)
    if args.command == "stores":
        return _stores(settings, args)
    if args.command == "db":
        return _grant_app_role(settings, args.role)
    if args.command == "ledger":
        return _reconcile(settings, args.store, args.batch)
    return 0


if __name__ == "__main__":
    sys.exit(main())
