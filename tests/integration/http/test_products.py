"""/products: the catalogue, its stock, and per-category figures."""

from __future__ import annotations

import re
import sys
from typing import Any

import httpx

from domain.shared.text import has_control_characters
from entrypoints.http.schemas.fields import WHITE_SPACE
from tests.integration.http.api import Api, assert_problem, field_errors


async def test_creating_a_product_answers_201_at_version_1(api: Api) -> None:
    category = await api.category()
    name = api.unique("Wireless Headphones")

    response = await api.client.post(
        "/products/",
        json={
            "name": name,
            "price": 79.99,
            "sku": f"wh-{api.token}",
            "stock_quantity": 50,
            "category_id": category["id"],
        },
    )

    assert response.status_code == 201
    product = response.json()
    assert product["name"] == name
    assert product["slug"] == name.lower().replace(" ", "-").replace("_", "-")
    assert product["sku"] == f"WH-{api.token.upper()}"
    assert product["price"] == "79.99"
    assert (product["stock_quantity"], product["category_id"]) == (50, category["id"])
    assert (product["version"], product["is_active"]) == (1, True)


async def test_a_price_may_be_sent_as_a_string_and_is_answered_as_one(api: Api) -> None:
    product = await api.product(price="1234.50")

    assert product["price"] == "1234.50"


async def test_a_taken_sku_is_a_409(api: Api) -> None:
    taken = await api.product()

    response = await api.client.post(
        "/products/",
        json={"name": api.unique("Other"), "sku": taken["sku"].lower(), "price": "5.00"},
    )

    assert field_errors(assert_problem(response, 409, "duplicate-value")) == {"sku"}


async def test_a_product_in_an_unknown_category_is_a_404(api: Api) -> None:
    response = await api.client.post(
        "/products/",
        json={
            "name": api.unique("Lost"),
            "sku": f"LOST-{api.token}",
            "price": "5.00",
            "category_id": 2147483647,
        },
    )

    assert_problem(response, 404, "not-found")


async def test_a_price_of_zero_or_with_three_decimals_is_refused(api: Api) -> None:
    for price in ("0.00", 0.001, "1.999", -5):
        response = await api.client.post(
            "/products/",
            json={"name": api.unique("Cheap"), "sku": f"C-{api.token}", "price": price},
        )
        assert field_errors(assert_problem(response, 422)) == {"price"}


async def test_a_product_is_found_by_id_sku_in_any_case_and_slug(api: Api) -> None:
    product = await api.product()

    by_id = await api.client.get(f"/products/{product['id']}")
    by_sku = await api.client.get(f"/products/by-sku/{product['sku'].lower()}")
    by_slug = await api.client.get(f"/products/by-slug/{product['slug']}")

    assert by_id.json() == by_sku.json() == by_slug.json() == product


async def test_unknown_products_are_404s(client: httpx.AsyncClient) -> None:
    assert_problem(await client.get("/products/2147483647"), 404, "not-found")
    assert_problem(await client.get("/products/by-sku/NO-SUCH-SKU"), 404, "not-found")
    assert_problem(await client.get("/products/by-slug/no-such-slug"), 404, "not-found")


async def test_products_are_filtered_by_category_price_range_and_name(api: Api) -> None:
    category = await api.category()
    cheap = await api.product(
        category_id=category["id"], price="5.00", name=api.unique("Cheap Head")
    )
    mid = await api.product(category_id=category["id"], price="25.00", name=api.unique("Headset"))
    dear = await api.product(
        category_id=category["id"], price="75.00", name=api.unique("Headphone")
    )

    in_category = await api.client.get("/products/", params={"category_id": category["id"]})
    in_range = await api.client.get(
        "/products/",
        params={"category_id": category["id"], "price__gte": "10", "price__lte": "50"},
    )
    by_name = await api.client.get(
        "/products/", params={"category_id": category["id"], "name__like": "HEADPH"}
    )

    assert in_category.json()["total"] == 3
    assert [p["id"] for p in in_range.json()["items"]] == [mid["id"]]
    assert [p["id"] for p in by_name.json()["items"]] == [dear["id"]]
    assert cheap["id"] not in {p["id"] for p in in_range.json()["items"]}


