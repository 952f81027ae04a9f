"""The README's curl walk-through, against a real server on a fresh SQLite file.

The server is started exactly as a user would: `python -m entrypoints.cli serve`, which
migrates the file first. The data migration seeds "Electronics" as category 1, so the
walk-through's first request — creating that category — is answered 409, and everything
after it uses the seeded category.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.server import RunningServer, serving

pytestmark = pytest.mark.slow

JSON = {"Content-Type": "application/json"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    folder = tmp_path_factory.mktemp("e2e")
    with serving(f"sqlite+aiosqlite:///{folder / 'walkthrough.db'}", cwd=folder) as running:
        yield running


@pytest.fixture(scope="module")
def http(server: RunningServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, timeout=10.0) as client:
        yield client


def test_the_curl_walk_through_gives_the_documented_answers(http: httpx.Client) -> None:
    category = http.post(
        "/categories/",
        headers=JSON,
        json={"name": "Electronics", "slug": "electronics", "description": "Electronic devices"},
    )
    assert category.status_code == 409
    assert category.headers["content-type"] == "application/problem+json"
    assert category.json()["type"] == "urn:storefront:problem:duplicate-value"
    assert http.get("/categories/1").json()["name"] == "Electronics"

    product = http.post(
        "/products/",
        headers=JSON,
        json={
            "name": "Wireless Headphones",
            "slug": "wireless-headphones",
            "price": 79.99,
            "sku": "WH-001",
            "stock_quantity": 50,
            "category_id": 1,
        },
    )
    assert product.status_code == 201
    assert product.json()["id"] == 1
    assert (product.json()["price"], product.json()["stock_quantity"]) == ("79.99", 50)

    user = http.post(
        "/users/",
        headers=JSON,
        json={
            "username": "johndoe",
            "email": "john@example.com",
            "password": "SecurePass123",
            "full_name": "John Doe",
        },
    )
    assert user.status_code == 201
    assert user.json()["id"] == 1
    assert "password" not in user.text

    order = http.post(
        "/orders/",
        headers=JSON,
        json={"user_id": 1, "items": [{"product_id": 1, "quantity": 2}]},
    )
    assert order.status_code == 201
    assert (order.json()["id"], order.json()["total_amount"]) == (1, "159.98")

    details = http.get("/orders/1")
    assert details.status_code == 200
    assert details.json()["status"] == "pending"
    assert details.json()["total_amount"] == "159.98"
    (item,) = details.json()["items"]
    assert (item["product_id"], item["quantity"], item["unit_price"]) == (1, 2, "79.99")
    assert http.get("/products/1").json()["stock_quantity"] == 48

    confirmed = http.patch("/orders/1/status?new_status=confirmed")
    assert confirmed.status_code == 200
    assert confirmed.json()["status"] == "confirmed"

    stats = http.get("/orders/stats/summary")
    assert stats.status_code == 200
    assert stats.json() == {
        "total_orders": 1,
        "total_revenue": "159.98",
        "orders_by_status": {
            "pending": 0,
            "confirmed": 1,
            "shipped": 0,
            "delivered": 0,
            "cancelled": 0,
        },
    }

    health = http.get("/health")
    assert health.status_code == 200
    assert health.json()["status"] == "healthy"
    assert health.json()["database"]["backend"] == "sqlite"


def test_the_docs_and_the_openapi_document_are_served(http: httpx.Client) -> None:
    assert http.get("/docs").status_code == 200
    assert "/orders/{order_id}/status" in http.get("/openapi.json").json()["paths"]


def test_the_served_app_does_not_name_its_server_and_answers_head(http: httpx.Client) -> None:
    got = http.get("/products/")
    head = http.head("/products/")

    assert "server" not in got.headers
    assert head.status_code == 200
    assert head.headers["content-length"] == got.headers["content-length"]
    assert head.content == b""


def test_the_server_shuts_down_gracefully_on_sigterm(tmp_path: Path) -> None:
    with serving(
        f"sqlite+aiosqlite:///{tmp_path / 'stop.db'}", cwd=tmp_path, log_level="INFO"
    ) as running:
        pass

    # uvicorn finishes the lifespan (engines disposed), then re-raises the signal it caught.
    assert running.process.returncode in (0, -signal.SIGTERM)
    output = running.output()
    assert "Application shutdown complete" in output
    assert "Finished server process" in output
