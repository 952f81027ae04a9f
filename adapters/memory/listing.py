"""A `ListQuery` evaluated over rows in memory, with the semantics SQL gives it.

The rules are those of `application.shared.listing`, with SQL's treatment of NULL: a
comparison with NULL never matches (so `ne` does not match NULL rows either), only `is_null`
finds them; in ascending order NULLs come first, in descending order last.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from application.shared.listing import Filter, ListQuery, Op, Page, SortKey

__all__ = ["FieldValue", "list_page", "matches", "sort_rows"]

T = TypeVar("T")

FieldValue = Callable[[T, str], Any]
"""How to read a whitelisted field of a row."""

_COMPARE: dict[Op, Callable[[Any, Any], bool]] = {
    Op.EQ: operator.eq,
    Op.NE: operator.ne,
    Op.GT: operator.gt,
    Op.GTE: operator.ge,
    Op.LT: operator.lt,
    Op.LTE: operator.le,
    Op.IN: lambda value, choices: value in choices,
    # `%` and `_` are plain characters here, as the adapters escape them in SQL.
    Op.LIKE: lambda value, part: str(part).lower() in str(value).lower(),
}


def matches(value: Any, flt: Filter) -> bool:
    if flt.op is Op.IS_NULL:
        return (value is None) is bool(flt.value)
    if value is None:
        return False
    return _COMPARE[flt.op](value, flt.value)


def _nulls_first(value: Any) -> tuple[int, Any]:
    return (0, 0) if value is None else (1, value)


def sort_rows(rows: Iterable[T], keys: Sequence[SortKey], value_of: FieldValue[T]) -> list[T]:
    """Sort by every key; Python's sort is stable, so sorting by the last key first works."""
    ordered = list(rows)
    for key in reversed(keys):
        name = key.field
        ordered.sort(key=lambda row: _nulls_first(value_of(row, name)), reverse=key.descending)
    return ordered


def list_page(
    rows: Iterable[T],
    query: ListQuery,
    value_of: FieldValue[T] = getattr,
    search: Callable[[T, str], bool] | None = None,
) -> Page[T]:
    """Filter, search, sort and cut out one page; `total` counts every matching row."""
    found = [
        row
        for row in rows
        if all(matches(value_of(row, flt.field), flt) for flt in query.filters)
        and (query.search is None or search is None or search(row, query.search))
    ]
    ordered = sort_rows(found, query.sort, value_of)
    start = query.page.offset
    return Page(
        items=ordered[start : start + query.page.page_size],
        total=len(found),
        page=query.page.page,
        page_size=query.page.page_size,
    )
