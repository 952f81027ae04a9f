"""What the HTTP tests share: clients of each kind of caller, a client-side maker of
resources, problem assertions, a clock.

    Clients       makes the clients of one app: anonymous, or signed in as someone; every one
                  of them checks each answer with `NoSecrets`
    SignIn        the bearer token of a client that is signed in (POST /auth/token)
    Api           makes resources with unique names, as an admin; `customer()` signs a new
                  customer up and hands back their account and their own client
    MovableClock  the app's clock, which a test may move or stop
"""

from __future__ import annotations

import hashlib
import itertools
import secrets
from collections.abc import AsyncIterator, Generator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Final, NamedTuple

import httpx
from fastapi import FastAPI

from application.shared.ports import Clock
from entrypoints.http.app import create_app
from entrypoints.settings import Settings

__all__ = [
    "ADMIN",
    "JWT_SECRET",
    "PASSWORD",
    "PROBLEM",
    "Account",
    "Api",
    "Clients",
    "Customer",
    "MovableClock",
    "NoSecrets",
    "SignIn",
    "assert_problem",
    "field_errors",
    "served_in_memory",
    "token_pair",
]

PROBLEM = "application/problem+json"
# The key the suite's apps sign access tokens with: no answer may ever show it.
JWT_SECRET: Final = "test-signing-key-" + "k" * 32
# The password of every account the suite signs up.
PASSWORD: Final = "SecurePass123"


@dataclass(frozen=True)
class Account:
    username: str
    email: str
    password: str


# The start-up admin of every app of the suite (the STOREFRONT_ADMIN_* settings).
ADMIN: Final = Account("suite_admin", "suite_admin@example.com", "AdminPass123")


class MovableClock(Clock):
    """The real time, shifted by whatever a test asks for (`clock.shift = -timedelta(...)`),
    or stopped at one instant (`clock.stop()`), so that waits the app computes come out
    exact."""

    def __init__(self) -> None:
        self.shift = timedelta(0)
        self.stopped_at: datetime | None = None

    def now(self) -> datetime:
        return (self.stopped_at or datetime.now(UTC)) + self.shift

    def stop(self) -> None:
        self.stopped_at = datetime.now(UTC)

    def reset(self) -> None:
        self.shift = timedelta(0)
        self.stopped_at = None


class NoSecrets:
    """Checked on every answer of the suite: no password hash, no refresh token as the
    server keeps it (its hash), and not the key that signs the access tokens ever leave the
    server. Refresh tokens are remembered as they are issued, so that their hashes can be
    looked for in every later answer."""

    def __init__(self) -> None:
        self.refresh_token_hashes: set[bytes] = set()

    async def __call__(self, response: httpx.Response) -> None:
        body = await response.aread()
        assert b'"hashed_password":' not in body  # as a key; a refused field may name it
        assert b"$argon2" not in body
        assert b"token_hash" not in body
        assert JWT_SECRET.encode() not in body
        for hashed in self.refresh_token_hashes:
            assert hashed not in body
        if response.request.url.path in ("/auth/token", "/auth/refresh") and response.is_success:
            issued = response.json()["refresh_token"]
            self.refresh_token_hashes.add(hashlib.sha256(issued.encode()).hexdigest().encode())


class SignIn(httpx.Auth):
    """Sends `Authorization: Bearer <access token>` on every request, signing in through
    POST /auth/token first.

    It signs in again only when the app's clock has left the token's lifetime, which a test
    that moves the clock does; never because an answer was a 401: a refused token is for the
    test to see."""

    requires_response_body = True
    # Signed in again this long before the token would expire.
    MARGIN: Final = timedelta(minutes=1)

    def __init__(self, account: Account, clock: MovableClock) -> None:
        self.account = account
        self.clock = clock
        self.token: str | None = None
        self.valid_from = self.valid_until = datetime.min.replace(tzinfo=UTC)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        now = self.clock.now()
        if self.token is None or not self.valid_from <= now < self.valid_until:
            answer = yield httpx.Request(
                "POST",
                request.url.join("/auth/token"),
                data={"username": self.account.username, "password": self.account.password},
            )
            assert answer.status_code == 200, answer.text
            pair = answer.json()
            self.token = str(pair["access_token"])
            lifetime = timedelta(seconds=pair["expires_in"])
            self.valid_from, self.valid_until = now, now + lifetime - self.MARGIN
        request.headers["Authorization"] = f"Bearer {self.token}"
        yield request


