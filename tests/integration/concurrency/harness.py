"""The real HTTP app on a real database, for concurrency and fault tests.

`running_app(url, ...)` builds the container from settings (plus any provider overrides a
test hands in), starts the app with its lifespan and yields an `AppUnderTest`: an httpx
client over the ASGI transport that records every response, so a test can check afterwards
that none of them was a 5xx it did not expect or carried a traceback. Requests fired with
`asyncio.gather` each get their own handler, unit of work and session from the container.

The client is an admin's: the harness creates the admin as the operator does (the
`create_admin` use case, which `storefront create-admin` runs), signs in through POST
/auth/token and sends the access token with every request. An admin may place an order for
any user, so the tests name their buyers as before, and every request still goes through
the same authentication a customer's does (one read of the account per request). The app
acts in main; `in_new_store(slug)` gives a client of the same app acting in another store.

`PausingUnitOfWork` is the test hook for faults in the middle of a use case: a SQL unit of
work whose `get_for_update` takes the row locks, reports the server process holding them,
and then waits until the test opens the gate. It is put in by overriding the main store's
`unit_of_work` provider; nothing is patched.

On PostgreSQL the tests hand the app the URL of the app's role (`postgres_app_url`), which
row-level security holds, as a deployment's is.
"""

from __future__ import annotations

import asyncio
import sys
from collections import Counter
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import httpx
from dependency_injector import providers
from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.security import Argon2PasswordHasher
from adapters.sqlalchemy import SqlAlchemyUnitOfWork
from adapters.sqlalchemy.catalog import SqlAlchemyProductRepository
from adapters.sqlalchemy.repository import SessionSource
from adapters.sqlalchemy.tenancy import keeps_to_store
from application.identity.commands import CreateAdmin
from application.shared.access import MAIN_STORE
from application.stores.commands import OpenStore
from domain.catalog.product import Product
from entrypoints.container import MAIN_STORE_ID, NO_STORE_ID, Container, build_container
from entrypoints.http.app import create_app
from entrypoints.settings import Settings

__all__ = [
    "PROBLEM",
    "AppUnderTest",
    "Gate",
    "PausingUnitOfWork",
    "backend_pid",
    "deadlocks_detected",
    "report",
    "running_app",
    "statuses",
]

PROBLEM = "application/problem+json"
# Any of these in a body means internals leaked into an answer.
_TRACE_MARKERS = ("Traceback", 'File "', "sqlalchemy", "asyncpg", "aiosqlite")
_MAX_PAGES = 100
ADMIN_NAME, ADMIN_EMAIL, ADMIN_PASSWORD = "admin", "admin@example.com", "AdminPass123"


