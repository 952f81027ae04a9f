"""Query strings of list endpoints, and the refusal of query parameters nobody declared or
gave twice.

A list endpoint depends on `ListParameters(SCHEMA)`: `page`, `page_size` and `sort` are
ordinary parameters; every other pair of the query string that the operation does not declare
itself is a filter (`price__gte=10`, bare `category_id=3` meaning `__eq`) or, on a searchable
list, `search`. The application's `ListSchema` turns them into a `ListQuery` and refuses what
is outside its whitelist (422).

FastAPI ignores query parameters an operation does not declare; every router of the app makes
its routes `StrictQueryRoute`s, which answer them with a 422 on every other operation, so a
typo such as `?limt=5` is never silently dropped. FastAPI also takes the last of two values
of a single-valued query parameter (`?page=1&page=2` is page 2) and the first of two headers
of one name: a `StrictQueryRoute` answers a repeated single-valued query parameter or header
with a 422 naming it, on every operation (repeated filters are fine, and so is a parameter
declared as a list). Which names an operation declares, and which of them take one value, is
worked out once, when its route is built (an app-wide dependency would do the same work on
every request, through FastAPI's dependency resolution); a request without repeated names
costs one comparison of two lengths. The filters are documented in OpenAPI through the
route's `openapi_extra=LIST.openapi_extra`.

What OpenAPI says of a parameter is exactly what is accepted: `sort` names the list's own
sort keys, each filter value has the form of its kind (an `__in` list is an array of them,
comma-separated), and a value in another form is refused here, before the more forgiving
`ListSchema` reads it.
"""

from __future__ import annotations

import copy
import functools
import inspect
import re
from collections.abc import Callable, Coroutine, Iterable, Iterator
from dataclasses import dataclass
from typing import Annotated, Any, Final, TypeVar

from fastapi import Query, Request, Response
from fastapi._compat import ModelField, field_annotation_is_sequence
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

from application.shared.errors import InvalidQuery
from application.shared.listing import (
    DEFAULT_PAGE_SIZE,
    INT4_MAX,
    MAX_IN_VALUES,
    MAX_PAGE,
    MAX_PAGE_SIZE,
    MAX_TEXT_VALUE,
    FieldKind,
    FieldSpec,
    ListQuery,
    ListSchema,
    Op,
)
from domain.shared.text import MULTI_LINE_PATTERN
from entrypoints.http.schemas.fields import CONTROL, WHITE_SPACE

__all__ = [
    "ListParameters",
    "StrictQueryRoute",
    "filter_parameters",
]


class ListParameters:
    """A FastAPI dependency: one list endpoint's query string as a `ListQuery`."""

    def __init__(self, schema: ListSchema, *, default_sort: str | None = None) -> None:
        self.schema = schema
        self.default_sort = default_sort
        self.sort = _sort_wire(schema)
        # FastAPI reads a dependency's parameters from its signature, and every list has sort
        # keys of its own: this one shows FastAPI `__call__`'s, with `sort` described by them.
        self.__signature__ = _with_sort(inspect.signature(self.__call__, eval_str=True), self.sort)

    async def __call__(
        self,
        request: Request,
        page: Annotated[int, Query(ge=1, le=MAX_PAGE, description="1-based page number.")] = 1,
        page_size: Annotated[
            int, Query(ge=1, le=MAX_PAGE_SIZE, description="Items per page.")
        ] = DEFAULT_PAGE_SIZE,
        sort: str | None = None,  # described to FastAPI with this list's keys: `_with_sort`
    ) -> ListQuery:
        if sort is not None and not self.sort.accepts(sort):
            raise InvalidQuery("sort", self.sort.message)
        declared = _declared(request)
        filters: list[tuple[str, str]] = []
        search: str | None = None
        for key, value in request.query_params.multi_items():
            if key in declared:
                continue
            if key == "search" and self.schema.searchable:
                if not _TEXT.accepts(value):
                    raise InvalidQuery("search", _TEXT.message)
                search = value
            else:
                _check_wire(self.schema, key, value)
                filters.append((key, value))
        return self.schema.query(
            filters,
            sort=sort if sort is not None else self.default_sort,
            page=page,
            page_size=page_size,
            search=search,
        )

    @property
    def openapi_extra(self) -> dict[str, Any]:
        """For the route decorator: documents the filters FastAPI cannot see by itself."""
        return {"parameters": filter_parameters(self.schema)}


