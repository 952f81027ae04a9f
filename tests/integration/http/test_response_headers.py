"""What every answer carries, whatever route takes it: the headers of every answer and of
every answer with personal data, HEAD for every GET, and CORS only for the origins
configured."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from pydantic import ValidationError
from starlette.types import Message

from entrypoints.settings import Settings
from tests.integration.http.api import Api, served_in_memory

SHOP = "https://shop.example"


# ------------------------------------------------------------------ headers on every answer
async def test_every_answer_says_nosniff(api: Api) -> None:
    product = await api.product()
    answers = [
        await api.client.get("/"),
        await api.client.get(f"/products/{product['id']}"),
        await api.client.get("/users/"),
        await api.client.get("/no/such/thing"),  # 404
        await api.client.post("/products/", json={}),  # 422
        await api.client.delete("/"),  # 405
        await api.client.post("/categories/", json={"name": api.unique("Nosniff")}),  # 201
    ]

    assert [answer.headers.get("x-content-type-options") for answer in answers] == [
        "nosniff"
    ] * len(answers)


async def test_answers_carrying_personal_data_are_never_stored(api: Api) -> None:
    user = await api.user()
    product = await api.product()
    order = await api.order(user["id"], (product["id"], 1))
    personal = [
        "/users/",
        f"/users/{user['id']}",
        f"/users/{user['id']}/orders",
        "/users/999999",  # a 404 says whether an account exists
        "/orders/",
        f"/orders/{order['id']}/details",
        "/exports/users",
        "/items/",
        "/items/999999",
        "/users/me/notifications",
        "/users/me/ledger",
        "/transfers/",
        "/admin/ledger/reconciliation",
    ]
    public = ["/", "/products/", f"/products/{product['id']}", "/categories/", "/health"]

    for path in personal:
        assert (await api.client.get(path)).headers.get("cache-control") == "no-store", path
    for path in public:
        assert "cache-control" not in (await api.client.get(path)).headers, path


# ------------------------------------------------------------------ HEAD
def _same_headers(response: httpx.Response) -> dict[str, str]:
    # The request id is new on every request.
    return {k: v for k, v in response.headers.items() if k != "x-request-id"}


async def test_head_answers_every_get_route_with_its_headers_and_no_body(
    api: Api, app: FastAPI
) -> None:
    user = await api.user()
    product = await api.product()
    paths = ["/", "/products/", f"/products/{product['id']}", f"/users/{user['id']}", "/nowhere"]

    for path in paths:
        got = await api.client.get(path)
        head = await api.client.head(path)
        assert head.status_code == got.status_code, path
        assert _same_headers(head) == _same_headers(got), path
        # httpx drops a HEAD answer's body by itself: look at what the app sends.
        assert await _body_sent_to_head(app, path) == b"", path


async def _body_sent_to_head(app: FastAPI, path: str) -> bytes:
    sent: list[bytes] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.body":
            sent.append(message.get("body", b""))

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "HEAD",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver")],
        "server": ("testserver", 80),
        "client": ("127.0.0.1", 1234),
    }
    await app(scope, receive, send)
    return b"".join(sent)


async def test_head_where_there_is_no_get_is_a_405_and_allow_names_head_with_get(
    client: httpx.AsyncClient,
) -> None:
    no_get = await client.head("/users/maintenance/purge-inactive")
    wrong = await client.post("/products/1")

    assert no_get.status_code == 405
    assert no_get.headers["allow"] == "POST"
    assert wrong.headers["allow"] == "DELETE, GET, HEAD, PATCH"


# ------------------------------------------------------------------ CORS
async def test_no_origin_may_call_from_a_browser_unless_configured() -> None:
    async with served_in_memory() as client:
        simple = await client.get("/products/", headers={"origin": SHOP})
        preflight = await client.options(
            "/orders/", headers={"origin": SHOP, "access-control-request-method": "POST"}
        )

    assert "access-control-allow-origin" not in simple.headers
    assert "access-control-allow-origin" not in preflight.headers


async def test_configured_origins_and_only_they_may_call_from_a_browser() -> None:
    async with served_in_memory(cors_origins=f"{SHOP}, http://localhost:3000") as client:
        allowed = await client.get("/products/", headers={"origin": SHOP})
        other = await client.get("/products/", headers={"origin": "https://evil.example"})
        preflight = await client.options(
            "/orders/",
            headers={
                "origin": SHOP,
                "access-control-request-method": "POST",
                "access-control-request-headers": "content-type, idempotency-key",
            },
        )

    assert allowed.headers["access-control-allow-origin"] == SHOP
    assert "access-control-allow-origin" not in other.headers
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == SHOP
    assert "POST" in preflight.headers["access-control-allow-methods"]


def test_cors_origins_are_read_comma_separated_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CORS_ORIGINS", f"{SHOP}, http://localhost:3000")

    assert Settings(_env_file=None).cors_origins == (SHOP, "http://localhost:3000")


@pytest.mark.parametrize("origin", [f"{SHOP}/", f"{SHOP}/app", "shop.example", "*"])
def test_an_origin_is_written_as_a_browser_sends_it(origin: str) -> None:
    with pytest.raises(ValidationError):
        Settings(_env_file=None, cors_origins=origin)
