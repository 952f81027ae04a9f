"""Store scoping in SQL: whatever a unit of work or a read does, it does in one store.

Each is opened for a store, and this module is the one place that makes every statement keep
to it; repositories and queries are written as if there were one store.

The unit of work's session (`scope_session(session, store_id)`):

    reading, changing, deleting   every ORM statement gets the criterion `store_id = :store`
                                  for each store-scoped entity it touches, relationship loads
                                  included (`with_loader_criteria`, SQLAlchemy's global
                                  criterion, added in the `do_orm_execute` event)
    inserting                     every new object of a store-scoped table is stamped with
                                  the store (`before_flush`); Core INSERTs of the hot write
                                  path stamp it through `stamped(...)`
    anything else                 a Core SELECT, UPDATE or DELETE over a store's table that
                                  is not ORM-enabled, and any SQL text (whose tables cannot
                                  be seen), is refused (`UnscopedStatement`) unless marked
                                  `keeps_to_store(...)`: it filters by the store itself or
                                  names only rows loaded from it. Nothing reads around the
                                  wall by accident
    PostgreSQL                    each transaction begins with
                                  `set_config('storefront.store_id', :store, true)`, which the
                                  row-level security policies read: the second wall, which
                                  holds even for a statement that forgot the first

The read side (`ReadSide`, adapters/sqlalchemy/read_side.py) selects from `scoped(table)`
instead of the table: a subquery of the store's rows, named like the table, whose
`:store_id` every read binds. PostgreSQL and SQLite both flatten it into the query they
would have run against the table, with the store's condition added.

A new context's tables get all of this by declaring `store_column()` (schema.py): no
repository or query of theirs names the store.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any, Final

from sqlalchemy import Subquery, Table, TextClause, bindparam, event, select, text
from sqlalchemy.orm import Mapper, ORMExecuteState, Session, with_loader_criteria
from sqlalchemy.sql import visitors

from adapters.sqlalchemy.schema import STORE_ID, metadata

__all__ = [
    "KEEPS_TO_STORE",
    "SET_STORE",
    "SET_STORE_FOR_SESSION",
    "STORE_SETTING",
    "UnscopedStatement",
    "bind_store_parameter",
    "install_store_scoping",
    "keeps_to_store",
    "scope_session",
    "scoped",
    "session_store",
    "stamped",
    "store_of",
]

STORE_SETTING: Final = "storefront.store_id"
"""The PostgreSQL setting the row-level security policies compare each row's store with."""
_INFO_KEY: Final = "store_id"
SET_STORE = text(f"SELECT set_config('{STORE_SETTING}', :store, true)")
"""Names the store to PostgreSQL's policies for the rest of the transaction."""
SET_STORE_FOR_SESSION: Final = f"SELECT set_config('{STORE_SETTING}', $1, false)"
"""The same for a driver-level read, which runs outside any transaction (asyncpg's SQL)."""


KEEPS_TO_STORE: Final = "keeps_to_store"
"""Execution option of a Core statement that keeps to the session's store by itself."""


def keeps_to_store(statement: Any) -> Any:
    """Mark a Core statement that filters by `store_id` itself (or only names rows this
    session loaded from its store), so that the guard lets it through."""
    return statement.execution_options(**{KEEPS_TO_STORE: True})


def session_store(session: Any) -> int:
    """The store of a unit of work's session (sync or async), for a statement that filters
    by it itself."""
    store_id = store_of(getattr(session, "sync_session", session))
    if store_id is None:
        raise UnscopedStatement("a store's rows asked for outside any store")
    return store_id


class UnscopedStatement(RuntimeError):
    """A statement over a store's rows that nothing keeps to one store: a programming error."""


def scope_session(session: Session, store_id: int) -> None:
    """Keep everything `session` does to the rows of store `store_id`."""
    session.info[_INFO_KEY] = store_id


def store_of(session: Session) -> int | None:
    found = session.info.get(_INFO_KEY)
    return None if found is None else int(found)


def stamped(session: Session, row: dict[str, Any]) -> dict[str, Any]:
    """`row` with the session's store, for a Core INSERT into a store's table."""
    store_id = store_of(session)
    if store_id is None:
        raise UnscopedStatement("a row of a store's table inserted outside any store")
    return {**row, STORE_ID: store_id}