@dataclass
class AppUnderTest:
    client: httpx.AsyncClient
    container: Container
    responses: list[httpx.Response] = field(default_factory=list)
    transport: httpx.AsyncBaseTransport | None = None

    async def _record(self, response: httpx.Response) -> None:
        await response.aread()
        self.responses.append(response)

    def assert_no_traceback(self) -> None:
        leaking = [
            (r.request.method, r.request.url.path, r.status_code)
            for r in self.responses
            if any(marker in r.text for marker in _TRACE_MARKERS)
        ]
        assert not leaking, f"responses carrying internals: {leaking}"

    async def sign_in_as_admin(self) -> None:
        """Make sure the admin exists, sign in, and send its access token from now on."""
        admin = CreateAdmin(ADMIN_NAME, ADMIN_EMAIL, ADMIN_PASSWORD, existing_ok=True)
        await self.container.use_cases().create_admin()(admin)
        # A token sent with the sign-in would be checked first: sign in without one.
        self.client.headers.pop("Authorization", None)
        response = await self.client.post(
            "/auth/token", data={"username": ADMIN_NAME, "password": ADMIN_PASSWORD}
        )
        assert response.status_code == 200, response.text
        self.client.headers["Authorization"] = f"Bearer {response.json()['access_token']}"

    @asynccontextmanager
    async def in_new_store(self, slug: str) -> AsyncIterator[AppUnderTest]:
        """The same app, acting in a store opened now as the operator opens one, whose admin
        (made as `storefront create-admin --store` makes one, with the same name as main's)
        signed in through X-Store: everything the yielded client does happens there."""
        operator = self.container.store_scopes()(NO_STORE_ID)
        store = await operator.open_store()(OpenStore(slug, slug.title()))
        assert store.id is not None
        admin = CreateAdmin(ADMIN_NAME, ADMIN_EMAIL, ADMIN_PASSWORD)
        await self.container.store_scopes()(store.id).create_admin()(admin)
        other = AppUnderTest(
            client=httpx.AsyncClient(), container=self.container, transport=self.transport
        )
        async with httpx.AsyncClient(
            transport=self.transport,
            base_url="http://testserver",
            headers={"X-Store": slug},
            event_hooks={"response": [other._record]},
            timeout=30,
        ) as client:
            other.client = client
            response = await client.post(
                "/auth/token", data={"username": ADMIN_NAME, "password": ADMIN_PASSWORD}
            )
            assert response.status_code == 200, response.text
            # From now on the token alone names the store, as a client signed in holds it.
            del client.headers["X-Store"]
            client.headers["Authorization"] = f"Bearer {response.json()['access_token']}"
            yield other

    def hold_token_of(self, user_id: int) -> None:
        """Send from now on an access token the app signed for `user_id`, as a client that
        signed in earlier holds: checking it needs the database (is the account still
        active?), which a test may have taken away."""
        token = self.container.access_tokens().issue(
            user_id, MAIN_STORE, 0, self.container.clock().now()
        )
        self.client.headers["Authorization"] = f"Bearer {token}"

    async def probe(self, path: str) -> httpx.Response:
        """GET `path` as a health probe does: without the client's token."""
        request = self.client.build_request("GET", path)
        request.headers.pop("Authorization", None)
        return await self.client.send(request)

    async def user(self, name: str) -> int:
        response = await self.client.post(
            "/users/",
            json={
                "username": name,
                "email": f"{name}@example.com",
                "password": "SecurePass123",
                "full_name": "Concurrent Buyer",
            },
        )
        assert response.status_code == 201, response.text
        return int(response.json()["id"])

    async def product(self, name: str, *, stock: int, price: str = "10.00") -> int:
        response = await self.client.post(
            "/products/",
            json={
                "name": name,
                "sku": name.upper().replace("_", "-"),
                "price": price,
                "stock_quantity": stock,
            },
        )
        assert response.status_code == 201, response.text
        return int(response.json()["id"])

    async def stock(self, product_id: int) -> int:
        response = await self.client.get(f"/products/{product_id}")
        assert response.status_code == 200, response.text
        return int(response.json()["stock_quantity"])

    async def place_order(self, user_id: int, lines: Sequence[tuple[int, int]]) -> httpx.Response:
        items = [{"product_id": product_id, "quantity": quantity} for product_id, quantity in lines]
        return await self.client.post("/orders/", json={"user_id": user_id, "items": items})

    async def orders(self) -> list[dict[str, Any]]:
        """Every order the storage holds, read page by page (bounded)."""
        found: list[dict[str, Any]] = []
        for page in range(1, _MAX_PAGES + 1):
            response = await self.client.get("/orders/", params={"page": page, "page_size": 100})
            assert response.status_code == 200, response.text
            body = response.json()
            found.extend(body["items"])
            if not body["has_next"]:
                return found
        raise AssertionError(f"more than {_MAX_PAGES} pages of orders")

    async def reserved(self, *, include_cancelled: bool = False) -> Counter[int]:
        """Quantity per product on the stored orders (cancelled ones left out by default)."""
        total: Counter[int] = Counter()
        for order in await self.orders():
            if order["status"] == "cancelled" and not include_cancelled:
                continue
            for item in order["items"]:
                total[int(item["product_id"])] += int(item["quantity"])
        return total