# ------------------------------------------------------------------ which names are declared
_Name = TypeVar("_Name", str, bytes)


class StrictQueryRoute(APIRoute):
    """An operation that refuses query parameters it does not declare, and single-valued
    query parameters and headers given more than once (a 422 naming each).

    List operations (those depending on `ListParameters`) take every other name as a filter
    and leave the refusal to their `ListSchema`; a filter may be repeated, `search` may not."""

    declared_query: frozenset[str] = frozenset()

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        # Called while the route is built, once its dependencies are known.
        handle = super().get_route_handler()
        dependants = list(_dependants(self.dependant))
        queries = [field for one in dependants for field in one.query_params]
        self.declared_query = declared = frozenset(field.alias for field in queries)
        lists = [one.call for one in dependants if isinstance(one.call, ListParameters)]
        once = {field.alias for field in queries if _takes_one(field)}
        if any(listing.schema.searchable for listing in lists):
            once.add("search")
        single_query = frozenset(once)
        # Raw header names are lower-case bytes; a refusal names the header as declared.
        single_headers = {
            field.alias.lower().encode("latin-1"): field.alias
            for one in dependants
            for field in one.header_params
            if _takes_one(field)
        }
        refuse_unknown = not lists

        async def strict(request: Request) -> Response:
            errors: list[dict[str, Any]] = []
            if request.scope.get("query_string"):  # nothing to check: spare the parsing
                params = request.query_params
                if refuse_unknown:
                    errors += [_unknown(key) for key in params if key not in declared]
                pairs = params.multi_items()
                if len(pairs) != len(params):  # some name is given more than once
                    errors += [
                        _repeated("query", key)
                        for key in _repeated_names(key for key, _ in pairs)
                        if key in single_query
                    ]
            if single_headers:
                given = [name for name, _ in request.scope["headers"] if name in single_headers]
                if len(given) > 1:
                    errors += [
                        _repeated("header", single_headers[name]) for name in _repeated_names(given)
                    ]
            if errors:
                raise RequestValidationError(errors)
            return await handle(request)

        return strict


def _takes_one(field: ModelField) -> bool:
    # FastAPI's own test of whether it reads every value given for a parameter, or one.
    return not field_annotation_is_sequence(field.field_info.annotation)


def _repeated_names(names: Iterable[_Name]) -> list[_Name]:
    """The names that occur more than once, each once, in the order they first repeat."""
    seen: set[_Name] = set()
    repeated: dict[_Name, None] = {}
    for name in names:
        if name in seen:
            repeated[name] = None
        seen.add(name)
    return list(repeated)


def _unknown(key: str) -> dict[str, Any]:
    return {
        "type": "extra_forbidden",
        "loc": ("query", key),
        "msg": "Unknown query parameter: this operation does not take it",
    }


def _repeated(where: str, key: str) -> dict[str, Any]:
    return {
        "type": "repeated",
        "loc": (where, key),
        "msg": "Given more than once: this parameter takes one value",
    }


def _declared(request: Request) -> frozenset[str]:
    route = request.scope.get("route")
    return route.declared_query if isinstance(route, StrictQueryRoute) else frozenset()


