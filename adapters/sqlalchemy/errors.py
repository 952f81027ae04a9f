"""Database errors become domain and application errors here, and nowhere else.

    IntegrityError
    ├── unique violation      -> DuplicateValue(entity, field)   (field read off the constraint)
    ├── foreign key violation -> InUse       (a DELETE of a row others still refer to)
    │                          -> NotFound(referred entity, key)
    │                                         (an INSERT/UPDATE naming a row that is not there)
    └── check violation       -> InvalidValue(field)
    StaleDataError            -> StaleVersion (a versioned row moved on since it was loaded)
    deadlock, serialization failure, lock not available, SQLite "database is locked"
                              -> Contention   (the transaction is void; retrying is safe)
    connection refused/lost, pool timeout, server shutting down
                              -> Unavailable

Everything this needs to know of the schema is read off the MetaData, where each context's
tables state it once (see schema.py): a table's `info["entity"]`, a constraint's
`info["field"]` (for a unique constraint, its first column by default). Constraint names follow
the naming convention, so PostgreSQL's `uq_products_sku` leads back to ("product", "sku");
SQLite names the columns instead ("UNIQUE constraint failed: products.sku"), which lead to the
same constraint. No driver message travels upward: it may quote values or connection details.

One row, several duplicates. When a write breaks several unique constraints of a table at
once (a category named like an existing one, whose derived slug is taken too), the field
reported is that of the constraint declared first in its table. Each engine stops at the first
broken constraint it checks, and they check in opposite orders: PostgreSQL goes through a
table's unique indexes in the order they were created (the migrations create them in the order
the tables declare them), SQLite in the reverse order. So PostgreSQL already names the first
declared; on SQLite, `first_broken_unique_on_sqlite` looks at the constraints declared before
the one SQLite named, in the failed statement's own transaction (SQLite undid the statement,
not the transaction): one SELECT per earlier constraint, on the error path only. The in-memory
adapter checks its unique rules in the same order. tests/integration/migrations holds both
engines to the order this relies on.

A missing referred row. An INSERT or UPDATE naming a row that is not there is
`NotFound(entity, key)`: the entity of the table the broken foreign key refers to, and the key
written. PostgreSQL names the constraint and quotes the key in its detail (`Key
(product_id)=(999) ...`), of which only the key is kept, as the column's Python type; to the
app's role, which row-level security holds, it names the constraint only, and
`hidden_foreign_key_on_postgres` takes the key from the failed statement's rows. SQLite
says only "FOREIGN KEY constraint failed"; `broken_foreign_key_on_sqlite` finds the foreign
key from the MetaData, in the failed statement's own transaction: among the statement table's
foreign keys, the first declared whose written value has no row to refer to (one SELECT per
foreign key written, on the error path only); failing that, the table's only foreign key. The
in-memory adapter checks its declared references in the same order (adapters/memory).
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Column,
    Connection,
    Engine,
    ForeignKeyConstraint,
    Insert,
    Table,
    UniqueConstraint,
    Update,
    literal,
    select,
    tuple_,
)
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import exc as orm_exc

from adapters.sqlalchemy.schema import ENTITY, FIELD, STORE_ID, declared_constraints, metadata
from adapters.sqlalchemy.tenancy import SET_STORE
from application.shared.errors import Contention, Unavailable
from domain.shared.errors import (
    DomainError,
    DuplicateValue,
    InUse,
    InvalidValue,
    NotFound,
    StaleVersion,
)

__all__ = [
    "WRITTEN_BY_ID",
    "WrittenById",
    "broken_foreign_key_on_sqlite",
    "first_broken_unique_on_sqlite",
    "hidden_foreign_key_on_postgres",
    "storage_errors",
    "translate",
]

log = logging.getLogger(__name__)

WrittenById = Callable[[Mapping[str, Any]], Mapping[Any, Mapping[str, Any]]]
"""From an UPDATE's bound parameters to the values it writes to each row, by the row's key."""

WRITTEN_BY_ID = "storefront_written_by_id"
"""Execution option naming the `WrittenById` of an UPDATE whose parameters are not named after
columns (one statement writing several rows). The ORM's statements and Core INSERTs need none:
their parameters are named after the columns they write."""

_CONTENTION_STATES = frozenset({"40001", "40P01", "55P03"})
# Class 08 (connection exception), 53 (insufficient resources), 57P0x (server going away).
_UNAVAILABLE_PREFIXES = ("08", "53", "57P")
_SQLITE_CONTENTION = ("database is locked", "database table is locked", "database is busy")
_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: (?P<columns>[\w., ]+)")
_SQLITE_CHECK = re.compile(r"CHECK constraint failed: (?P<name>\w+)")
_SQLITE_FOREIGN_KEY = "FOREIGN KEY constraint failed"
# PostgreSQL's detail of a foreign key violation, "Key (product_id)=(999) is not present in
# table ...", in any language the server speaks: the columns and the key, in parentheses.
_POSTGRES_KEY = re.compile(r"\((?P<columns>[^()]*)\)=\((?P<key>[^()]*)\)")
# Set on an IntegrityError by `first_broken_unique_on_sqlite`: the constraint to report.
_FIRST_BROKEN = "storefront_first_broken_unique"
# Set on an IntegrityError by `broken_foreign_key_on_sqlite`: (constraint name, key or None).
_BROKEN_FOREIGN_KEY = "storefront_broken_foreign_key"


@dataclass(frozen=True, eq=False)  # one per constraint: compared by identity
class _Unique:
    name: str
    table: Table
    columns: tuple[str, ...]
    entity: str
    field: str


@dataclass(frozen=True, eq=False)  # one per constraint: compared by identity
class _ForeignKey:
    name: str
    columns: tuple[Column[Any], ...]  # of the referring table
    referred_columns: tuple[Column[Any], ...]
    entity: str  # what a row of the referred table is

    @classmethod
    def of(cls, constraint: ForeignKeyConstraint) -> _ForeignKey:
        return cls(
            str(constraint.name),
            tuple(constraint.columns),
            tuple(element.column for element in constraint.elements),
            _entity(constraint.referred_table),
        )

    def not_found(self, key: object) -> NotFound:
        by = ", ".join(column.name for column in self.referred_columns)
        return NotFound(self.entity, "given" if key is None else key, by=by)


@dataclass(frozen=True)
class _Schema:
    """What translating needs to know of the schema, read once off the MetaData."""

    entities: dict[str, str]  # table -> entity
    uniques: dict[str, tuple[_Unique, ...]]  # table -> its unique constraints, as declared
    unique_by_name: dict[str, _Unique]
    unique_by_columns: dict[tuple[str, frozenset[str]], _Unique]
    foreign_keys: dict[str, tuple[_ForeignKey, ...]]  # table -> its foreign keys, as declared
    foreign_key_by_name: dict[str, _ForeignKey]
    check_fields: dict[str, str]  # constraint -> field


def _entity(table: Table) -> str:
    entity = table.info.get(ENTITY)
    if not entity:
        raise LookupError(f"table {table.name} states no info[{ENTITY!r}] (see schema.py)")
    return str(entity)


def _field(constraint: UniqueConstraint | CheckConstraint) -> str:
    field = constraint.info.get(FIELD)
    if field:
        return str(field)
    columns = [column.name for column in constraint.columns]
    if not columns:  # a CHECK written as SQL text names no columns SQLAlchemy knows of
        raise LookupError(f"constraint {constraint.name} states no info[{FIELD!r}]")
    return columns[0]


@cache
def _schema() -> _Schema:
    """Read on first use, when every context has declared its tables (the package imports
    them all before anything can fail)."""
    schema = _Schema({}, {}, {}, {}, {}, {}, {})
    for table in metadata.tables.values():
        schema.entities[table.name] = _entity(table)
        uniques: list[_Unique] = []
        foreign_keys: list[_ForeignKey] = []
        for constraint in declared_constraints(table):
            name = str(constraint.name)
            if isinstance(constraint, UniqueConstraint):
                columns = tuple(column.name for column in constraint.columns)
                unique = _Unique(name, table, columns, _entity(table), _field(constraint))
                uniques.append(unique)
                schema.unique_by_name[name] = unique
                schema.unique_by_columns[(table.name, frozenset(columns))] = unique
            elif isinstance(constraint, ForeignKeyConstraint):
                foreign_key = _ForeignKey.of(constraint)
                foreign_keys.append(foreign_key)
                schema.foreign_key_by_name[name] = foreign_key
            elif isinstance(constraint, CheckConstraint):
                schema.check_fields[name] = _field(constraint)
        # A partial unique index (a post's slug among the posts not in the trash) is a
        # unique rule too, reported after the table's constraints.
        for index in sorted(table.indexes, key=lambda index: str(index.name)):
            if index.unique:
                columns = tuple(column.name for column in index.columns)
                field = str(index.info.get(FIELD) or columns[-1])
                unique = _Unique(str(index.name), table, columns, _entity(table), field)
                uniques.append(unique)
                schema.unique_by_name[unique.name] = unique
                schema.unique_by_columns[(table.name, frozenset(columns))] = unique
        schema.uniques[table.name] = tuple(uniques)
        schema.foreign_keys[table.name] = tuple(foreign_keys)
    return schema


def _sqlite_unique(message: str) -> _Unique | None:
    """The unique constraint of a SQLite message, which names its columns, not the constraint."""
    match = _SQLITE_UNIQUE.search(message)
    if match is None:
        return None
    qualified = [part.strip() for part in match["columns"].split(",")]
    table = qualified[0].split(".")[0]
    columns = frozenset(part.split(".")[-1] for part in qualified)
    return _schema().unique_by_columns.get((table, columns))


# -- SQLite: the first declared of several broken unique constraints ---------------------------


def first_broken_unique_on_sqlite(context: ExceptionContext) -> None:
    """`handle_error` hook of SQLite engines: when SQLite names a unique constraint that is not
    its table's first, find whether the failed write also broke one declared before it, and
    if so mark the error with the first such (see the module docstring).

    It runs while the failed statement's transaction is still open, so it sees what the
    statement saw, this unit's own uncommitted rows included. If the lookup itself fails, the
    constraint SQLite named stands."""
    error = context.sqlalchemy_exception
    execution = context.execution_context
    connection = context.connection
    if not isinstance(error, sa_exc.IntegrityError) or connection is None:
        return
    if not isinstance(execution, DefaultExecutionContext):  # no statement was being run
        return
    named = _sqlite_unique(str(context.original_exception))
    if named is None:
        return
    declared = _schema().uniques[named.table.name]
    earlier = declared[: declared.index(named)]
    compiled = execution.compiled
    statement = compiled.statement if compiled is not None else None
    if (
        not earlier
        or not isinstance(statement, Insert | Update)
        or statement.table is not named.table
    ):
        return
    written = execution.execution_options.get(WRITTEN_BY_ID)
    try:
        rows = _rows_written(connection, statement, execution.compiled_parameters, written)
        first = next((unique for unique in earlier if _taken(connection, unique, rows)), None)
    except Exception:  # the hook must not replace the error it was called for
        log.warning("looking for an earlier broken unique constraint failed", exc_info=True)
        return
    if first is not None:
        setattr(error, _FIRST_BROKEN, first.name)


def _key(table: Table) -> Column[Any] | None:
    """The table's single-column primary key, if that is what it has."""
    columns = list(table.primary_key.columns)
    return columns[0] if len(columns) == 1 else None


