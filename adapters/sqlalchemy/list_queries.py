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

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    FromClause,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    func,
    literal,
    or_,
    select,
)
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


def contains_text(
    column: ColumnElement[Any], term: str, dialect: str, name: str | None = None
) -> ColumnElement[bool]:
    """`term` occurs in `column`, ignoring case; `%` and `_` are plain characters. With a
    `name` (PostgreSQL only), the pattern is the bound parameter of that name."""
    if dialect == "sqlite":
        return func.unicode_lower(column).like(_literal_pattern(term.lower()), escape=_ESCAPE)
    pattern: Any = _literal_pattern(term) if name is None else bindparam(name, type_=String)
    return column.ilike(pattern, escape=_ESCAPE)


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

    def condition(self, flt: Filter, dialect: str, name: str | None = None) -> ColumnElement[bool]:
        """`flt` in SQL; with a `name`, its value is the bound parameter of that name."""
        column = self.columns[flt.field]
        value = flt.value
        if flt.op is Op.IS_NULL:
            return column.is_(None) if value else column.is_not(None)
        if flt.op is Op.LIKE:
            return contains_text(column, str(value), dialect, name)
        if flt.op is Op.IN:
            assert isinstance(value, tuple)
            return column.in_(value)
        # A bound value of the column's type, as `column == value` would make it.
        operand: ColumnElement[Any] = (
            literal(value, column.type) if name is None else bindparam(name, value, column.type)
        )
        if flt.op is Op.EQ:
            return column == operand
        if flt.op is Op.NE:
            # SQL's `<>` is NULL, hence false, for a NULL column: the documented semantics.
            return column != operand
        ordered = self._text(flt.field, dialect)
        if flt.op is Op.GT:
            return ordered > operand
        if flt.op is Op.GTE:
            return ordered >= operand
        if flt.op is Op.LT:
            return ordered < operand
        if flt.op is Op.LTE:
            return ordered <= operand
        raise AssertionError(f"unhandled operator {flt.op}")  # pragma: no cover

    def where(
        self, query: ListQuery, dialect: str, *, named: bool = False
    ) -> ColumnElement[bool] | None:
        conditions = [
            self.condition(flt, dialect, f"filter_{index}" if named else None)
            for index, flt in enumerate(query.filters)
        ]
        if query.search is not None and self.search_columns:
            conditions.append(
                or_(
                    *(
                        contains_text(c, query.search, dialect, "search" if named else None)
                        for c in self.search_columns
                    )
                )
            )
        return and_(*conditions) if conditions else None

    def shape(self, query: ListQuery) -> Hashable | None:
        """What decides the SQL of `query` once its values are bound by name (`named_page`);
        None when the SQL depends on a value too (an `in` list's length)."""
        if any(flt.op is Op.IN for flt in query.filters):
            return None
        return (
            id(self),
            tuple(
                (flt.field, flt.op, bool(flt.value) if flt.op is Op.IS_NULL else None)
                for flt in query.filters
            ),
            tuple(query.sort),
            query.search is not None,
        )

    @staticmethod
    def named_values(query: ListQuery) -> dict[str, Any]:
        """The values of `named_page(…)`'s parameters for `query`."""
        values: dict[str, Any] = {
            "page_limit": query.page.page_size,
            "page_offset": query.page.offset,
        }
        for index, flt in enumerate(query.filters):
            values[f"filter_{index}"] = (
                _literal_pattern(str(flt.value)) if flt.op is Op.LIKE else flt.value
            )
        if query.search is not None:
            values["search"] = _literal_pattern(query.search)
        return values

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

    def named_page(self, selected: Sequence[ColumnElement[Any]], query: ListQuery) -> Select[Any]:
        """`page` on PostgreSQL with every value a named parameter (see `named_values`): the
        same SQL for every query of one `shape`.

        The total comes from a scalar subquery, not `count(*) OVER ()`: the window has to
        read every matching row in the page's order before the LIMIT applies (for one
        category of products: the whole primary-key index), while the subquery counts on
        the filter's own index and the page stops after its rows. Still one statement, so
        one snapshot."""
        condition = self.where(query, "postgresql", named=True)
        total = select(func.count()).select_from(self.source)
        statement = select(*selected)
        if condition is not None:
            total = total.where(condition)
            statement = statement.where(condition)
        statement = statement.add_columns(total.scalar_subquery().label("total_count"))
        return (
            statement.select_from(self.source)
            .order_by(*self.order_by(query.sort, "postgresql"))
            .limit(bindparam("page_limit", type_=Integer))
            .offset(bindparam("page_offset", type_=Integer))
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