def _dependants(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for sub in dependant.dependencies:
        yield from _dependants(sub)


# ------------------------------------------------------------------ the wire format of filters
@dataclass(frozen=True)
class _Wire:
    """How one kind of filter value is written in a query string: the JSON Schema published
    for it, and the check that holds a value to exactly that (the ListSchema parser behind it
    is more forgiving: it trims, and reads `yes` as true). With `item`, a comma-separated
    list of 1 to `MAX_IN_VALUES` such items."""

    schema: dict[str, Any]
    pattern: re.Pattern[str] | None = None
    choices: frozenset[str] | None = None
    max_length: int | None = None
    message: str = "is not written as this filter expects"
    item: _Wire | None = None

    def accepts(self, raw: str) -> bool:
        if self.max_length is not None and len(raw) > self.max_length:
            return False
        if self.item is not None:
            items = raw.split(",")
            return len(items) <= MAX_IN_VALUES and all(map(self.item.accepts, items))
        if self.choices is not None and raw not in self.choices:
            return False
        return self.pattern is None or self.pattern.fullmatch(raw) is not None


def _list_of(item: _Wire) -> _Wire:
    return _Wire(
        {"type": "array", "items": item.schema, "minItems": 1, "maxItems": MAX_IN_VALUES},
        item=item,
        message=f"takes 1 to {MAX_IN_VALUES} comma-separated values; each {item.message}",
    )


def _choice(choices: tuple[str, ...]) -> _Wire:
    return _Wire(
        {"type": "string", "enum": list(choices)},
        choices=frozenset(choices),
        message=f"must be one of {', '.join(choices)}",
    )


def _sort_wire(schema: ListSchema) -> _Wire:
    """`sort`: up to all of the list's sortable fields, comma-separated, each with an optional
    `-`. (That none is named twice is the ListSchema's to say: a pattern cannot.)"""
    keys = [name for name, spec in schema.fields.items() if spec.sortable]
    key = f"-?(?:{'|'.join(map(re.escape, keys))})"
    pattern = f"^{key}(?:,{key}){{0,{len(keys) - 1}}}$"
    return _Wire(
        {"type": "string", "pattern": pattern},
        pattern=re.compile(pattern),
        message=f"must be sort keys from {', '.join(keys)}, comma-separated, each with an "
        "optional - for descending",
    )


def _with_sort(signature: inspect.Signature, sort: _Wire) -> inspect.Signature:
    """`signature` with its `sort` parameter described by `sort`, the list's own keys."""
    described = Query(
        description="Comma-separated fields, `-` for descending: `-price,name`. "
        "The id always ends the order.",
        json_schema_extra=sort.schema,
    )
    # `str`, not `str | None`: a query parameter is never null, it is absent (default None).
    return signature.replace(
        parameters=[
            p.replace(annotation=Annotated[str, described]) if p.name == "sort" else p
            for p in signature.parameters.values()
        ]
    )


_BOOL = _choice(("true", "false"))
_INT = _Wire(
    {"type": "integer", "minimum": -INT4_MAX - 1, "maximum": INT4_MAX},
    pattern=re.compile(r"-?[0-9]{1,10}"),
    message="must be an integer",
)
_DECIMAL_PATTERN: Final = r"^-?[0-9]{1,10}(\.[0-9]{1,2})?$"
_DECIMAL = _Wire(
    {"type": "string", "pattern": _DECIMAL_PATTERN},
    pattern=re.compile(_DECIMAL_PATTERN),
    message="must be a decimal number with at most two decimals, like 79.99",
)
_TEXT = _Wire(
    {"type": "string", "maxLength": MAX_TEXT_VALUE, "pattern": MULTI_LINE_PATTERN},
    pattern=re.compile(MULTI_LINE_PATTERN),
    max_length=MAX_TEXT_VALUE,
    message=f"must be at most {MAX_TEXT_VALUE} characters without control characters",
)
# An item of a text list: no comma (it would split it), and not blank (it would be dropped).
_TEXT_ITEM_PATTERN: Final = rf"^[^,{CONTROL}]*[^,{CONTROL}{WHITE_SPACE}][^,{CONTROL}]*$"
_TEXT_ITEM = _Wire(
    {"type": "string", "maxLength": MAX_TEXT_VALUE, "pattern": _TEXT_ITEM_PATTERN},
    pattern=re.compile(_TEXT_ITEM_PATTERN),
    max_length=MAX_TEXT_VALUE,
    message=f"must be 1 to {MAX_TEXT_VALUE} characters, not all white space, without commas or "
    "control characters",
)
# ISO 8601 in the one form documented, with dates that exist (leap days on leap years only)
# and years 1-9999, the calendar Python's datetime has.
_YEAR: Final = r"(?:000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})"
_MONTH_DAY: Final = (
    r"(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    r"|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
    r"|02-(?:0[1-9]|1[0-9]|2[0-8]))"
)
_LEAP_YEAR: Final = (
    r"(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)"
)
_TIME: Final = r"(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]{1,6})?"
_ZONE: Final = r"(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])"
_DATETIME_PATTERN: Final = rf"^(?:{_YEAR}-{_MONTH_DAY}|{_LEAP_YEAR}-02-29)T{_TIME}{_ZONE}$"
_DATETIME = _Wire(
    {
        "type": "string",
        "pattern": _DATETIME_PATTERN,
        "description": "ISO 8601 with a time zone, e.g. 2026-01-01T00:00:00Z",
    },
    pattern=re.compile(_DATETIME_PATTERN),
    message="must be an ISO 8601 date-time with a time zone, like 2026-01-01T00:00:00Z",
)

# The operators documented per kind; the others (`__ne`, `__gt`, `__lt`, `__eq`) work too.
_DOCUMENTED: Final[dict[FieldKind, tuple[Op, ...]]] = {
    FieldKind.INT: (Op.EQ, Op.GTE, Op.LTE, Op.IN),
    FieldKind.DECIMAL: (Op.EQ, Op.GTE, Op.LTE),
    FieldKind.TEXT: (Op.EQ, Op.LIKE, Op.IN),
    FieldKind.BOOL: (Op.EQ,),
    FieldKind.DATETIME: (Op.GTE, Op.LTE),
    FieldKind.CHOICE: (Op.EQ, Op.IN),
}
_BY_KIND: Final[dict[FieldKind, _Wire]] = {
    FieldKind.INT: _INT,
    FieldKind.DECIMAL: _DECIMAL,
    FieldKind.TEXT: _TEXT,
    FieldKind.BOOL: _BOOL,
    FieldKind.DATETIME: _DATETIME,
}


@functools.cache  # a handful of (field, operator) pairs, asked on every filtered request
def _wire(spec: FieldSpec, op: Op) -> _Wire:
    if op is Op.IS_NULL:
        return _BOOL
    if op is Op.IN:
        return _list_of(_TEXT_ITEM if spec.kind is FieldKind.TEXT else _one(spec))
    return _one(spec)


def _one(spec: FieldSpec) -> _Wire:
    return _choice(spec.choices) if spec.kind is FieldKind.CHOICE else _BY_KIND[spec.kind]


def _check_wire(schema: ListSchema, key: str, raw: str) -> None:
    """Refuse a filter value not written as documented; unknown names are left to the
    ListSchema, which says what is allowed."""
    name, _, op_name = key.partition("__")
    spec = schema.fields.get(name)
    if spec is None or op_name not in {op.value for op in spec.operators} | {""}:
        return
    wire = _wire(spec, Op(op_name or "eq"))
    if not wire.accepts(raw):
        raise InvalidQuery(key, wire.message)


_OP_WORDS: Final = {
    Op.EQ: "equal to",
    Op.GTE: "at least",
    Op.LTE: "at most",
    Op.LIKE: "containing (case-insensitive)",
    Op.IN: "one of (comma-separated)",
    Op.IS_NULL: "empty (true) or set (false)",
}


def filter_parameters(schema: ListSchema) -> list[dict[str, Any]]:
    """OpenAPI query parameters for the documented filters of a list (and `search`)."""
    parameters: list[dict[str, Any]] = []
    if schema.searchable:
        parameters.append(
            {
                "name": "search",
                "in": "query",
                "required": False,
                "description": "Case-insensitive text matched against the searchable fields.",
                "schema": dict(_TEXT.schema),
            }
        )
    for name, spec in schema.fields.items():
        if not spec.filterable:
            continue
        ops = [op for op in _DOCUMENTED[spec.kind] if op in spec.operators]
        if spec.nullable:
            ops.append(Op.IS_NULL)
        for op in ops:
            parameter = {
                "name": name if op is Op.EQ else f"{name}__{op.value}",
                "in": "query",
                "required": False,
                "description": f"Filter: {name} {_OP_WORDS[op]} the value.",
                "schema": copy.deepcopy(_wire(spec, op).schema),  # the wires are shared
            }
            if op is Op.IN:  # an array, written `1,2,3`
                parameter |= {"style": "form", "explode": False}
            parameters.append(parameter)
    return parameters
