"""The app's PostgreSQL role: one that row-level security holds to the store it names.

On PostgreSQL every store's table has a policy that shows, and lets write, only the rows of the
store the transaction named (the stores revision, alembic/versions/..._stores.py). PostgreSQL
lets some roles past every policy: superusers, roles with BYPASSRLS, and the table's owner (the
policies are not FORCEd, so that the role running the migrations sees every row), with any
role that has the owner's rights. The app must connect as none of these, or the policies hold
nothing. Its role is:

    LOGIN, NOSUPERUSER, NOBYPASSRLS   not the owner of any table, nor a member of the owner's role
    on every table of the schema      SELECT, INSERT, UPDATE, DELETE
    on every sequence                 USAGE, SELECT (a new row draws its id)
    by default                        the same on the tables and sequences the owner creates
                                      later, so that a new revision needs no grant of its own

`grant_app_role` makes such a role (when a password for it is given) or checks an existing one,
and grants it the above in the database it is connected to. It runs as the tables' owner: the
default privileges it sets apply to what the role that sets them creates. The command line
runs it (`storefront db grant-app-role ROLE`); so does the test support, for tests that connect
as the app does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

__all__ = ["AppRoleGranted", "AppRoleRefused", "app_role_exists", "grant_app_role"]

_ROLE_NAME: Final = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_INSUFFICIENT_PRIVILEGE: Final = "42501"


class AppRoleRefused(Exception):
    """The role cannot be the app's: row-level security would not hold it, or it cannot be made."""


@dataclass(frozen=True, slots=True)
class AppRoleGranted:
    role: str
    created: bool
    database: str
    schema: str


def _checked_name(role: str) -> str:
    # A plain lower-case name needs no quoting anywhere: not in SQL, a URL or a shell.
    if not _ROLE_NAME.fullmatch(role):
        raise AppRoleRefused(
            f"{role!r} is not a role name this command takes: use 1-63 lower-case letters, "
            "digits or underscores, not starting with a digit"
        )
    return role


def _postgresql(engine: AsyncEngine) -> None:
    if engine.dialect.name != "postgresql":
        raise AppRoleRefused(
            f"roles and row-level security are PostgreSQL's; this database is {engine.dialect.name}"
        )


async def app_role_exists(engine: AsyncEngine, role: str) -> bool:
    """Whether the server has a role of that name (a new one needs a password)."""
    _postgresql(engine)
    async with engine.connect() as connection:
        found = await connection.scalar(
            text("SELECT 1 FROM pg_roles WHERE rolname = :role"), {"role": _checked_name(role)}
        )
    return found is not None


async def grant_app_role(
    engine: AsyncEngine, role: str, *, password: str | None = None
) -> AppRoleGranted:
    """Make `role` the app's role in the database `engine` connects to, as its tables' owner.

    A missing role is created (LOGIN, with `password`), or refused without a password; an
    existing one keeps its password. A role that would see past the policies (a superuser,
    BYPASSRLS, the connecting role itself, an owner of a table here or a member of its role) is
    refused, and nothing is changed; so is a grant the connecting role has not the right to
    make. Granting again changes nothing more."""
    _postgresql(engine)
    name = _checked_name(role)
    try:
        return await _grant(engine, name, password)
    except DBAPIError as error:
        if _sqlstate(error) != _INSUFFICIENT_PRIVILEGE:
            raise
        reason = str(error.orig).splitlines()[0]
        raise AppRoleRefused(
            f"the role running this may not do it ({reason}): run it as the owner of the "
            "tables, with CREATEROLE to create a role"
        ) from error


def _sqlstate(error: DBAPIError) -> str | None:
    for cause in (error.orig, getattr(error.orig, "__cause__", None)):
        found = getattr(cause, "sqlstate", None)
        if found:
            return str(found)
    return None


async def _grant(engine: AsyncEngine, name: str, password: str | None) -> AppRoleGranted:
    async with engine.begin() as connection:
        found = (
            await connection.execute(
                text("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = :role"),
                {"role": name},
            )
        ).one_or_none()
        if found is None:
            if not password:
                raise AppRoleRefused(
                    f"there is no role {name!r}: give a password to create it with"
                )
            await _create(connection, name, password)
        else:
            await _refuse_bypassing(connection, name, superuser=found[0], bypass_rls=found[1])
        where = (
            await connection.execute(text("SELECT current_database(), current_schema()"))
        ).one()
        database, schema = str(where[0]), str(where[1])
        for statement in _grants(name, database, schema):
            await connection.execute(text(statement))
    return AppRoleGranted(role=name, created=found is None, database=database, schema=schema)


async def _create(connection: AsyncConnection, role: str, password: str) -> None:
    # CREATE ROLE takes no parameters: the server quotes the name and password into the
    # statement. So the password reaches the server in a statement's text, which a server
    # that logs DDL (log_statement 'ddl' or 'all') logs; README says how to avoid that.
    statement = await connection.scalar(
        text(
            "SELECT format('CREATE ROLE %I LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB "
            "NOCREATEROLE PASSWORD %L', CAST(:role AS text), CAST(:password AS text))"
        ),
        {"role": role, "password": password},
    )
    await connection.execute(text(str(statement)))


async def _refuse_bypassing(
    connection: AsyncConnection, role: str, *, superuser: bool, bypass_rls: bool
) -> None:
    if superuser or bypass_rls:
        what = "a superuser" if superuser else "BYPASSRLS"
        raise AppRoleRefused(
            f"role {role!r} is {what}: row-level security would not hold it; choose another role"
        )
    if role == await connection.scalar(text("SELECT current_user")):
        raise AppRoleRefused(
            f"role {role!r} is the one running this command, which owns the tables it "
            "migrates: row-level security would not hold it; choose another role"
        )
    owned = (
        await connection.scalars(
            text(
                "SELECT c.relname FROM pg_class c "
                "WHERE c.relnamespace = current_schema()::regnamespace "
                "AND c.relkind IN ('r', 'p') AND pg_has_role(:role, c.relowner, 'USAGE') "
                "ORDER BY c.relname"
            ),
            {"role": role},
        )
    ).all()
    if owned:
        raise AppRoleRefused(
            f"role {role!r} owns, or has the rights of the owner of, {', '.join(owned)}: "
            "row-level security would not hold it; choose another role"
        )


def _grants(role: str, database: str, schema: str) -> list[str]:
    db = '"' + database.replace('"', '""') + '"'
    on = '"' + schema.replace('"', '""') + '"'
    return [
        f"GRANT CONNECT ON DATABASE {db} TO {role}",
        f"GRANT USAGE ON SCHEMA {on} TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {on} TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {on} TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {on} "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {on} GRANT USAGE, SELECT ON SEQUENCES TO {role}",
    ]