def _rows_written(
    connection: Connection,
    statement: Insert | Update,
    parameters: Sequence[Mapping[str, Any]],
    written: WrittenById | None,
) -> list[dict[str, Any]]:
    """The rows as the failed statement would have left them, column name -> value.

    An INSERT's parameters are its rows. An UPDATE's rows are the ones its WHERE matches, read
    now, with the values it writes laid over them: its parameters named after columns, or
    what the statement's `WRITTEN_BY_ID` option gives for that row."""
    table = statement.table
    assert isinstance(table, Table)
    names = set(table.c.keys())
    if isinstance(statement, Insert):
        # A multi-row INSERT goes out as one batch (SQLAlchemy pages at 1000 rows; the bulk
        # registration sends at most 100), so none of its rows is in the table yet.
        return [{k: v for k, v in values.items() if k in names} for values in parameters]
    key = _key(table)
    matched = select(table)
    if statement.whereclause is not None:
        matched = matched.where(statement.whereclause)
    rows: list[dict[str, Any]] = []
    for values in parameters:
        by_row = written(values) if written is not None else None
        for current in connection.execute(matched, dict(values)).mappings():
            if by_row is None:
                changes: Mapping[str, Any] = {k: v for k, v in values.items() if k in names}
            else:
                changes = by_row.get(current[key.name], {}) if key is not None else {}
            rows.append({**current, **changes})
    return rows


