"""Whatever a client puts in a query string, a list schema answers with a ListQuery or an
InvalidQuery, never with any other error."""

from __future__ import annotations

import contextlib

from hypothesis import given
from hypothesis import strategies as st

from application.catalog.queries import CATEGORY_LIST, PRODUCT_LIST
from application.identity.queries import USER_LIST
from application.ordering.queries import ORDER_LIST
from application.shared.errors import InvalidQuery
from application.shared.listing import ListSchema

schemas = st.sampled_from([USER_LIST, CATEGORY_LIST, PRODUCT_LIST, ORDER_LIST])
operators = st.sampled_from(["", "eq", "ne", "gt", "gte", "lt", "lte", "like", "in", "is_null"])


@st.composite
def keys(draw: st.DrawFn, schema: ListSchema) -> str:
    """Mostly whitelisted names and operators, so the value parsers get exercised too."""
    name = draw(st.one_of(st.sampled_from(sorted(schema.fields)), st.text(max_size=15)))
    op = draw(st.one_of(operators, st.text(max_size=8)))
    return f"{name}__{op}" if op else name


values = st.one_of(
    st.text(max_size=40),
    st.from_regex(r"-?\d{1,25}(\.\d{0,4})?", fullmatch=True),
    st.sampled_from(["true", "no", "NaN", "Infinity", "1e999", "2026-01-01T00:00:00Z", ",,"]),
    st.lists(st.integers(), max_size=5).map(lambda xs: ",".join(map(str, xs))),
)


@given(st.data(), schemas)
def test_filters_from_arbitrary_text_parse_or_raise_invalid_query(data, schema):
    key = data.draw(keys(schema))
    raw = data.draw(values)
    with contextlib.suppress(InvalidQuery):
        schema.filter(key, raw)


@given(schemas, st.one_of(st.none(), st.text(max_size=60)))
def test_sort_from_arbitrary_text_parses_or_raises_invalid_query(schema, raw):
    try:
        keys_ = schema.sort(raw)
    except InvalidQuery:
        return
    assert keys_[-1].field == "id" or any(k.field == "id" for k in keys_)


@given(
    schemas,
    st.lists(st.tuples(st.text(max_size=20), st.text(max_size=20)), max_size=4),
    st.one_of(st.none(), st.text(max_size=30)),
    st.integers(-10, 2_000_000),
    st.integers(-10, 200),
    st.one_of(st.none(), st.text(max_size=30)),
)
def test_whole_queries_from_arbitrary_input_build_or_raise_invalid_query(
    schema, pairs, sort, page, page_size, search
):
    with contextlib.suppress(InvalidQuery):
        schema.query(pairs, sort=sort, page=page, page_size=page_size, search=search)