async def test_products_are_sorted_by_several_keys(api: Api) -> None:
    category = await api.category()
    b = await api.product(category_id=category["id"], price="20.00", name=api.unique("B"))
    a = await api.product(category_id=category["id"], price="20.00", name=api.unique("A"))
    c = await api.product(category_id=category["id"], price="30.00", name=api.unique("C"))

    response = await api.client.get(
        "/products/", params={"category_id": category["id"], "sort": "-price,name"}
    )

    assert [p["id"] for p in response.json()["items"]] == [c["id"], a["id"], b["id"]]


async def test_filters_outside_the_whitelist_are_422s(client: httpx.AsyncClient) -> None:
    cases = {
        "hashed_password": "x",  # not a product field
        "price__regex": "1",  # not an operator
        "is_active__gt": "true",  # not an operator of that field
        "price": "cheap",  # not a decimal
        "category_id": "2147483648",  # out of the column's range
    }
    for key, value in cases.items():
        response = await client.get("/products/", params={key: value})
        assert field_errors(assert_problem(response, 422, "invalid-query")) == {key}


async def test_sorting_by_an_unknown_field_is_a_422(client: httpx.AsyncClient) -> None:
    response = await client.get("/products/", params={"sort": "-secret"})

    assert field_errors(assert_problem(response, 422, "invalid-query")) == {"sort"}


async def _parameters(client: httpx.AsyncClient, path: str) -> dict[str, dict[str, Any]]:
    document = (await client.get("/openapi.json")).json()
    return {p["name"]: p for p in document["paths"][path]["get"]["parameters"]}


async def test_the_sort_parameter_is_published_as_the_lists_own_keys(
    client: httpx.AsyncClient,
) -> None:
    sort = re.compile((await _parameters(client, "/products/"))["sort"]["schema"]["pattern"])

    assert sort.fullmatch("-price,name")
    assert sort.fullmatch("stock_quantity")
    for refused in ("secret", "+price", "price,", " price", "-price, name", "price;name"):
        assert not sort.fullmatch(refused), refused


async def test_a_sort_in_another_form_than_the_published_one_is_a_422(
    client: httpx.AsyncClient,
) -> None:
    for sort in ("+price", " price", "price, name"):
        response = await client.get("/products/", params={"sort": sort})
        assert field_errors(assert_problem(response, 422, "invalid-query")) == {"sort"}, sort


async def test_an_in_filter_is_published_as_an_array_of_values_of_its_kind(
    client: httpx.AsyncClient,
) -> None:
    parameters = await _parameters(client, "/products/")

    assert parameters["id__in"]["schema"]["type"] == "array"
    assert parameters["id__in"]["schema"]["items"]["type"] == "integer"
    assert (parameters["id__in"]["style"], parameters["id__in"]["explode"]) == ("form", False)
    assert parameters["id__in"]["schema"]["minItems"] == 1


async def test_an_in_filter_with_an_empty_or_blank_value_is_a_422(
    client: httpx.AsyncClient,
) -> None:
    for key, value in (("id__in", ""), ("id__in", "1,,2"), ("id__in", "1, 2"), ("sku__in", "A, ")):
        response = await client.get("/products/", params={key: value})
        assert field_errors(assert_problem(response, 422, "invalid-query")) == {key}, value
    assert (await client.get("/products/", params={"id__in": "1,2"})).status_code == 200