def _taken(connection: Connection, unique: _Unique, rows: Sequence[Mapping[str, Any]]) -> bool:
    """Whether one of `rows` would break `unique`: another row holds its key, or two of them
    share one."""
    table = unique.table
    key = _key(table)
    seen: set[tuple[Any, ...]] = set()
    for row in rows:
        values = tuple(row.get(column) for column in unique.columns)
        if any(value is None for value in values):
            continue  # NULLs are never equal to each other in a unique constraint
        if values in seen:
            return True
        seen.add(values)
        holder = (
            select(literal(1))
            .select_from(table)
            .where(*(table.c[c] == v for c, v in zip(unique.columns, values, strict=True)))
        )
        if key is not None and row.get(key.name) is not None:
            holder = holder.where(key != row[key.name])
        if connection.execute(holder.limit(1)).first() is not None:
            return True
    return False


# -- SQLite: the foreign key an INSERT or UPDATE broke ------------------------------------------


def broken_foreign_key_on_sqlite(context: ExceptionContext) -> None:
    """`handle_error` hook of SQLite engines: when an INSERT or UPDATE breaks a foreign key,
    which SQLite does not name, find which one from the MetaData and mark the error with it
    and the key that has no row (see the module docstring).

    It runs while the failed statement's transaction is still open, so it sees what the
    statement saw. If the lookup itself fails, a table with one foreign key still names it."""
    error = context.sqlalchemy_exception
    execution = context.execution_context
    connection = context.connection
    if not isinstance(error, sa_exc.IntegrityError) or connection is None:
        return
    if _SQLITE_FOREIGN_KEY not in str(context.original_exception):
        return
    if not isinstance(execution, DefaultExecutionContext):  # no statement was being run
        return
    compiled = execution.compiled
    statement = compiled.statement if compiled is not None else None
    if not isinstance(statement, Insert | Update) or not isinstance(statement.table, Table):
        return  # a DELETE breaks a foreign key from the referred side: InUse, no lookup
    foreign_keys = _schema().foreign_keys.get(statement.table.name, ())
    written = execution.execution_options.get(WRITTEN_BY_ID)
    broken: tuple[_ForeignKey, object] | None = None
    try:
        rows = _rows_written(connection, statement, execution.compiled_parameters, written)
        for foreign_key in foreign_keys:
            key = _missing_key(connection, foreign_key, rows)
            if key is not None:
                broken = (foreign_key, key)
                break
    except Exception:  # the hook must not replace the error it was called for
        log.warning("looking for the broken foreign key failed", exc_info=True)
    if broken is None and len(foreign_keys) == 1:
        broken = (foreign_keys[0], None)
    if broken is not None:
        setattr(error, _BROKEN_FOREIGN_KEY, (broken[0].name, broken[1]))