@cache
def _scoped_table_names() -> frozenset[str]:
    return frozenset(table.name for table in metadata.tables.values() if STORE_ID in table.c)


def _is_scoped(mapper: Mapper[Any]) -> bool:
    return any(STORE_ID in table.c for table in mapper.tables)


def _tables_of(statement: Any) -> Iterable[str]:
    for element in visitors.iterate(statement):
        if isinstance(element, Table):
            yield element.name


def _holds_text(statement: Any) -> bool:
    return any(isinstance(element, TextClause) for element in visitors.iterate(statement))


def _mappers_of(state: ORMExecuteState) -> list[Mapper[Any]]:
    """The entities an ORM statement selects, and the one it is run for: a statement that
    selects a table's columns from its entity (`select(users.c.is_active).select_from(User)`)
    selects no entity, but is run for that one."""
    mappers = list(state.all_mappers)
    if state.bind_mapper is not None and state.bind_mapper not in mappers:
        mappers.append(state.bind_mapper)
    return mappers


def _on_orm_execute(state: ORMExecuteState) -> None:
    store_id = store_of(state.session)
    if store_id is None:
        return
    if state.is_orm_statement:
        if state.is_select or state.is_update or state.is_delete:
            state.statement = state.statement.options(
                *(
                    with_loader_criteria(
                        mapper.class_,
                        lambda cls: cls.store_id == store_id,
                        include_aliases=True,
                    )
                    for mapper in _mappers_of(state)
                    if _is_scoped(mapper)
                )
            )
        return
    if state.is_insert or state.execution_options.get(KEEPS_TO_STORE):
        return  # a Core INSERT stamps its rows (`stamped`); the other one says it filters
    if _holds_text(state.statement):
        raise UnscopedStatement(
            "SQL text keeps to no store that can be seen: write the statement with the "
            "tables, or make it filter by store_id and mark it `keeps_to_store`"
        )
    touched = _scoped_table_names().intersection(_tables_of(state.statement))
    if touched:
        raise UnscopedStatement(
            f"a Core statement over {', '.join(sorted(touched))} keeps to no store: select "
            "through the mapped classes, or filter by store_id and mark it `keeps_to_store`"
        )


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    store_id = store_of(session)
    if store_id is None:
        return
    for instance in session.new:
        mapper = getattr(type(instance), "__mapper__", None)
        if mapper is not None and _is_scoped(mapper):
            instance.store_id = store_id


def _after_begin(session: Session, transaction: Any, connection: Any) -> None:
    store_id = store_of(session)
    # A savepoint is inside a transaction that has named its store already.
    if transaction.nested:
        return
    if store_id is not None and connection.dialect.name == "postgresql":
        connection.execute(SET_STORE, {"store": str(store_id)})


_installed = False


def install_store_scoping() -> None:
    """Listen to every ORM session's events (once per process)."""
    global _installed
    if _installed:
        return
    event.listen(Session, "do_orm_execute", _on_orm_execute)
    event.listen(Session, "before_flush", _before_flush)
    event.listen(Session, "after_begin", _after_begin)
    _installed = True


@cache
def scoped(table: Table) -> Subquery:
    """The read side's view of a store's table: its rows in the store bound to `:store_id`,
    under the table's own name, with the table's columns."""
    if STORE_ID not in table.c:
        raise ValueError(f"{table.name} has no {STORE_ID}: read it as it is")
    return select(table).where(table.c[STORE_ID] == bindparam(STORE_ID)).subquery(table.name)


def _store_parameter(
    _conn: Any, statement: Any, multiparams: Any, params: Any, execution_options: Any
) -> tuple[Any, Any, Any]:
    store_id = execution_options.get(STORE_ID)
    if store_id is not None and not multiparams:
        params = {**params, STORE_ID: store_id}
    return statement, multiparams, params


def bind_store_parameter(engine: Any) -> None:
    """On `engine`, a connection opened with `execution_options(store_id=...)` gives that
    value to the `:store_id` of every statement it runs (the `scoped` views' parameter)."""
    if not event.contains(engine.sync_engine, "before_execute", _store_parameter):
        event.listen(engine.sync_engine, "before_execute", _store_parameter, retval=True)
