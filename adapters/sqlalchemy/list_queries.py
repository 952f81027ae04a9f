"""One compiler from `ListQuery` to SQL, shared by every list of the read side.

It implements, on PostgreSQL and SQLite alike, the semantics stated in
`application.shared.listing` (which the in-memory adapter implements in Python):

    eq ne gt gte lt lte   SQL comparison; a NULL never matches (so `ne` skips NULLs too)
    in                    any of the values
    is_null               IS NULL / IS NOT NULL
    like                  case-insensitive substring, `%` and `_` taken literally
    sort                  text by code point; NULLs first ascending, last descending;
                          the id always ends the order, so pages never overlap

Only whitelisted fields reach this module (the `ListSchema` refuses the rest), and each is
looked up in the adapter's column map: no client text is ever spliced into SQL.

Text order by code point: SQLite's default BINARY collation already is; PostgreSQL compares
and sorts text under the "C" collation here, whatever the database's default. Case folding:
PostgreSQL's ILIKE (which can use the trigram index on product names); on SQLite, whose
lower() and LIKE fold ASCII only, a `unicode_lower` function registered on every connection
(engine.py) folds with Python's `str.lower`, as the in-memory adapter does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, FromClause, Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sqlalchemy.read_side import AnyRow
from application.shared.listing import FieldKind, Filter, ListQuery, ListSchema, Op, SortKey

__all__ = ["ListCompiler", "contains_text", "fetch_page"]

_ESCAPE = "/"


def _literal_pattern(term: str) -> str:
    escaped = (
        term.replace(_ESCAPE, _ESCAPE * 2).replace("%", _ESCAPE + "%").replace("_", _ESCAPE + "_")
    )
    return f"%{escaped}%"


def contains_text(column: ColumnElement[Any], term: str, dialect: str) -> ColumnElement[bool]:
    """`term` occurs in `column`, ignoring case; `%` and `_` are plain characters."""
    if dialect == "sqlite":
        return func.unicode_lower(column).like(_literal_pattern(term.lower()), escape=_ESCAPE)
    return column.ilike(_literal_pattern(term), escape=_ESCAPE)


@dataclass(frozen=True)
class ListCompiler:
    """WHERE and ORDER BY for one resource: its whitelist and the column of each field."""

    schema: ListSchema
    source: FromClause
    columns: Mapping[str, ColumnElement[Any]]
    search_columns: Sequence[ColumnElement[Any]] = ()

    def __post_init__(self) -> None:
        missing = set(self.schema.fields) - set(self.columns)
        if missing:
            raise ValueError(f"no column for the whitelisted fields {sorted(missing)}")

    def _text(self, name: str, dialect: str) -> ColumnElement[Any]:
        column = self.columns[name]
        if dialect == "postgresql" and self.schema.fields[name].kind is FieldKind.TEXT:
            return column.collate("C")
        return column

    def condition(self, flt: Filter, dialect: str) -> ColumnElement[bool]:
        column = self.columns[flt.field]
        value = flt.value
        if flt.op is Op.IS_NULL:
            return column.is_(None) if value else column.is_not(None)
        if flt.op is Op.LIKE:
            return contains_text(column, str(value), dialect)
        if flt.op is Op.IN:
            assert isinstance(value, tuple)
            return column.in_(value)
        if flt.op is Op.EQ:
            return column == value
        if flt.op is Op.NE:
            # SQL's `<>` is NULL, hence false, for a NULL column: the documented semantics.
            return column != value
        ordered = self._text(flt.field, dialect)
        if flt.op is Op.GT:
            return ordered > value
        if flt.op is Op.GTE:
            return ordered >= value
        if flt.op is Op.LT:
            return ordered < value
        if flt.op is Op.LTE:
            return ordered <= value
        raise AssertionError(f"unhandled operator {flt.op}")  # pragma: no cover

    def where(self, query: ListQuery, dialect: str) -> ColumnElement[bool] | None:
        conditions = [self.condition(flt, dialect) for flt in query.filters]
        if query.search is not None and self.search_columns:
            conditions.append(
                or_(*(contains_text(c, query.search, dialect) for c in self.search_columns))
            )
        return and_(*conditions) if conditions else None

    def order_by(self, keys: Sequence[SortKey], dialect: str) -> list[ColumnElement[Any]]:
        clauses: list[ColumnElement[Any]] = []
        for key in keys:
            expression = self._text(key.field, dialect)
            nullable = self.schema.fields[key.field].nullable
            if key.descending:
                clause = expression.desc()
                clauses.append(clause.nulls_last() if nullable else clause)
            else:
                clause = expression.asc()
                clauses.append(clause.nulls_first() if nullable else clause)
        if not any(key.field == "id" for key in keys):
            clauses.append(self.columns["id"].asc())
        return clauses

    def page(
        self, selected: Sequence[ColumnElement[Any]], query: ListQuery, dialect: str
    ) -> Select[Any]:
        """One page of rows, each carrying the total of matching rows as `total_count`.

        The window count saves a second statement; a page past the end has no row to carry
        it, and the caller asks `count` instead."""
        statement = select(*selected, func.count().over().label("total_count")).select_from(
            self.source
        )
        condition = self.where(query, dialect)
        if condition is not None:
            statement = statement.where(condition)
        return (
            statement.order_by(*self.order_by(query.sort, dialect))
            .limit(query.page.page_size)
            .offset(query.page.offset)
        )

    def count(self, query: ListQuery, dialect: str) -> Select[Any]:
        statement = select(func.count()).select_from(self.source)
        condition = self.where(query, dialect)
        return statement.where(condition) if condition is not None else statement


async def fetch_page(
    connection: AsyncConnection,
    compiler: ListCompiler,
    selected: Sequence[ColumnElement[Any]],
    query: ListQuery,
) -> tuple[list[AnyRow], int]:
    """The rows of `query`'s page and the total of matching rows."""
    dialect = connection.dialect.name
    rows = list(await connection.execute(compiler.page(selected, query, dialect)))
    if rows:
        return rows, int(rows[0].total_count)
    if query.page.offset == 0:
        return rows, 0
    total = await connection.scalar(compiler.count(query, dialect))
    return rows, int(total or 0)