def _missing_key(
    connection: Connection, foreign_key: _ForeignKey, rows: Sequence[Mapping[str, Any]]
) -> object | None:
    """The first key `rows` write to `foreign_key` that no referred row holds, or None."""
    keys: list[tuple[Any, ...]] = []
    for row in rows:
        key = tuple(row.get(column.name) for column in foreign_key.columns)
        if None not in key and key not in keys:  # NULL refers to nothing: never broken
            keys.append(key)
    if not keys:
        return None
    referred = foreign_key.referred_columns
    held = select(*referred).where(tuple_(*referred).in_(keys))
    found = {tuple(row) for row in connection.execute(held)}
    missing = next((key for key in keys if key not in found), None)
    if missing is None:
        return None
    return missing[0] if len(missing) == 1 else missing


# -- PostgreSQL: the key row-level security keeps back -------------------------------------------


def hidden_foreign_key_on_postgres(context: ExceptionContext) -> None:
    """`handle_error` hook of PostgreSQL engines: when an INSERT or UPDATE breaks a foreign key
    of a table row-level security guards, and the role is one the policies hold (the app's),
    PostgreSQL names the constraint but keeps the key back, lest its detail show another
    store's row. Find the key from what the failed statement wrote to that foreign key.

    If all its rows wrote one key, that is it. If they wrote several, the failed transaction
    can no longer be asked which has no row: another connection asks, in the rows' store,
    which of them no committed row holds, and names it if it is only one (a row this
    transaction made is not committed, so two such keys leave it unknown, never wrong). If
    the lookup itself fails, the key stays unknown and the foreign key is still named."""
    error = context.sqlalchemy_exception
    execution = context.execution_context
    if not isinstance(error, sa_exc.IntegrityError):
        return
    if not isinstance(execution, DefaultExecutionContext):  # no statement was being run
        return
    sqlstate, driver = _driver_error(error)
    if sqlstate != "23503" or "update or delete on table" in str(error.orig):
        return  # a DELETE breaks a foreign key from the referred side: InUse, no key
    foreign_key = _schema().foreign_key_by_name.get(str(getattr(driver, "constraint_name", "")))
    if foreign_key is None or _postgres_key(driver, foreign_key) is not None:
        return
    compiled = execution.compiled
    statement = compiled.statement if compiled is not None else None
    if not isinstance(statement, Insert | Update):
        return
    written = execution.execution_options.get(WRITTEN_BY_ID)
    rows: list[Mapping[str, Any]] = []
    for values in execution.compiled_parameters:
        rows.extend(written(values).values() if written is not None else [values])
    names = [column.name for column in foreign_key.columns]
    keys = list(
        dict.fromkeys(
            tuple(row[name] for name in names)
            for row in rows
            if all(row.get(name) is not None for name in names)  # NULL refers to nothing
        )
    )
    stores = {row.get(STORE_ID) for row in rows}
    store_id = stores.pop() if len(stores) == 1 else None
    if len(keys) == 1:
        key: tuple[Any, ...] | None = keys[0]
    elif keys and store_id is not None and context.engine is not None:
        try:
            key = _the_key_not_committed(context.engine, foreign_key, keys, int(store_id))
        except Exception:  # the hook must not replace the error it was called for
            log.warning("looking for the key of the broken foreign key failed", exc_info=True)
            key = None
    else:
        key = None
    if key is not None:
        setattr(error, _BROKEN_FOREIGN_KEY, (foreign_key.name, key[0] if len(key) == 1 else key))


