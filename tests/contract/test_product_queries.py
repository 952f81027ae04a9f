"""The products read side: every filter operator, sorting, paging, lookups and stats.

The catalogue below is built so that each operator has something to get wrong: NULL
categories (`ne` and `is_null`), `%` and `_` in a name (`like` must take them literally),
non-ASCII names (case folding beyond ASCII, code-point order), and equal sort keys (the id
must break ties in the direction of the last key).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta, timezone
from decimal import Decimal

import pytest

from application.catalog.commands import UpdateProduct
from application.catalog.queries import PRODUCT_LIST
from application.shared.listing import ListQuery
from domain.catalog.product import Product
from tests.contract.data import category, id_of, product
from tests.support.storage import Storage


@dataclass
class Catalogue:
    apple: Product
    banana: Product
    eclair: Product
    juice: Product
    zebra: Product

    def names(self, ids: list[int]) -> list[str]:
        by_id = {id_of(p): p.name for p in vars(self).values()}
        return [by_id[i] for i in ids]


@pytest.fixture
async def catalogue(storage: Storage) -> Catalogue:
    made = []
    for name, sku, price, stock, category_id, active in [
        ("Apple", "APPLE", "1.50", 0, 1, True),
        ("banana", "BANANA", "0.99", 5, None, True),
        ("Éclair", "ECLAIR", "3.25", 12, 2, False),
        ("100% Juice_box", "JUICE", "2.00", 7, 1, True),
        ("Zebra", "ZEBRA", "10.00", 3, None, True),
    ]:
        made.append(
            await product(
                storage,
                name,
                sku=sku,
                price=price,
                stock=stock,
                category_id=category_id,
                active=active,
            )
        )
        storage.clock.advance(minutes=1)
    return Catalogue(*made)


async def names(storage: Storage, catalogue: Catalogue, query: ListQuery) -> list[str]:
    page = await storage.products.list(query)
    return catalogue.names([p.id for p in page.items])


def query(
    *filters: tuple[str, str], sort: str | None = None, page: int = 1, page_size: int = 20
) -> ListQuery:
    return PRODUCT_LIST.query(filters, sort=sort, page=page, page_size=page_size)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ([("price", "1.50")], ["Apple"]),
        ([("price__eq", "1.5")], ["Apple"]),
        ([("category_id__ne", "1")], ["Éclair"]),
        ([("price__gt", "1.50")], ["Éclair", "100% Juice_box", "Zebra"]),
        ([("price__gte", "1.50")], ["Apple", "Éclair", "100% Juice_box", "Zebra"]),
        ([("stock_quantity__lt", "5")], ["Apple", "Zebra"]),
        ([("stock_quantity__lte", "5")], ["Apple", "banana", "Zebra"]),
        ([("name__like", "JU")], ["100% Juice_box"]),
        ([("name__like", "%")], ["100% Juice_box"]),
        ([("name__like", "e_b")], ["100% Juice_box"]),
        ([("name__like", "ÉCLAIR")], ["Éclair"]),
        ([("name__like", "éc")], ["Éclair"]),
        ([("name__like", "a")], ["Apple", "banana", "Éclair", "Zebra"]),
        ([("category_id__in", "2,1")], ["Apple", "Éclair", "100% Juice_box"]),
        ([("sku__in", "ZEBRA,APPLE,NONE")], ["Apple", "Zebra"]),
        ([("category_id__is_null", "true")], ["banana", "Zebra"]),
        ([("category_id__is_null", "false")], ["Apple", "Éclair", "100% Juice_box"]),
        ([("is_active", "false")], ["Éclair"]),
        ([("is_active__ne", "true")], ["Éclair"]),
        # Code-point order: lower case after upper case, accented letters after both.
        ([("name__gt", "Z")], ["banana", "Éclair", "Zebra"]),
        ([("name__lte", "Zebra")], ["Apple", "100% Juice_box", "Zebra"]),
        ([("slug__gte", "eclair")], ["Éclair", "Zebra"]),
        ([("price__gte", "1"), ("category_id__is_null", "true")], ["Zebra"]),
        ([("version", "1"), ("stock_quantity__gt", "100")], []),
    ],
)
async def test_each_filter_operator_selects_exactly_the_matching_products(
    storage: Storage,
    catalogue: Catalogue,
    filters: list[tuple[str, str]],
    expected: list[str],
) -> None:
    page = await storage.products.list(query(*filters))

    assert catalogue.names([p.id for p in page.items]) == expected
    assert page.total == len(expected)


async def test_time_filters_compare_instants(storage: Storage, catalogue: Catalogue) -> None:
    eclair = await storage.products.get(id_of(catalogue.eclair))
    assert eclair is not None
    stamp = eclair.created_at.isoformat()

    assert await names(storage, catalogue, query(("created_at__gte", stamp))) == [
        "Éclair",
        "100% Juice_box",
        "Zebra",
    ]
    assert await names(storage, catalogue, query(("created_at__lt", stamp))) == [
        "Apple",
        "banana",
    ]
    # The same instant written in another zone.
    shifted = eclair.created_at.astimezone(timezone(timedelta(hours=-3))).isoformat()
    assert await names(storage, catalogue, query(("created_at", shifted))) == ["Éclair"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["100% Juice_box", "Apple", "Zebra", "banana", "Éclair"]),
        ("-name", ["Éclair", "banana", "Zebra", "Apple", "100% Juice_box"]),
        ("-price", ["Zebra", "Éclair", "100% Juice_box", "Apple", "banana"]),
        # NULLs first ascending; equal keys fall back to the id, ascending.
        ("category_id", ["banana", "Zebra", "Apple", "100% Juice_box", "Éclair"]),
        # NULLs last descending; ties by id, descending like the last key.
        ("-category_id", ["Éclair", "100% Juice_box", "Apple", "Zebra", "banana"]),
        ("category_id,-price", ["Zebra", "banana", "100% Juice_box", "Apple", "Éclair"]),
        ("is_active,name", ["Éclair", "100% Juice_box", "Apple", "Zebra", "banana"]),
        (None, ["Apple", "banana", "Éclair", "100% Juice_box", "Zebra"]),
    ],
)
async def test_sorting_is_by_code_point_with_nulls_first_and_ties_broken_by_id(
    storage: Storage, catalogue: Catalogue, sort: str | None, expected: list[str]
) -> None:
    assert await names(storage, catalogue, query(sort=sort)) == expected


async def test_pages_cover_every_row_once_and_report_the_total(
    storage: Storage, catalogue: Catalogue
) -> None:
    pages = [
        await storage.products.list(query(sort="-price", page=n, page_size=2)) for n in (1, 2, 3, 4)
    ]

    assert [catalogue.names([p.id for p in page.items]) for page in pages] == [
        ["Zebra", "Éclair"],
        ["100% Juice_box", "Apple"],
        ["banana"],
        [],
    ]
    assert [page.total for page in pages] == [5, 5, 5, 5]
    assert [(page.total_pages, page.has_next, page.has_previous) for page in pages] == [
        (3, True, False),
        (3, True, True),
        (3, False, True),
        (3, False, True),
    ]


async def test_a_filter_matching_nothing_gives_an_empty_page(
    storage: Storage, catalogue: Catalogue
) -> None:
    page = await storage.products.list(query(("name__like", "xyz"), page=3))

    assert (list(page.items), page.total, page.total_pages) == ([], 0, 0)


async def test_list_views_carry_every_field(storage: Storage, catalogue: Catalogue) -> None:
    page = await storage.products.list(query(("sku", "ECLAIR")))

    (view,) = page.items
    assert view.id == id_of(catalogue.eclair)
    assert (view.name, view.slug, view.sku, view.description) == (
        "Éclair",
        "eclair",
        "ECLAIR",
        None,
    )
    assert (view.price, view.stock_quantity, view.is_active, view.category_id, view.version) == (
        Decimal("3.25"),
        12,
        False,
        2,
        1,
    )
    assert view.created_at == catalogue.eclair.created_at
    assert view.updated_at == catalogue.eclair.updated_at


async def test_lookups_by_id_sku_and_slug(storage: Storage, catalogue: Catalogue) -> None:
    by_id = await storage.products.get(id_of(catalogue.juice))
    by_sku = await storage.products.get_by_sku("juice")
    by_slug = await storage.products.get_by_slug("100-juice-box")

    assert by_id is not None
    assert by_id == by_sku == by_slug
    assert await storage.products.get(999) is None
    assert await storage.products.get_by_sku("NOPE") is None
    assert await storage.products.get_by_slug("nope") is None


async def test_the_read_side_sees_the_new_version_after_an_update(
    storage: Storage, catalogue: Catalogue
) -> None:
    await storage.use_cases.update_product()(
        UpdateProduct(id_of(catalogue.apple), version=1, price=Decimal("1.75"))
    )

    view = await storage.products.get(id_of(catalogue.apple))
    assert view is not None
    assert (view.price, view.version) == (Decimal("1.75"), 2)


async def test_products_with_their_category(storage: Storage, catalogue: Catalogue) -> None:
    page = await storage.products.list_with_category(query(sort="name", page_size=3))

    assert [
        (row.product.name, row.category.name if row.category else None) for row in page.items
    ] == [
        ("100% Juice_box", "Electronics"),
        ("Apple", "Electronics"),
        ("Zebra", None),
    ]
    assert page.total == 5
    first = page.items[0]
    assert first.category is not None
    assert (first.category.id, first.category.slug) == (1, "electronics")


async def test_category_stats_cover_active_products_of_every_category(
    storage: Storage, catalogue: Catalogue
) -> None:
    tools = await category(storage, "Tools")
    for n, price in enumerate(("0.01", "0.02", "0.04")):
        await product(storage, f"Tool {n}", price=price, category_id=id_of(tools))

    stats = await storage.products.category_stats()

    assert [(s.category_name, s.product_count) for s in stats] == [
        ("Books", 0),
        ("Clothing", 0),
        ("Electronics", 2),
        ("Home & Garden", 0),
        ("Tools", 3),
    ]
    by_name = {s.category_name: s for s in stats}
    electronics = by_name["Electronics"]
    assert (electronics.avg_price, electronics.min_price, electronics.max_price) == (
        Decimal("1.75"),
        Decimal("1.50"),
        Decimal("2.00"),
    )
    # 0.07 / 3 = 0.02333...; the inactive Éclair does not count for Clothing.
    assert by_name["Tools"].avg_price == Decimal("0.02")
    assert by_name["Clothing"].avg_price is None
    assert by_name["Clothing"].min_price is None


async def test_averages_are_rounded_half_to_even(storage: Storage) -> None:
    tools = await category(storage, "Tools")
    toys = await category(storage, "Toys")
    for n, price in enumerate(("0.01", "0.04")):
        await product(storage, f"Tool {n}", price=price, category_id=id_of(tools))
    for n, price in enumerate(("0.04", "0.05")):
        await product(storage, f"Toy {n}", price=price, category_id=id_of(toys))

    by_name = {s.category_name: s for s in await storage.products.category_stats()}

    assert by_name["Tools"].avg_price == Decimal("0.02")  # 0.025 -> 0.02, not 0.03
    assert by_name["Toys"].avg_price == Decimal("0.04")  # 0.045 -> 0.04, not 0.05