async def test_a_datetime_filter_is_taken_in_the_one_published_form(
    client: httpx.AsyncClient,
) -> None:
    pattern = (await _parameters(client, "/products/"))["created_at__gte"]["schema"]["pattern"]
    for accepted in ("2026-01-01T00:00:00Z", "2024-02-29T23:59:59.123456+05:30"):
        assert re.fullmatch(pattern, accepted), accepted
        response = await client.get("/products/", params={"created_at__gte": accepted})
        assert response.status_code == 200, accepted
    for refused in ("2026-01-01 00:00:00Z", "2026-01-01T00:00:00", "2023-02-29T00:00:00Z"):
        assert not re.fullmatch(pattern, refused), refused
        response = await client.get("/products/", params={"created_at__gte": refused})
        assert field_errors(assert_problem(response, 422, "invalid-query")) == {
            "created_at__gte"
        }, refused


async def test_a_price_is_published_as_a_positive_multiple_of_a_cent(
    client: httpx.AsyncClient,
) -> None:
    document = (await client.get("/openapi.json")).json()
    number, text = document["components"]["schemas"]["ProductCreate"]["properties"]["price"][
        "anyOf"
    ]

    assert (number["multipleOf"], number["exclusiveMinimum"]) == (0.01, 0)
    assert number["maximum"] == 9999999999.99
    assert re.fullmatch(text["pattern"], "0.00")  # the form of a price, but
    assert re.fullmatch(text["not"]["pattern"], "0.00")  # not zero
    assert not re.fullmatch(text["not"]["pattern"], "0.01")


async def test_a_required_name_is_published_as_not_blank(client: httpx.AsyncClient) -> None:
    document = (await client.get("/openapi.json")).json()
    name = re.compile(
        document["components"]["schemas"]["ProductCreate"]["properties"]["name"]["pattern"]
    )

    assert name.fullmatch(" a ")
    for blank in ("", " ", "\t\n", "\u3000\xa0"):
        assert not name.fullmatch(blank), repr(blank)


def test_white_space_published_is_what_the_domain_strips() -> None:
    # Required text is refused blank once stripped, so the published class must be exactly
    # what str.strip() removes (less the control characters, refused anyway).
    published = re.compile(f"[{WHITE_SPACE}]")
    stripped = {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()}

    assert {c for c in map(chr, range(sys.maxunicode + 1)) if published.fullmatch(c)} == {
        c for c in stripped if not has_control_characters(c)
    }


async def test_low_stock_lists_products_at_or_under_the_threshold_fewest_first(api: Api) -> None:
    category = await api.category()
    two = await api.product(category_id=category["id"], stock_quantity=2)
    zero = await api.product(category_id=category["id"], stock_quantity=0)
    await api.product(category_id=category["id"], stock_quantity=3)

    response = await api.client.get(
        "/products/low-stock", params={"threshold": 2, "category_id": category["id"]}
    )

    assert response.status_code == 200
    assert [p["id"] for p in response.json()["items"]] == [zero["id"], two["id"]]


async def test_stats_by_category_cover_active_products_only(api: Api) -> None:
    category = await api.category()
    await api.product(category_id=category["id"], price="10.00")
    await api.product(category_id=category["id"], price="21.00")
    await api.product(category_id=category["id"], price="99.00", is_active=False)

    response = await api.client.get("/products/by-category-stats")

    assert response.status_code == 200
    (stats,) = [s for s in response.json() if s["category_id"] == category["id"]]
    assert stats == {
        "category_id": category["id"],
        "category_name": category["name"],
        "product_count": 2,
        "avg_price": "15.50",
        "min_price": "10.00",
        "max_price": "21.00",
    }


async def test_products_come_with_their_category(api: Api) -> None:
    category = await api.category()
    filed = await api.product(category_id=category["id"])
    loose = await api.product()

    response = await api.client.get(
        "/products/with-category", params={"id__in": f"{filed['id']},{loose['id']}"}
    )

    assert response.status_code == 200
    rows = response.json()["items"]
    assert [(r["product"]["id"], r["category"]) for r in rows] == [
        (filed["id"], category),
        (loose["id"], None),
    ]