def _the_key_not_committed(
    engine: Engine, foreign_key: _ForeignKey, keys: list[tuple[Any, ...]], store_id: int
) -> tuple[Any, ...] | None:
    """The one of `keys` no committed row of store `store_id` holds, or None if not one."""
    referred = foreign_key.referred_columns
    with engine.connect() as connection, connection.begin():
        connection.execute(SET_STORE, {"store": str(store_id)})
        held = select(*referred).where(tuple_(*referred).in_(keys))
        found = {tuple(row) for row in connection.execute(held)}
    missing = [key for key in keys if key not in found]
    return missing[0] if len(missing) == 1 else None


def _postgres_key(driver: BaseException | None, foreign_key: _ForeignKey) -> object | None:
    """The key PostgreSQL's detail says has no row, as the column's Python type; or None."""
    match = _POSTGRES_KEY.search(str(getattr(driver, "detail", None) or ""))
    columns = [column.name for column in foreign_key.columns]
    if match is None or len(columns) != 1 or match["columns"] != columns[0]:
        return None
    try:
        key: object = foreign_key.columns[0].type.python_type(match["key"])
    except (NotImplementedError, TypeError, ValueError):
        return None
    return key


# -- translation -------------------------------------------------------------------------------


def _driver_error(error: sa_exc.DBAPIError) -> tuple[str | None, BaseException | None]:
    """The SQLSTATE (PostgreSQL) and the driver's own exception behind SQLAlchemy's."""
    orig = error.orig
    cause = orig.__cause__ if orig is not None else None
    sqlstate = getattr(orig, "sqlstate", None) or getattr(cause, "sqlstate", None)
    return (str(sqlstate) if sqlstate else None), (cause or orig)


