"""List queries: filters, sorting and pages over a whitelist of fields.

A `ListSchema` names the fields a resource may be filtered and sorted by, and turns raw
query-string pairs (`price__gte=10`, `sort=-price,name`) into a typed `ListQuery`, refusing
anything outside the whitelist with `InvalidQuery`. Query adapters receive only `ListQuery`
objects, so they never see a field name that was not whitelisted.

Operators are those of the classic query builder: eq, ne, gt, gte, lt, lte, like (case-
insensitive substring, `%` and `_` taken literally), in (comma-separated), is_null (true or
false). Date-times carry a time zone and are compared in UTC; one that lies outside the
years 1 to 9999 once in UTC is refused, like any other value of the wrong kind. Text sorts by
code point; in ascending order NULLs come first. Every order ends in the id, so pages neither
repeat nor skip rows.

A query takes at most `MAX_FILTERS` filters (an operation's own, such as a user's orders
being that user's, come on top) and an `in` list at most `MAX_IN_VALUES` values; more is an
`InvalidQuery`. Each filter is a condition the storage must compile and evaluate: without a
bound, one request could make a statement of any size, and every distinct number of filters
another statement for the storage to compile and keep.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Generic, TypeVar

from application.shared.errors import InvalidQuery
from domain.shared.errors import InvalidValue
from domain.shared.money import to_money
from domain.shared.text import clean_text

__all__ = [
    "INT4_MAX",
    "MAX_FILTERS",
    "MAX_IN_VALUES",
    "MAX_PAGE",
    "MAX_PAGE_SIZE",
    "FieldKind",
    "FieldSpec",
    "Filter",
    "ListQuery",
    "ListSchema",
    "Op",
    "Page",
    "PageRequest",
    "SortKey",
]

T = TypeVar("T")

INT4_MAX = 2_147_483_647
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
MAX_PAGE = 1_000_000
MAX_FILTERS = 20
MAX_IN_VALUES = 100
MAX_TEXT_VALUE = 200

FilterValue = int | str | Decimal | bool | datetime | None | tuple[int | str | Decimal, ...]


class Op(StrEnum):
    EQ = "eq"
    NE = "ne"
    GT = "gt"
    GTE = "gte"
    LT = "lt"
    LTE = "lte"
    LIKE = "like"
    IN = "in"
    IS_NULL = "is_null"


class FieldKind(StrEnum):
    INT = "int"
    DECIMAL = "decimal"
    TEXT = "text"
    BOOL = "bool"
    DATETIME = "datetime"
    CHOICE = "choice"


_COMPARISONS = frozenset({Op.EQ, Op.NE, Op.GT, Op.GTE, Op.LT, Op.LTE})
_OPERATORS: dict[FieldKind, frozenset[Op]] = {
    FieldKind.INT: _COMPARISONS | {Op.IN},
    FieldKind.DECIMAL: _COMPARISONS | {Op.IN},
    FieldKind.TEXT: _COMPARISONS | {Op.IN, Op.LIKE},
    FieldKind.BOOL: frozenset({Op.EQ, Op.NE}),
    FieldKind.DATETIME: _COMPARISONS,
    FieldKind.CHOICE: frozenset({Op.EQ, Op.NE, Op.IN}),
}


@dataclass(frozen=True)
class FieldSpec:
    kind: FieldKind
    nullable: bool = False
    sortable: bool = True
    filterable: bool = True
    choices: tuple[str, ...] = ()

    @property
    def operators(self) -> frozenset[Op]:
        if not self.filterable:
            return frozenset()
        ops = _OPERATORS[self.kind]
        return ops | {Op.IS_NULL} if self.nullable else ops


@dataclass(frozen=True)
class Filter:
    field: str
    op: Op
    value: FilterValue


@dataclass(frozen=True)
class SortKey:
    field: str
    descending: bool = False


@dataclass(frozen=True)
class PageRequest:
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE

    def __post_init__(self) -> None:
        if not 1 <= self.page <= MAX_PAGE:
            raise InvalidQuery("page", f"must be between 1 and {MAX_PAGE}")
        if not 1 <= self.page_size <= MAX_PAGE_SIZE:
            raise InvalidQuery("page_size", f"must be between 1 and {MAX_PAGE_SIZE}")

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


@dataclass(frozen=True)
class ListQuery:
    filters: tuple[Filter, ...] = ()
    sort: tuple[SortKey, ...] = (SortKey("id"),)
    page: PageRequest = field(default_factory=PageRequest)
    search: str | None = None

    def narrowed(self, name: str, value: FilterValue) -> ListQuery:
        """The same query, kept to rows whose `name` equals `value` as well."""
        return replace(self, filters=(*self.filters, Filter(name, Op.EQ, value)))


@dataclass(frozen=True)
class Page(Generic[T]):
    items: Sequence[T]
    total: int
    page: int
    page_size: int

    @property
    def total_pages(self) -> int:
        return math.ceil(self.total / self.page_size) if self.total else 0

    @property
    def has_next(self) -> bool:
        return self.page < self.total_pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def _parse_int(raw: str) -> int:
    text = raw.strip()
    if not text.lstrip("-").isdigit() or len(text) > 11:
        raise ValueError("is not an integer")
    value = int(text)
    if not -INT4_MAX - 1 <= value <= INT4_MAX:
        raise ValueError(f"must be between {-INT4_MAX - 1} and {INT4_MAX}")
    return value


def _parse_decimal(raw: str) -> Decimal:
    try:
        return to_money(raw.strip(), "value")
    except InvalidValue as err:
        raise ValueError(err.reason) from None


def _parse_text(raw: str) -> str:
    try:
        # Multi-line: a value is compared with stored text, and some of that spans lines.
        return clean_text(raw, "value", max_length=MAX_TEXT_VALUE, multiline=True, min_length=0)
    except InvalidValue as err:
        raise ValueError(err.reason) from None


def _parse_bool(raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in {"true", "1", "yes"}:
        return True
    if lowered in {"false", "0", "no"}:
        return False
    raise ValueError("must be true or false")


def _parse_datetime(raw: str) -> datetime:
    try:
        value = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise ValueError("is not an ISO 8601 date-time") from None
    if value.utcoffset() is None:
        raise ValueError("must carry a time zone (e.g. 2026-01-01T00:00:00Z)")
    try:
        return value.astimezone(UTC)
    except OverflowError:
        # 9999-12-31T23:59:59-01:00 is written correctly but lies past the last instant a
        # datetime holds once moved to UTC (year 9999); year 1 ends the other way.
        raise ValueError("is outside the years 1 to 9999 once in UTC") from None


_PARSERS: dict[FieldKind, Callable[[str], int | Decimal | str | bool | datetime]] = {
    FieldKind.INT: _parse_int,
    FieldKind.DECIMAL: _parse_decimal,
    FieldKind.TEXT: _parse_text,
    FieldKind.BOOL: _parse_bool,
    FieldKind.DATETIME: _parse_datetime,
    FieldKind.CHOICE: _parse_text,
}


@dataclass(frozen=True)
class ListSchema:
    """The whitelist of one resource's list endpoint."""

    fields: Mapping[str, FieldSpec]
    default_sort: tuple[SortKey, ...] = (SortKey("id"),)
    searchable: bool = False

    def filter(self, key: str, raw: str) -> Filter:
        """`price__gte` + `"10"` -> Filter("price", GTE, Decimal("10.00")); bare name means eq."""
        name, _, op_name = key.partition("__")
        spec = self.fields.get(name)
        if spec is None or not spec.filterable:
            raise InvalidQuery(key, f"cannot filter on {name!r}; allowed: {self._names()}")
        try:
            op = Op(op_name or "eq")
        except ValueError:
            raise InvalidQuery(key, f"unknown operator {op_name!r}") from None
        if op not in spec.operators:
            allowed = ", ".join(sorted(spec.operators))
            raise InvalidQuery(key, f"{name!r} takes the operators {allowed}")
        try:
            value = self._value(spec, op, raw)
        except ValueError as err:
            raise InvalidQuery(key, str(err)) from None
        return Filter(name, op, value)

    def _value(self, spec: FieldSpec, op: Op, raw: str) -> FilterValue:
        if op is Op.IS_NULL:
            return _parse_bool(raw)
        parse = _PARSERS[spec.kind]
        if op is Op.IN:
            parts = [part for part in raw.split(",") if part.strip()]
            if not parts or len(parts) > MAX_IN_VALUES:
                raise ValueError(f"takes 1 to {MAX_IN_VALUES} comma-separated values")
            return tuple(self._checked(spec, parse(part)) for part in parts)  # type: ignore[misc]
        return self._checked(spec, parse(raw))

    @staticmethod
    def _checked(
        spec: FieldSpec, value: int | Decimal | str | bool | datetime
    ) -> int | Decimal | str | bool | datetime:
        if spec.kind is FieldKind.CHOICE and value not in spec.choices:
            raise ValueError(f"must be one of {', '.join(spec.choices)}")
        return value

    def sort(self, raw: str | None) -> tuple[SortKey, ...]:
        """`-price,name` -> price descending, then name; the id always ends the order."""
        if raw is None or not raw.strip():
            keys = list(self.default_sort)
        else:
            keys = []
            for part in raw.split(","):
                token = part.strip()
                descending = token.startswith("-")
                name = token.lstrip("-+")
                spec = self.fields.get(name)
                if spec is None or not spec.sortable:
                    raise InvalidQuery("sort", f"cannot sort by {name!r}; allowed: {self._names()}")
                if any(k.field == name for k in keys):
                    raise InvalidQuery("sort", f"{name!r} is named twice")
                keys.append(SortKey(name, descending))
        if not any(k.field == "id" for k in keys):
            keys.append(SortKey("id", keys[-1].descending if keys else False))
        return tuple(keys)

    def query(
        self,
        filters: Iterable[tuple[str, str]] = (),
        *,
        sort: str | None = None,
        page: int = 1,
        page_size: int = DEFAULT_PAGE_SIZE,
        search: str | None = None,
    ) -> ListQuery:
        """Build a ListQuery from raw pairs; the first thing outside the whitelist is refused."""
        if search is not None and not self.searchable:
            raise InvalidQuery("search", "this list cannot be searched")
        pairs = tuple(filters)
        if len(pairs) > MAX_FILTERS:
            raise InvalidQuery(
                "filters", f"at most {MAX_FILTERS} filters per request; {len(pairs)} were given"
            )
        return ListQuery(
            filters=tuple(self.filter(key, raw) for key, raw in pairs),
            sort=self.sort(sort),
            page=PageRequest(page, page_size),
            search=_search_term(search),
        )

    def _names(self) -> str:
        return ", ".join(self.fields)


def _search_term(raw: str | None) -> str | None:
    if raw is None:
        return None
    try:
        term = clean_text(raw, "search", max_length=MAX_TEXT_VALUE, multiline=True, min_length=0)
    except InvalidValue as err:
        raise InvalidQuery("search", err.reason) from None
    return term or None