@asynccontextmanager
async def running_app(
    database_url: str,
    *,
    overrides: Callable[[Container], None] | None = None,
    signed_in: bool = True,
    **settings: Any,
) -> AsyncIterator[AppUnderTest]:
    """The app on `database_url`, its client signed in as the admin unless `signed_in` is
    False (the database may not be there yet: `sign_in_as_admin` does it later)."""
    container = build_container(Settings(_env_file=None, database_url=database_url, **settings))
    container.hasher.override(providers.Object(Argon2PasswordHasher.for_tests()))
    if overrides is not None:
        overrides(container)
    app = create_app(container=container)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        under_test = AppUnderTest(
            client=httpx.AsyncClient(), container=container, transport=transport
        )
        async with httpx.AsyncClient(
            transport=transport,
            base_url="http://testserver",
            event_hooks={"response": [under_test._record]},
            timeout=30,
        ) as client:
            under_test.client = client
            if signed_in:
                await under_test.sign_in_as_admin()
            yield under_test


def statuses(responses: Sequence[httpx.Response]) -> Counter[int]:
    return Counter(response.status_code for response in responses)


def report(test: str, **figures: object) -> str:
    """Print the figures a test measured (shown by `pytest -rA`) and return them as text for
    assertion messages."""
    line = f"[{test}] " + ", ".join(f"{name}={value}" for name, value in figures.items())
    print(line, file=sys.stderr)
    return line


async def deadlocks_detected(database_url: str) -> int | None:
    """How many deadlocks PostgreSQL has detected in this database (None on SQLite).

    A server process reports its count when it exits, so this first waits (bounded) for the
    app's connections to be gone: call it after the app has shut down."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        return None
    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(dsn, timeout=10)
    try:
        for _ in range(100):
            others = await connection.fetchval(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            if others == 0:
                break
            await asyncio.sleep(0.05)
        await connection.execute("SELECT pg_stat_clear_snapshot()")
        return int(
            await connection.fetchval(
                "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()"
            )
        )
    finally:
        await connection.close()


class Gate:
    """Where a paused use case waits. While armed, the next `get_for_update` pauses (and
    disarms the gate): `reached` is set once it holds its locks, and it goes on when the test
    calls `open()`. `backend_pids` names the PostgreSQL server processes that paused."""

    def __init__(self, *, armed: bool = True) -> None:
        self.armed = armed
        self.reached = asyncio.Event()
        self._open = asyncio.Event()
        self.backend_pids: list[int] = []

    def arm(self) -> None:
        self.armed = True
        self.reached.clear()
        self._open.clear()

    def open(self) -> None:
        self._open.set()

    async def pause(self) -> None:
        self.armed = False
        self.reached.set()
        await self._open.wait()


# Names no table, so no store: the store guard lets it through when told so.
_BACKEND_PID = keeps_to_store(text("SELECT pg_backend_pid()"))


async def backend_pid(session: Any) -> int:
    """The PostgreSQL server process behind a unit of work's session."""
    return int(await session.scalar(_BACKEND_PID))


class _PausingProductRepository(SqlAlchemyProductRepository):
    def __init__(self, session: SessionSource, gate: Gate) -> None:
        super().__init__(session)
        self._gate = gate

    async def get_for_update(self, product_ids: Sequence[int]) -> list[Product]:
        locked = await super().get_for_update(product_ids)
        if not self._gate.armed:
            return locked
        self._gate.armed = False  # before any await: only this one request pauses
        session = self._session
        if session.get_bind().dialect.name == "postgresql":
            self._gate.backend_pids.append(await backend_pid(session))
        await self._gate.pause()
        return locked


class PausingUnitOfWork(SqlAlchemyUnitOfWork):
    """A SQL unit of work that stops at the gate right after locking products."""

    def __init__(
        self, session_factory: async_sessionmaker[AsyncSession], store_id: int, gate: Gate
    ) -> None:
        super().__init__(session_factory, store_id)
        self.products = _PausingProductRepository(self.session, gate)

    @classmethod
    def installed(cls, gate: Gate) -> Callable[[Container], None]:
        """A container override putting this unit of work behind every use case of the main
        store, where the tests act."""

        def override(container: Container) -> None:
            container.use_cases().unit_of_work.override(
                providers.Factory(cls, container.session_factory, MAIN_STORE_ID, gate)
            )

        return override
