"""What the HTTP tests share: a client-side maker of resources, problem assertions, a clock."""

from __future__ import annotations

import itertools
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from application.shared.ports import Clock
from entrypoints.http.app import create_app
from entrypoints.settings import Settings

__all__ = ["PROBLEM", "Api", "MovableClock", "assert_problem", "field_errors", "served_in_memory"]

PROBLEM = "application/problem+json"


class MovableClock(Clock):
    """The real time, shifted by whatever a test asks for (`clock.shift = -timedelta(...)`)."""

    def __init__(self) -> None:
        self.shift = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.shift


@dataclass
class Api:
    """Creates resources with unique names through the API and returns their JSON."""

    client: httpx.AsyncClient
    token: str = field(default_factory=lambda: secrets.token_hex(3))
    counter: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def unique(self, stem: str) -> str:
        return f"{stem}_{self.token}_{next(self.counter)}"

    async def created(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = await self.client.post(path, json=body)
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created

    async def user(self, **fields: Any) -> dict[str, Any]:
        username = self.unique("user")
        body = {
            "username": username,
            "email": f"{username}@example.com",
            "password": "SecurePass123",
            "full_name": "Test User",
            **fields,
        }
        return await self.created("/users/", body)

    async def category(self, **fields: Any) -> dict[str, Any]:
        return await self.created("/categories/", {"name": self.unique("Category"), **fields})

    async def product(self, **fields: Any) -> dict[str, Any]:
        name = self.unique("Product")
        body = {
            "name": name,
            "sku": name.replace("_", "-"),
            "price": "10.00",
            "stock_quantity": 50,
            **fields,
        }
        return await self.created("/products/", body)

    async def order(self, user_id: int, *lines: tuple[int, int], **fields: Any) -> dict[str, Any]:
        items = [{"product_id": product_id, "quantity": quantity} for product_id, quantity in lines]
        return await self.created("/orders/", {"user_id": user_id, "items": items, **fields})


def assert_problem(
    response: httpx.Response, status: int, kind: str | None = None
) -> dict[str, Any]:
    """The response is an RFC 9457 problem with this status (and problem type, if given)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    problem: dict[str, Any] = response.json()
    assert problem["status"] == status
    assert problem["title"]
    assert problem["detail"]
    if kind is not None:
        assert problem["type"] == f"urn:storefront:problem:{kind}"
    return problem


def field_errors(problem: dict[str, Any]) -> set[str]:
    return {error["field"] for error in problem.get("errors", [])}


@asynccontextmanager
async def served_in_memory(**settings: Any) -> AsyncIterator[httpx.AsyncClient]:
    """A client of an app of its own, on the in-memory backend, with these settings (for
    what the settings change, which is the same on every backend)."""
    app = create_app(Settings(_env_file=None, database_url="memory://", **settings))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        ) as client,
    ):
        yield client
