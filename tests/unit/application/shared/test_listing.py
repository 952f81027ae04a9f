"""A list schema turns query-string pairs into a typed ListQuery, refusing the unlisted."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from application.catalog.queries import PRODUCT_LIST
from application.identity.queries import USER_LIST
from application.ordering.queries import ORDER_LIST
from application.shared.errors import InvalidQuery
from application.shared.listing import Filter, Op, Page, PageRequest, SortKey


def test_a_bare_field_means_equality():
    assert PRODUCT_LIST.filter("category_id", "3") == Filter("category_id", Op.EQ, 3)


@pytest.mark.parametrize(
    ("key", "raw", "expected"),
    [
        ("price__gte", "10", Filter("price", Op.GTE, Decimal("10.00"))),
        ("stock_quantity__lte", "5", Filter("stock_quantity", Op.LTE, 5)),
        ("name__like", " head ", Filter("name", Op.LIKE, "head")),
        ("is_active", "false", Filter("is_active", Op.EQ, False)),
        ("category_id__is_null", "true", Filter("category_id", Op.IS_NULL, True)),
        ("id__in", "3,1,,2", Filter("id", Op.IN, (3, 1, 2))),
        (
            "created_at__lt",
            "2026-01-01T01:00:00+01:00",
            Filter("created_at", Op.LT, datetime(2026, 1, 1, tzinfo=UTC)),
        ),
    ],
)
def test_values_are_parsed_by_the_kind_of_their_field(key, raw, expected):
    assert PRODUCT_LIST.filter(key, raw) == expected


@pytest.mark.parametrize(
    ("key", "raw"),
    [
        ("hashed_password", "x"),  # not on the whitelist
        ("price__between", "1"),  # unknown operator
        ("price__like", "1"),  # like is for text
        ("name__is_null", "true"),  # name is not nullable
        ("is_active__gt", "true"),  # booleans compare for equality only
        ("price", "NaN"),
        ("price", "1.001"),
        ("stock_quantity", "2147483648"),  # beyond INTEGER
        ("stock_quantity", "1.5"),
        ("is_active", "maybe"),
        ("created_at", "2026-01-01T00:00:00"),  # no time zone
        ("created_at__gte", "9999-12-31T23:59:59-23:59"),  # past year 9999 in UTC
        ("created_at__lte", "0001-01-01T00:00:00+23:59"),  # before year 1 in UTC
        ("name", "a\x00b"),
        ("id__in", ",,"),
        ("id__in", ",".join(["1"] * 101)),
    ],
)
def test_anything_outside_the_whitelist_or_of_the_wrong_kind_is_an_invalid_query(key, raw):
    with pytest.raises(InvalidQuery):
        PRODUCT_LIST.filter(key, raw)


def test_a_query_takes_at_most_20_filters():
    twenty = [("id__ne", str(n)) for n in range(1, 21)]

    assert len(PRODUCT_LIST.query(twenty).filters) == 20
    with pytest.raises(InvalidQuery) as refused:
        PRODUCT_LIST.query([*twenty, ("id__ne", "21")])
    assert refused.value.field == "filters"
    assert "at most 20" in refused.value.reason


def test_a_choice_field_takes_only_its_choices():
    assert ORDER_LIST.filter("status__in", "pending,cancelled").value == ("pending", "cancelled")
    with pytest.raises(InvalidQuery):
        ORDER_LIST.filter("status", "lost")


def test_sorting_ends_in_the_id_in_the_direction_of_the_last_key():
    assert PRODUCT_LIST.sort("-price,name") == (
        SortKey("price", True),
        SortKey("name"),
        SortKey("id"),
    )
    assert PRODUCT_LIST.sort("-price") == (SortKey("price", True), SortKey("id", True))
    assert PRODUCT_LIST.sort("name,-id") == (SortKey("name"), SortKey("id", True))


def test_the_default_sort_applies_when_none_is_given():
    assert PRODUCT_LIST.sort(None) == (SortKey("id"),)
    assert ORDER_LIST.sort(" ") == (SortKey("created_at", True), SortKey("id", True))


@pytest.mark.parametrize("raw", ["password", "price,price", "-", "name,,id"])
def test_unknown_or_repeated_sort_keys_are_refused(raw):
    with pytest.raises(InvalidQuery):
        PRODUCT_LIST.sort(raw)


@pytest.mark.parametrize(("page", "size"), [(0, 20), (1, 0), (1, 101), (1_000_001, 20)])
def test_pages_start_at_1_and_hold_1_to_100_rows(page, size):
    with pytest.raises(InvalidQuery):
        PageRequest(page, size)


def test_a_page_request_knows_its_offset():
    assert PageRequest(3, 20).offset == 40


def test_only_searchable_lists_take_a_search_and_a_blank_search_is_none():
    assert USER_LIST.query(search="  ").search is None
    assert USER_LIST.query(search=" ann ").search == "ann"
    with pytest.raises(InvalidQuery):
        PRODUCT_LIST.query(search="x")


def test_a_page_tells_its_neighbours():
    page = Page(items=[1, 2], total=45, page=2, page_size=20)
    assert (page.total_pages, page.has_next, page.has_previous) == (3, True, True)
    empty: Page[int] = Page(items=[], total=0, page=1, page_size=20)
    assert (empty.total_pages, empty.has_next, empty.has_previous) == (0, False, False)
