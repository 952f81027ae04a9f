"""/categories: the category tree and the products filed under each category."""

from __future__ import annotations

import httpx

from tests.integration.http.api import Api, assert_problem, field_errors


async def test_creating_a_category_derives_its_slug_from_the_name(api: Api) -> None:
    name = api.unique("Home & Garden")

    response = await api.client.post(
        "/categories/", json={"name": name, "description": "House and yard"}
    )

    assert response.status_code == 201
    category = response.json()
    assert category["name"] == name
    assert category["slug"] == name.lower().replace(" & ", "-").replace("_", "-")
    assert category["description"] == "House and yard"
    assert category["parent_id"] is None
    assert category["created_at"].endswith("Z")


async def test_a_taken_category_name_is_a_409(api: Api) -> None:
    taken = await api.category()

    response = await api.client.post(
        "/categories/", json={"name": taken["name"], "slug": api.unique("other").replace("_", "-")}
    )

    assert field_errors(assert_problem(response, 409, "duplicate-value")) == {"name"}


async def test_a_taken_category_name_whose_derived_slug_is_taken_too_is_a_409_about_the_name(
    api: Api,
) -> None:
    taken = await api.category()

    response = await api.client.post("/categories/", json={"name": taken["name"]})

    # Both unique constraints are broken; every backend names the one declared first.
    assert field_errors(assert_problem(response, 409, "duplicate-value")) == {"name"}


async def test_a_category_under_an_unknown_parent_is_a_404(api: Api) -> None:
    response = await api.client.post(
        "/categories/", json={"name": api.unique("Orphan"), "parent_id": 2147483647}
    )

    assert_problem(response, 404, "not-found")


async def test_a_malformed_slug_is_refused(api: Api) -> None:
    response = await api.client.post(
        "/categories/", json={"name": api.unique("Bad"), "slug": "Not A Slug"}
    )

    assert field_errors(assert_problem(response, 422, "validation-error")) == {"slug"}


async def test_categories_are_listed_a_page_at_a_time(api: Api) -> None:
    made = [await api.category() for _ in range(3)]
    first_id = made[0]["id"]

    response = await api.client.get(
        "/categories/", params={"id__gte": first_id, "page_size": 2, "sort": "id"}
    )

    assert response.status_code == 200
    page = response.json()
    assert page["total"] == 3
    assert [c["id"] for c in page["items"]] == [made[0]["id"], made[1]["id"]]
    assert page["has_next"] is True


async def test_the_tree_nests_children_under_their_parent(api: Api) -> None:
    root = await api.category()
    child = await api.category(parent_id=root["id"])
    grandchild = await api.category(parent_id=child["id"])

    response = await api.client.get("/categories/tree")

    assert response.status_code == 200
    (node,) = [n for n in response.json() if n["id"] == root["id"]]
    assert [c["id"] for c in node["children"]] == [child["id"]]
    assert [g["id"] for g in node["children"][0]["children"]] == [grandchild["id"]]
    assert node["children"][0]["children"][0]["children"] == []


async def test_a_category_is_found_by_id(api: Api) -> None:
    category = await api.category()

    response = await api.client.get(f"/categories/{category['id']}")

    assert response.status_code == 200
    assert response.json() == category


async def test_an_unknown_category_is_a_404(client: httpx.AsyncClient) -> None:
    assert_problem(await client.get("/categories/2147483647"), 404, "not-found")


async def test_renaming_a_category_gives_it_a_new_slug(api: Api) -> None:
    category = await api.category(description="Old")
    name = api.unique("Renamed")

    response = await api.client.patch(f"/categories/{category['id']}", json={"name": name})

    assert response.status_code == 200
    renamed = response.json()
    assert renamed["name"] == name
    assert renamed["slug"] == name.lower().replace("_", "-")
    assert renamed["description"] == "Old"


async def test_moving_a_category_under_its_own_descendant_is_a_409(api: Api) -> None:
    parent = await api.category()
    child = await api.category(parent_id=parent["id"])

    response = await api.client.patch(
        f"/categories/{parent['id']}", json={"parent_id": child["id"]}
    )

    assert_problem(response, 409, "cycle-detected")


async def test_a_category_can_be_moved_back_to_the_root(api: Api) -> None:
    parent = await api.category()
    child = await api.category(parent_id=parent["id"])

    response = await api.client.patch(f"/categories/{child['id']}", json={"parent_id": None})

    assert response.status_code == 200
    assert response.json()["parent_id"] is None


async def test_deleting_a_category_orphans_its_children_and_products(api: Api) -> None:
    category = await api.category()
    child = await api.category(parent_id=category["id"])
    product = await api.product(category_id=category["id"])

    response = await api.client.delete(f"/categories/{category['id']}")

    assert response.status_code == 204
    assert_problem(await api.client.get(f"/categories/{category['id']}"), 404, "not-found")
    assert (await api.client.get(f"/categories/{child['id']}")).json()["parent_id"] is None
    assert (await api.client.get(f"/products/{product['id']}")).json()["category_id"] is None


async def test_deleting_an_unknown_category_is_a_404(client: httpx.AsyncClient) -> None:
    assert_problem(await client.delete("/categories/2147483647"), 404, "not-found")


async def test_a_categorys_products_are_listed_with_their_total(api: Api) -> None:
    category = await api.category()
    products = [await api.product(category_id=category["id"]) for _ in range(2)]
    await api.product()  # elsewhere

    response = await api.client.get(
        f"/categories/{category['id']}/products", params={"sort": "name"}
    )

    assert response.status_code == 200
    page = response.json()
    assert page["total"] == 2
    assert [p["id"] for p in page["items"]] == [p["id"] for p in products]


async def test_the_products_of_an_unknown_category_are_a_404(client: httpx.AsyncClient) -> None:
    assert_problem(await client.get("/categories/2147483647/products"), 404, "not-found")
