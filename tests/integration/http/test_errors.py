"""Every error is an RFC 9457 problem, and no input, however malformed, reaches a driver."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import httpx
import pytest
from dependency_injector import providers
from fastapi import APIRouter, FastAPI, Query

from application.shared.errors import Unavailable
from domain.shared.text import MULTI_LINE_PATTERN, SINGLE_LINE_PATTERN
from entrypoints.container import Container
from entrypoints.http.errors import install_problem_handlers
from entrypoints.http.listing import StrictQueryRoute
from entrypoints.http.schemas.fields import REQUIRED_SINGLE_LINE
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
    assert response.headers["allow"] == "DELETE, GET, HEAD, PATCH, PUT"


async def test_a_wrong_method_on_a_fixed_path_is_not_taken_for_an_id(
    client: httpx.AsyncClient,
) -> None:
    response = await client.put("/users/top-spenders")

    assert_problem(response, 405)
    assert response.headers["allow"] == "GET, HEAD"


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
            {"is_active": False},
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
    ("path", "name"),
    [
        ("/products/?page=1&page=2", "page"),
        ("/products/?page_size=5&sort=name&page_size=50", "page_size"),
        ("/products/low-stock?threshold=1&threshold=2", "threshold"),
        ("/users/?search=ann&search=bob", "search"),
        ("/users/top-spenders?limit=1&limit=2", "limit"),
    ],
)
async def test_a_single_valued_query_parameter_given_twice_is_a_422_naming_it(
    client: httpx.AsyncClient, path: str, name: str
) -> None:
    problem = assert_problem(await client.get(path), 422, "validation-error")

    assert field_errors(problem) == {name}


async def test_a_status_given_twice_changes_nothing_and_is_a_422(api: Api) -> None:
    user = await api.user()
    product = await api.product()
    order = await api.order(user["id"], (product["id"], 1))

    response = await api.client.patch(
        f"/orders/{order['id']}/status?new_status=bogus&new_status=confirmed"
    )

    assert field_errors(assert_problem(response, 422, "validation-error")) == {"new_status"}
    assert (await api.client.get(f"/orders/{order['id']}")).json()["status"] == "pending"


async def test_a_repeated_filter_is_one_more_condition(api: Api) -> None:
    ids = [str((await api.product())["id"]) for _ in range(3)]

    response = await api.client.get(
        f"/products/?id__in={','.join(ids)}&id__ne={ids[0]}&id__ne={ids[1]}"
    )

    assert response.status_code == 200
    assert [str(item["id"]) for item in response.json()["items"]] == [ids[2]]


async def test_an_idempotency_key_given_twice_is_a_422_and_places_nothing(api: Api) -> None:
    user = await api.user()
    product = await api.product(stock_quantity=5)

    response = await api.client.post(
        "/orders/",
        json={"user_id": user["id"], "items": [{"product_id": product["id"], "quantity": 1}]},
        headers=[("Idempotency-Key", "first"), ("Idempotency-Key", "second")],
    )

    problem = assert_problem(response, 422, "validation-error")
    assert field_errors(problem) == {"Idempotency-Key"}
    stock = (await api.client.get(f"/products/{product['id']}")).json()["stock_quantity"]
    assert stock == 5


async def test_a_query_parameter_declared_as_a_list_takes_every_value_given() -> None:
    router = APIRouter(route_class=StrictQueryRoute)

    @router.get("/tagged")
    async def tagged(
        tags: Annotated[list[str], Query()], page: Annotated[int, Query()] = 1
    ) -> dict[str, Any]:
        return {"tags": tags, "page": page}

    app = FastAPI()
    app.include_router(router)
    install_problem_handlers(app)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        listed = await client.get("/tagged?tags=a&tags=b")
        repeated_page = await client.get("/tagged?tags=a&page=1&page=2")

    assert listed.json() == {"tags": ["a", "b"], "page": 1}
    assert field_errors(assert_problem(repeated_page, 422)) == {"page"}


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


@pytest.mark.parametrize("path", ["/users/", "/orders/", "/products/"])
@pytest.mark.parametrize(
    "stamp",
    [
        "9999-12-31T23:59:59-23:59",  # written correctly, but past year 9999 once in UTC
        "0001-01-01T00:00:00+23:59",  # before year 1 once in UTC
    ],
)
async def test_a_datetime_filter_out_of_range_is_a_422(
    client: httpx.AsyncClient, path: str, stamp: str
) -> None:
    response = await client.get(path, params={"created_at__gte": stamp})

    problem = assert_problem(response, 422, "invalid-query")
    assert field_errors(problem) == {"created_at__gte"}


@pytest.mark.parametrize("path", ["/users/", "/orders/", "/products/"])
async def test_the_first_and_last_instants_in_utc_are_datetime_filters_like_any_other(
    client: httpx.AsyncClient, path: str
) -> None:
    params = {"created_at__gte": "0001-01-01T00:00:00Z", "created_at__lte": "9999-12-31T23:59:59Z"}

    assert (await client.get(path, params=params)).status_code == 200


@pytest.mark.parametrize("path", ["/users/", "/orders/", "/products/"])
async def test_more_than_20_filters_is_a_422_that_says_the_limit(
    client: httpx.AsyncClient, path: str
) -> None:
    twenty = tuple(("id__ne", str(n)) for n in range(1, 21))
    # 999 filters made a statement SQLite refused outright (a 503); none reaches it now.
    for too_many in ((*twenty, ("id__ne", "21")), tuple(("id__ne", str(n)) for n in range(999))):
        response = await client.get(path, params=too_many)
        problem = assert_problem(response, 422, "invalid-query")
        assert field_errors(problem) == {"filters"}
        assert "at most 20 filters" in problem["errors"][0]["message"]

    assert (await client.get(path, params=twenty)).status_code == 200


async def test_more_than_100_values_in_one_in_filter_is_a_422_that_says_the_limit(
    client: httpx.AsyncClient,
) -> None:
    values = [str(n) for n in range(1, 101)]

    ok = await client.get("/products/", params={"id__in": ",".join(values)})
    refused = await client.get("/products/", params={"id__in": ",".join([*values, "101"])})

    assert ok.status_code == 200
    problem = assert_problem(refused, 422, "invalid-query")
    assert field_errors(problem) == {"id__in"}
    assert "100" in problem["errors"][0]["message"]


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


LINE_BREAKS = ["\t", "\n", "\r", "\x85", "\u2028", "\u2029"]


@pytest.mark.parametrize("character", LINE_BREAKS, ids=lambda c: f"U+{ord(c):04X}")
async def test_a_tab_or_line_break_in_a_single_line_field_is_a_422_naming_the_field(
    api: Api, character: str
) -> None:
    user = await api.user()
    product = await api.product()
    category = await api.category()
    c = character
    new_user = {"username": api.unique("u"), "password": "SecurePass123"}
    new_user["email"] = f"{new_user['username']}@example.com"
    new_product = {"name": api.unique("P"), "sku": api.unique("S").replace("_", "-"), "price": 1}
    line = [{"product_id": product["id"], "quantity": 1}]
    sent = [
        ("POST", "/categories/", {"name": f"Garden{c}Tools"}, "name"),
        ("POST", "/categories/", {"name": api.unique("C"), "slug": f"garden{c}"}, "slug"),
        ("PATCH", f"/categories/{category['id']}", {"name": f"Garden{c}"}, "name"),
        ("POST", "/products/", {**new_product, "name": f"Desk{c}Lamp"}, "name"),
        ("POST", "/products/", {**new_product, "sku": f"LAMP-1{c}"}, "sku"),
        ("POST", "/products/", {**new_product, "slug": f"lamp{c}"}, "slug"),
        ("PATCH", f"/products/{product['id']}", {"version": 1, "name": f"{c}Lamp"}, "name"),
        ("POST", "/users/", {**new_user, "username": f"john{c}"}, "username"),
        ("POST", "/users/", {**new_user, "email": f"john@example.com{c}"}, "email"),
        ("POST", "/users/", {**new_user, "full_name": f"John{c}Doe"}, "full_name"),
        (
            "POST",
            "/users/bulk",
            {"users": [{**new_user, "full_name": f"J{c}D"}]},
            "users.0.full_name",
        ),
        ("PATCH", f"/users/{user['id']}", {"full_name": f"John Doe{c}"}, "full_name"),
        (
            "POST",
            "/orders/",
            {"user_id": user["id"], "items": line, "shipping_address": f"1 Main St{c}Town"},
            "shipping_address",
        ),
    ]
    for method, path, body, field in sent:
        response = await api.client.request(method, path, json=body)
        assert field_errors(assert_problem(response, 422)) == {field}, (method, path, body)


async def test_long_text_fields_keep_their_tabs_and_line_breaks(api: Api) -> None:
    text = "First line,\r\n\tan indented one,\nand a last\u2028one."
    product = await api.product(description=text)
    category = await api.category(description=text)
    user = await api.user(bio=text)

    assert (product["description"], category["description"], user["bio"]) == (text,) * 3


async def test_the_openapi_document_publishes_each_field_s_kind_of_text(api: Api) -> None:
    schemas = (await api.client.get("/openapi.json")).json()["components"]["schemas"]

    def pattern(model: str, field: str) -> str:
        published = schemas[model]["properties"][field]
        branch = next(s for s in published.get("anyOf", [published]) if s["type"] == "string")
        return str(branch["pattern"])

    # Names are required single-line text: the single-line pattern, and not blank.
    for model, field in [
        ("CategoryCreate", "name"),
        ("ProductCreate", "name"),
        ("ProductUpdate", "name"),
    ]:
        assert pattern(model, field) == REQUIRED_SINGLE_LINE.pattern, (model, field)
        assert re.fullmatch(pattern(model, field), "Lamp")
        assert not re.fullmatch(pattern(model, field), "Desk\tlamp")
        assert not re.fullmatch(pattern(model, field), "   ")
    for model, field in [
        ("UserCreate", "full_name"),
        ("UserPatch", "full_name"),
        ("OrderCreate", "shipping_address"),
    ]:
        assert pattern(model, field) == SINGLE_LINE_PATTERN, (model, field)
    for model, field in [
        ("CategoryCreate", "description"),
        ("ProductCreate", "description"),
        ("UserCreate", "bio"),
    ]:
        assert pattern(model, field) == MULTI_LINE_PATTERN, (model, field)


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
        _overridden(container.use_cases().order_queries, _Broken()),
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
    with _overridden(container.use_cases().product_queries, _Down()):
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