def _integrity(error: sa_exc.IntegrityError) -> DomainError:
    schema = _schema()
    sqlstate, driver = _driver_error(error)
    message = str(error.orig)
    constraint = getattr(error, _FIRST_BROKEN, None) or getattr(driver, "constraint_name", None)
    statement = (error.statement or "").lstrip().upper()
    if sqlstate == "23505" or "UNIQUE constraint failed" in message:
        unique = schema.unique_by_name.get(str(constraint)) if constraint else None
        if unique is None:
            unique = _sqlite_unique(message)
        if unique is None:
            return DuplicateValue("record", "unique field")
        return DuplicateValue(unique.entity, unique.field)
    if sqlstate == "23503" or _SQLITE_FOREIGN_KEY in message:
        # Ids never change, so only a DELETE can break a foreign key from the referred side
        # (PostgreSQL: "update or delete on table ..."); an INSERT or UPDATE breaks it by
        # naming a row that is not there. SQLite does not say which constraint it was.
        foreign_key = schema.foreign_key_by_name.get(str(constraint)) if constraint else None
        if statement.startswith("DELETE") or "update or delete on table" in message:
            entity = foreign_key.entity if foreign_key is not None else "record"
            return InUse(f"this {entity} is still referred to and cannot be deleted")
        marked = getattr(error, _BROKEN_FOREIGN_KEY, None)
        if marked is not None:
            return schema.foreign_key_by_name[marked[0]].not_found(marked[1])
        if foreign_key is not None:
            return foreign_key.not_found(_postgres_key(driver, foreign_key))
        return NotFound("referenced record", "given")
    if sqlstate == "23514" or "CHECK constraint failed" in message:
        match = _SQLITE_CHECK.search(message)
        name = str(constraint) if constraint else (match["name"] if match else "")
        field = schema.check_fields.get(name, "value")
        return InvalidValue(field, "is outside the range the storage accepts")
    return InvalidValue("value", "is not accepted by the storage")


def _operational(error: sa_exc.DBAPIError) -> Exception | None:
    sqlstate, _ = _driver_error(error)
    message = str(error.orig).lower()
    if sqlstate in _CONTENTION_STATES or any(text in message for text in _SQLITE_CONTENTION):
        return Contention("the storage is busy with concurrent writers; try again")
    if error.connection_invalidated or (sqlstate or "").startswith(_UNAVAILABLE_PREFIXES):
        return Unavailable("the storage cannot be reached")
    if isinstance(error, sa_exc.InterfaceError | sa_exc.OperationalError):
        return Unavailable("the storage cannot serve the request")
    return None


_STALE_TABLE = re.compile(r"on table '(\w+)'")


def _stale_entity(error: orm_exc.StaleDataError) -> str:
    """The entity of the row a version guard refused to overwrite, read off its table."""
    found = _STALE_TABLE.search(str(error))
    table = metadata.tables.get(found.group(1)) if found else None
    return "row" if table is None else str(table.info.get(ENTITY, table.name))


def translate(error: BaseException) -> Exception | None:
    """The domain or application error for a storage error, or None if it is not one."""
    if isinstance(error, orm_exc.StaleDataError):
        return StaleVersion(_stale_entity(error), None, 0, 0)
    if isinstance(error, sa_exc.IntegrityError):
        return _integrity(error)
    if isinstance(error, sa_exc.DBAPIError):
        return _operational(error)
    if isinstance(error, sa_exc.TimeoutError):
        return Unavailable("no storage connection became free in time")
    if isinstance(error, OSError):
        return Unavailable("the storage cannot be reached")
    return None


@asynccontextmanager
async def storage_errors() -> AsyncIterator[None]:
    """Run a block, letting no raw storage error out: it leaves as what `translate` says."""
    try:
        yield
    except (sa_exc.SQLAlchemyError, OSError) as error:
        translated = translate(error)
        if translated is None:
            raise
        raise translated from error
