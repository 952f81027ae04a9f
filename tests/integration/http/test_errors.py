"""Every error is an RFC 9457 problem, and no input, however malformed, reaches a driver."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from dependency_injector import providers

from application.shared.errors import Unavailable
from entrypoints.container import Container
from tests.integration.http.api import PROBLEM, Api, assert_problem, field_errors

INT4_MAX = 2_147_483_647


async def test_an_unknown_route_is_a_404_problem(client: httpx.AsyncClient) -> None:
    problem = assert_problem(await client.get("/no/such/thing"), 404)

    assert problem["type"] == "about:blank"
    assert "/no/such/thing" not in problem["detail"]


async def test_a_wrong_method_is_a_405_naming_every_allowed_method(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/users/1")

    assert_problem(response, 405)
    assert response.headers["allow"] == "DELETE, GET, PATCH, PUT"


async def test_a_wrong_method_on_a_fixed_path_is_not_taken_for_an_id(
    client: httpx.AsyncClient,
) -> None:
    response = await client.put("/users/top-spenders")

    assert_problem(response, 405)
    assert response.headers["allow"] == "GET"


async def test_malformed_json_is_a_422_naming_the_body(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/users/", content=b'{"username": ', headers={"content-type": "application/json"}
    )

    problem = assert_problem(response, 422, "validation-error")
    assert field_errors(problem) == {"body"}
    assert "JSON" in problem["detail"]


async def test_a_body_that_is_not_an_object_is_a_422(client: httpx.AsyncClient) -> None:
    bodies: list[object] = [[], "text", 42, None]
    for body in bodies:
        assert_problem(await client.post("/categories/", json=body), 422, "validation-error")


async def test_field_errors_never_echo_the_refused_input(client: httpx.AsyncClient) -> None:
    secret = "TopSecretPassword-that-is-way-too-long" * 5

    response = await client.post(
        "/users/", json={"username": "ok_name", "email": "a@b.co", "password": secret}
    )

    problem = assert_problem(response, 422)
    assert secret not in response.text
    assert field_errors(problem) == {"password"}


@pytest.mark.parametrize(
    ("path", "body", "smuggled"),
    [
        (
            "/users/",
            {"username": "mallory", "email": "m@example.com", "password": "SecurePass123"},
            {"is_superuser": True},
        ),
        (
            "/users/",
            {"username": "mallory", "email": "m@example.com", "password": "SecurePass123"},
            {"hashed_password": "$argon2id$v=19$..."},
        ),
        (
            "/users/",
            {"username": "mallory", "email": "m@example.com", "password": "SecurePass123"},
            {"credits": "1000000.00"},
        ),
        ("/products/", {"name": "Thing", "sku": "T-1", "price": "1.00"}, {"version": 7}),
        (
            "/products/",
            {"name": "Thing", "sku": "T-1", "price": "1.00"},
            {"created_at": "2020-01-01T00:00:00Z"},
        ),
        (
            "/orders/",
            {"user_id": 1, "items": [{"product_id": 1, "quantity": 1}]},
            {"total_amount": "0.01"},
        ),
        (
            "/orders/",
            {"user_id": 1, "items": [{"product_id": 1, "quantity": 1}]},
            {"status": "delivered"},
        ),
    ],
)
async def test_unknown_body_fields_are_refused_so_nothing_is_mass_assigned(
    client: httpx.AsyncClient, path: str, body: dict[str, Any], smuggled: dict[str, Any]
) -> None:
    response = await client.post(path, json={**body, **smuggled})

    problem = assert_problem(response, 422, "validation-error")
    assert field_errors(problem) == set(smuggled)


async def test_a_nested_unknown_field_is_refused_too(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/orders/",
        json={"user_id": 1, "items": [{"product_id": 1, "quantity": 1, "unit_price": "0.01"}]},
    )

    assert field_errors(assert_problem(response, 422)) == {"items.0.unit_price"}


async def test_the_version_of_a_product_cannot_be_assigned(api: Api) -> None:
    product = await api.product()

    response = await api.client.patch(
        f"/products/{product['id']}", json={"version": 1, "stock_quantity": 7}
    )
    stale = await api.client.patch(f"/products/{product['id']}", json={"version": 99})

    assert response.json()["version"] == 2
    assert_problem(stale, 409, "stale-version")


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/users/stats/counts", {"verbose": "1"}),
        ("/users/1", {"fields": "all"}),
        ("/health", {"deep": "true"}),
        ("/orders/stats/summary", {"limit": "5"}),
        ("/products/", {"limt": "5"}),  # a list: unknown names are refused filters
    ],
)
async def test_an_unknown_query_parameter_is_a_422(
    client: httpx.AsyncClient, path: str, params: dict[str, str]
) -> None:
    problem = assert_problem(await client.get(path, params=params), 422)

    assert field_errors(problem) == set(params)


@pytest.mark.parametrize(
    "path",
    ["/users/0", f"/users/{INT4_MAX + 1}", "/orders/99999999999999999999/details"],
)
async def test_an_id_outside_the_integer_column_is_a_422(
    client: httpx.AsyncClient, path: str
) -> None:
    problem = assert_problem(await client.get(path), 422, "validation-error")

    assert len(field_errors(problem)) == 1


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (
            "/orders/",
            {"user_id": 1, "items": [{"product_id": 1, "quantity": INT4_MAX + 1}]},
            "items.0.quantity",
        ),
        (
            "/orders/",
            {"user_id": 1, "items": [{"product_id": 0, "quantity": 1}]},
            "items.0.product_id",
        ),
        ("/orders/", {"user_id": -1, "items": [{"product_id": 1, "quantity": 1}]}, "user_id"),
        (
            "/orders/",
            {"user_id": 1, "items": [{"product_id": 1, "quantity": 0}]},
            "items.0.quantity",
        ),
        ("/products/1/stock-adjustments", {"delta": INT4_MAX + 1}, "delta"),
        ("/products/1/stock-adjustments", {"delta": -INT4_MAX - 1}, "delta"),
        (
            "/products/",
            {"name": "Big", "sku": "BIG-1", "price": "1.00", "stock_quantity": INT4_MAX + 1},
            "stock_quantity",
        ),
        ("/categories/", {"name": "Deep", "parent_id": 10**20}, "parent_id"),
    ],
)
async def test_integers_in_bodies_are_range_checked(
    client: httpx.AsyncClient, path: str, body: dict[str, Any], field: str
) -> None:
    problem = assert_problem(await client.post(path, json=body), 422, "validation-error")

    assert field_errors(problem) == {field}


async def test_integers_are_not_read_from_strings_fractions_or_booleans(
    client: httpx.AsyncClient,
) -> None:
    for quantity in ("2", 2.5, True):
        response = await client.post(
            "/orders/", json={"user_id": 1, "items": [{"product_id": 1, "quantity": quantity}]}
        )
        assert field_errors(assert_problem(response, 422)) == {"items.0.quantity"}


async def test_an_integral_float_is_read_as_the_integer_it_is(api: Api) -> None:
    # To JSON Schema, and so to the published schema, 2.0 is the integer 2.
    user = await api.user()
    product = await api.product(stock_quantity=5)

    response = await api.client.post(
        "/orders/",
        json={
            "user_id": float(user["id"]),
            "items": [{"product_id": product["id"], "quantity": 2.0}],
        },
    )

    assert response.status_code == 201, response.text
    assert response.json()["items"][0]["quantity"] == 2


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page": "0"}, "page"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "101"}, "page_size"),
        ({"page": str(INT4_MAX + 1)}, "page"),
    ],
)
async def test_pages_outside_their_bounds_are_422s_not_clamped(
    client: httpx.AsyncClient, params: dict[str, str], field: str
) -> None:
    problem = assert_problem(await client.get("/products/", params=params), 422)

    assert field_errors(problem) == {field}


async def test_a_page_size_of_100_is_the_largest_accepted(client: httpx.AsyncClient) -> None:
    response = await client.get("/products/", params={"page_size": 100})

    assert response.status_code == 200
    assert response.json()["page_size"] == 100


async def test_text_with_a_nul_or_other_control_character_is_refused(api: Api) -> None:
    for name in ("nul\x00byte", "bell\x07", "escape\x1b[31m"):
        response = await api.client.post("/categories/", json={"name": name})
        assert field_errors(assert_problem(response, 422)) == {"name"}

    in_query = await api.client.get("/users/", params={"search": "a\x00b"})
    in_filter = await api.client.get("/products/", params={"name__like": "a\x00b"})
    in_path = await api.client.get("/users/by-email/a%00b@example.com")
    assert field_errors(assert_problem(in_query, 422)) == {"search"}
    assert field_errors(assert_problem(in_filter, 422)) == {"name__like"}
    assert_problem(in_path, 422)


@pytest.mark.parametrize("price", ["NaN", "Infinity", "-Infinity"])
async def test_nan_and_infinities_are_not_money(client: httpx.AsyncClient, price: str) -> None:
    as_string = await client.post(
        "/products/", json={"name": "Odd", "sku": "ODD-1", "price": price}
    )
    # Python's JSON reader takes the bare literals NaN and Infinity: they must fail too.
    as_literal = await client.post(
        "/products/",
        content=f'{{"name": "Odd", "sku": "ODD-1", "price": {price}}}'.encode(),
        headers={"content-type": "application/json"},
    )

    assert field_errors(assert_problem(as_string, 422)) == {"price"}
    assert field_errors(assert_problem(as_literal, 422)) == {"price"}


async def test_every_response_carries_a_request_id(client: httpx.AsyncClient) -> None:
    ok = await client.get("/")
    missing = await client.get("/nowhere")
    given = await client.get("/", headers={"X-Request-ID": "trace-42"})
    refused = await client.get("/", headers={"X-Request-ID": "bad id with spaces"})

    assert len(ok.headers["x-request-id"]) == 32
    assert len(missing.headers["x-request-id"]) == 32
    assert ok.headers["x-request-id"] != missing.headers["x-request-id"]
    assert given.headers["x-request-id"] == "trace-42"
    assert refused.headers["x-request-id"] != "bad id with spaces"


class _Broken:
    """A query port whose every call fails the way a bug would."""

    def __getattr__(self, name: str) -> Any:
        async def fail(*args: Any, **kwargs: Any) -> Any:
            raise RuntimeError("database password is hunter2")

        return fail


class _Down:
    def __getattr__(self, name: str) -> Any:
        async def fail(*args: Any, **kwargs: Any) -> Any:
            raise Unavailable("the pool timed out")

        return fail


@contextmanager
def _overridden(provider: Any, replacement: object) -> Iterator[None]:
    provider.override(providers.Object(replacement))
    try:
        yield
    finally:
        provider.reset_override()


async def test_an_unexpected_error_is_a_bare_500_logged_with_the_request_id(
    client: httpx.AsyncClient, container: Container, caplog: pytest.LogCaptureFixture
) -> None:
    with (
        _overridden(container.order_queries, _Broken()),
        caplog.at_level(logging.ERROR, logger="entrypoints.http.errors"),
    ):
        response = await client.get("/orders/stats/summary")

    problem = assert_problem(response, 500, "internal")
    assert "hunter2" not in response.text
    assert "RuntimeError" not in response.text
    request_id = response.headers["x-request-id"]
    (record,) = [r for r in caplog.records if request_id in r.getMessage()]
    assert record.exc_info is not None
    assert problem.get("errors") is None


async def test_unavailable_storage_is_a_503_with_retry_after(
    client: httpx.AsyncClient, container: Container
) -> None:
    with _overridden(container.product_queries, _Down()):
        response = await client.get("/products/")

    assert_problem(response, 503, "unavailable")
    assert response.headers["retry-after"] == "1"
    assert "pool" not in response.text


async def test_problems_are_served_as_problem_json(client: httpx.AsyncClient) -> None:
    responses = [
        await client.get("/users/2147483647"),
        await client.delete("/"),
        await client.post("/users/", json={}),
    ]

    assert {r.headers["content-type"] for r in responses} == {PROBLEM}