async def test_an_update_with_the_current_version_answers_the_next_version(api: Api) -> None:
    product = await api.product()

    response = await api.client.patch(
        f"/products/{product['id']}",
        json={"version": 1, "price": "12.34", "name": api.unique("New")},
    )

    assert response.status_code == 200
    updated = response.json()
    assert updated["price"] == "12.34"
    assert updated["version"] == 2  # one update, one step, however many fields it changes
    assert updated["sku"] == product["sku"]


async def test_an_update_with_a_stale_version_is_a_409(api: Api) -> None:
    product = await api.product()
    await api.client.patch(f"/products/{product['id']}", json={"version": 1, "price": "11.00"})

    response = await api.client.patch(
        f"/products/{product['id']}", json={"version": 1, "price": "12.00"}
    )

    assert_problem(response, 409, "stale-version")
    assert (await api.client.get(f"/products/{product['id']}")).json()["price"] == "11.00"


async def test_an_update_without_a_version_is_refused(api: Api) -> None:
    product = await api.product()

    response = await api.client.patch(f"/products/{product['id']}", json={"price": "12.00"})

    assert field_errors(assert_problem(response, 422, "validation-error")) == {"version"}


async def test_deleting_a_product_answers_204(api: Api) -> None:
    product = await api.product()

    response = await api.client.delete(f"/products/{product['id']}")

    assert response.status_code == 204
    assert_problem(await api.client.get(f"/products/{product['id']}"), 404, "not-found")


async def test_a_product_on_an_order_cannot_be_deleted(api: Api) -> None:
    product = await api.product()
    user = await api.user()
    await api.order(user["id"], (product["id"], 1))

    response = await api.client.delete(f"/products/{product['id']}")

    assert_problem(response, 409, "in-use")
    assert (await api.client.get(f"/products/{product['id']}")).status_code == 200


async def test_stock_is_adjusted_by_a_delta(api: Api) -> None:
    product = await api.product(stock_quantity=10)

    added = await api.client.post(f"/products/{product['id']}/stock-adjustments", json={"delta": 5})
    removed = await api.client.post(
        f"/products/{product['id']}/stock-adjustments", json={"delta": -15}
    )

    assert added.status_code == removed.status_code == 200
    assert added.json()["stock_quantity"] == 15
    assert removed.json()["stock_quantity"] == 0
    assert removed.json()["version"] > added.json()["version"]


async def test_stock_never_goes_below_zero(api: Api) -> None:
    product = await api.product(stock_quantity=3)

    response = await api.client.post(
        f"/products/{product['id']}/stock-adjustments", json={"delta": -4}
    )

    assert_problem(response, 409, "insufficient-stock")
    assert (await api.client.get(f"/products/{product['id']}")).json()["stock_quantity"] == 3


async def test_a_stock_adjustment_of_zero_is_a_422_and_moves_no_version(api: Api) -> None:
    product = await api.product(stock_quantity=5)

    response = await api.client.post(
        f"/products/{product['id']}/stock-adjustments", json={"delta": 0}
    )

    problem = assert_problem(response, 422)
    assert field_errors(problem) == {"delta"}
    assert "must not be 0" in problem["detail"]
    after = (await api.client.get(f"/products/{product['id']}")).json()
    assert (after["stock_quantity"], after["version"]) == (5, 1)


async def test_a_patch_that_sends_the_current_values_moves_neither_version_nor_updated_at(
    api: Api,
) -> None:
    product = await api.product(stock_quantity=5)
    same = {key: product[key] for key in ("name", "sku", "price", "stock_quantity", "is_active")}

    response = await api.client.patch(f"/products/{product['id']}", json={"version": 1, **same})

    assert response.status_code == 200, response.text
    assert (response.json()["version"], response.json()["updated_at"]) == (
        1,
        product["updated_at"],
    )