class Clients:
    """The clients of one app, each checked by the same `NoSecrets`; `aclose` closes them."""

    def __init__(self, app: FastAPI, clock: MovableClock) -> None:
        self.app = app
        self.clock = clock
        self.no_secrets = NoSecrets()
        self._open: list[httpx.AsyncClient] = []

    def anonymous(self) -> httpx.AsyncClient:
        return self._client(None)

    def signed_in(self, account: Account) -> httpx.AsyncClient:
        return self._client(SignIn(account, self.clock))

    def _client(self, auth: httpx.Auth | None) -> httpx.AsyncClient:
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app),
            base_url="http://testserver",
            auth=auth,
            event_hooks={"response": [self.no_secrets]},
        )
        self._open.append(client)
        return client

    async def aclose(self) -> None:
        for client in self._open:
            await client.aclose()
        self._open.clear()


class Customer(NamedTuple):
    """A customer the test signed up: their account as the API answered it, and a client
    signed in as them."""

    user: dict[str, Any]
    client: httpx.AsyncClient

    @property
    def id(self) -> int:
        user_id: int = self.user["id"]
        return user_id

    @property
    def account(self) -> Account:
        return Account(self.user["username"], self.user["email"], PASSWORD)


@dataclass
class Api:
    """Creates resources with unique names through the API and returns their JSON.

    `client` is an admin's, as is everything it creates; `anonymous` sends no token."""

    client: httpx.AsyncClient
    anonymous: httpx.AsyncClient
    clients: Clients
    token: str = field(default_factory=lambda: secrets.token_hex(3))
    counter: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def unique(self, stem: str) -> str:
        return f"{stem}_{self.token}_{next(self.counter)}"

    async def created(
        self, path: str, body: dict[str, Any], by: httpx.AsyncClient | None = None
    ) -> dict[str, Any]:
        response = await (by or self.client).post(path, json=body)
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created

    def new_user(self, **fields: Any) -> dict[str, Any]:
        """The body of a sign-up with unique names."""
        username = self.unique("user")
        return {
            "username": username,
            "email": f"{username}@example.com",
            "password": PASSWORD,
            "full_name": "Test User",
            **fields,
        }

    async def user(self, **fields: Any) -> dict[str, Any]:
        """An account an admin created."""
        return await self.created("/users/", self.new_user(**fields))

    async def customer(self, **fields: Any) -> Customer:
        """A customer who signed up themself (anonymously, POST /users/), with a client
        signed in as them."""
        user = await self.created("/users/", self.new_user(**fields), by=self.anonymous)
        account = Account(user["username"], user["email"], PASSWORD)
        return Customer(user, self.clients.signed_in(account))

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

    async def order(
        self,
        user_id: int | None,
        *lines: tuple[int, int],
        by: httpx.AsyncClient | None = None,
        **fields: Any,
    ) -> dict[str, Any]:
        """An order for `user_id`, placed by an admin unless `by` is another client; without
        a `user_id`, the caller's own."""
        items = [{"product_id": product_id, "quantity": quantity} for product_id, quantity in lines]
        body: dict[str, Any] = {"items": items, **fields}
        if user_id is not None:
            body["user_id"] = user_id
        return await self.created("/orders/", body, by=by)


async def token_pair(
    client: httpx.AsyncClient, login: str, password: str = PASSWORD
) -> dict[str, Any]:
    """A new sign-in's tokens (POST /auth/token), which must be granted."""
    response = await client.post("/auth/token", data={"username": login, "password": password})
    assert response.status_code == 200, response.text
    pair: dict[str, Any] = response.json()
    return pair


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
    what the settings change, which is the same on every backend). It sends no token."""
    app = create_app(Settings(_env_file=None, database_url="memory://", **settings))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        ) as client,
    ):
        yield client
