"""The practical limit: FastAPI handlers that talk to an asyncpg pool directly.

For comparison only; nothing outside bench/ imports it. It serves the endpoints the benchmark
drives with the app's JSON, but with no mapping layer: SQL written by hand, prepared
statements cached by the driver, JSON encoded by orjson straight from the rows.

It still does the work the app must do, so the comparison is fair. A caller with a bearer
token is who the token says only once PyJWT has verified it (HS256 pinned, signed with the
app's JWT_SECRET, every claim present, not expired) and one query has found the account
active and of the token's generation; the role comes from that row. An order: check that the
user exists and is active, lock the products in id order (one statement for all lines), refuse
inactive products and overselling, take the stock (bumping each product's version), store the
order, its items and the user's notification, all in one transaction. Reading an order is one
query for the order and its items; another customer's order is a 404, as in the app.

Stores, as the app keeps them. The request's store is the token's (`store` claim) or, for an
anonymous read, `X-Store` (else "main"); an unknown or inactive store is a 404, a header
naming another store than the token a 403. Stores are found by slug and kept for
`STORE_CACHE_SECONDS`, as the app's directory keeps them. Every statement names the store
itself (`store_id = $n`, and new rows carry it). Row-level security holds the role the
benchmark connects as, so PostgreSQL is told the store too, as the app tells it: an order's
transaction begins with `set_config('storefront.store_id', $1, true)`; a read outside a
transaction names it for the connection's session once, and the connection remembers which
store its session names (`_Connection`), so reads in one store cost no statement more. To
keep that setting, a connection going back to the pool is reset without `RESET ALL` (the
rest of asyncpg's reset query stays, in the same message); the app's pool does not reset
settings either (it rolls back).

Run: DATABASE_URL=postgresql://… uvicorn bench.baselines.raw_asyncpg:app
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any, NamedTuple

import asyncpg  # type: ignore[import-untyped]
import jwt
import orjson
from fastapi import FastAPI, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

__all__ = ["app"]

INT4_MAX = 2_147_483_647
POOL_SIZE = int(os.environ.get("DB_POOL_SIZE", "10"))
# The order number carries the second it was made in and 24 random bits, so at a thousand
# orders a second two of them meet now and then; the unique constraint catches it and the
# whole transaction is tried again with a new number.
ORDER_NUMBER_ATTEMPTS = 5
# The app's signing secret, from the same setting; the benchmark starts every variant with one.
JWT_SECRET = os.environ.get("JWT_SECRET", "")
_TOKEN_CLAIMS = ["sub", "store", "gen", "iat", "exp", "jti"]
_LEEWAY_S = 5  # the app's allowance for clocks that differ
_BEARER = "bearer "
MAIN_STORE = "main"
STORE_HEADER = "x-store"
STORE_CACHE_SECONDS = 5.0  # the app's default (STORE_CACHE_SECONDS)

# numeric(12, 2) as text is exactly the app's money string ("79.99").
_PRODUCT_COLUMNS = (
    "id, name, slug, sku, description, price::text AS price, stock_quantity, is_active, "
    "category_id, version, created_at, updated_at"
)
_FIND_STORE = "SELECT id, is_active FROM stores WHERE slug = $1"
_NAME_STORE_FOR_SESSION = "SELECT set_config('storefront.store_id', $1, false)"
_NAME_STORE_FOR_TRANSACTION = "SELECT set_config('storefront.store_id', $1, true)"
# Every statement below takes the store as $1.
_GET_PRODUCT = f"SELECT {_PRODUCT_COLUMNS} FROM products WHERE store_id = $1 AND id = $2"
_COUNT_ALL = "SELECT count(*) FROM products WHERE store_id = $1"
_PAGE_ALL = (
    f"SELECT {_PRODUCT_COLUMNS} FROM products WHERE store_id = $1 ORDER BY id LIMIT $2 OFFSET $3"
)
_COUNT_IN_CATEGORY = "SELECT count(*) FROM products WHERE store_id = $1 AND category_id = $2"
_PAGE_IN_CATEGORY = (
    f"SELECT {_PRODUCT_COLUMNS} FROM products WHERE store_id = $1 AND category_id = $2 "
    "ORDER BY id LIMIT $3 OFFSET $4"
)
_USER_IS_ACTIVE = "SELECT is_active FROM users WHERE store_id = $1 AND id = $2"
_STANDING = (
    "SELECT is_active, is_superuser, token_generation FROM users WHERE store_id = $1 AND id = $2"
)
_GET_ORDER = (
    "SELECT o.id, o.order_number, o.user_id, o.status, o.total_amount::text AS total_amount, "
    "o.shipping_address, o.created_at, o.updated_at, i.id AS item_id, i.product_id, "
    "i.quantity, i.unit_price::text AS unit_price, i.total_price::text AS total_price "
    "FROM orders AS o LEFT JOIN order_items AS i ON i.order_id = o.id AND i.store_id = $1 "
    "WHERE o.store_id = $1 AND o.id = $2 ORDER BY i.id"
)
_LOCK_PRODUCTS = (
    "SELECT id, price, stock_quantity, is_active FROM products "
    "WHERE store_id = $1 AND id = ANY($2::integer[]) ORDER BY id FOR UPDATE"
)
_TAKE_STOCK = (
    "UPDATE products AS p SET stock_quantity = p.stock_quantity - line.quantity, "
    "version = p.version + 1, updated_at = $4 "
    "FROM unnest($2::integer[], $3::integer[]) AS line(id, quantity) "
    "WHERE p.store_id = $1 AND p.id = line.id"
)
_INSERT_ORDER = (
    "INSERT INTO orders (store_id, order_number, user_id, status, total_amount, "
    "shipping_address, created_at, updated_at) "
    "VALUES ($1, $2, $3, 'pending', $4, $5, $6, $6) RETURNING id"
)
_INSERT_ITEMS = (
    "INSERT INTO order_items (store_id, order_id, product_id, quantity, unit_price, "
    "total_price) SELECT $1, $2, * FROM unnest($3::integer[], $4::integer[], $5::numeric[], "
    "$6::numeric[]) RETURNING id, product_id"
)
_INSERT_NOTIFICATION = (
    "INSERT INTO notifications (store_id, user_id, kind, reference_id, message, created_at) "
    "VALUES ($1, $2, 'order_placed', $3, $4, $5)"
)


class _Connection(asyncpg.Connection):  # type: ignore[misc]
    """A connection that remembers which store its session names to the policies."""

    __slots__ = ("_store_named",)

    async def in_store(self, store_id: int) -> None:
        """Name `store_id` for this session, unless it is named already."""
        if getattr(self, "_store_named", None) != store_id:
            await self.execute(_NAME_STORE_FOR_SESSION, str(store_id))
            self._store_named = store_id

    def get_reset_query(self) -> str:
        # asyncpg's reset, but for RESET ALL: the session keeps naming its store.
        query: str = super().get_reset_query()
        return "\n".join(line for line in query.splitlines() if line != "RESET ALL;")


def _dsn() -> str:
    url = os.environ["DATABASE_URL"]
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    app.state.pool = await asyncpg.create_pool(
        _dsn(), min_size=POOL_SIZE, max_size=POOL_SIZE, connection_class=_Connection
    )
    app.state.stores = {}
    try:
        yield
    finally:
        await app.state.pool.close()


app = FastAPI(title="storefront bench baseline: raw asyncpg", lifespan=_lifespan)


def _json(content: Any, status_code: int = 200) -> Response:
    return Response(
        orjson.dumps(content, option=orjson.OPT_UTC_Z),
        status_code=status_code,
        media_type="application/json",
    )


def _problem(status: int, title: str, detail: str) -> Response:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    return Response(orjson.dumps(body), status_code=status, media_type="application/problem+json")


def _pool(request: Request) -> Any:
    return request.app.state.pool


class _Refused(Exception):
    def __init__(self, status: int, title: str, detail: str) -> None:
        super().__init__(detail)
        self.response = _problem(status, title, detail)


class _Caller(NamedTuple):
    user_id: int
    is_admin: bool
    store_id: int


async def _store(request: Request, slug: str) -> int:
    """The id of the active store `slug`, as found at most STORE_CACHE_SECONDS ago."""
    stores: dict[str, tuple[int | None, float]] = request.app.state.stores
    found = stores.get(slug)
    now = time.monotonic()
    if found is None or found[1] <= now:
        row = await _pool(request).fetchrow(_FIND_STORE, slug)
        found = stores[slug] = (
            row["id"] if row is not None and row["is_active"] else None,
            now + STORE_CACHE_SECONDS,
        )
    if found[0] is None:
        raise _Refused(404, "Not Found", f"store {slug[:60]} not found")
    return found[0]


async def _anonymous_store(request: Request) -> int:
    return await _store(request, request.headers.get(STORE_HEADER) or MAIN_STORE)


async def _caller(request: Request) -> _Caller:
    """Who the bearer token says, in its store, once verified and found active in its
    generation."""
    header = request.headers.get("authorization")
    if header is None or header[: len(_BEARER)].lower() != _BEARER:
        raise _Refused(401, "Unauthorized", "this operation needs a bearer token: sign in first")
    try:
        claims = jwt.decode(
            header[len(_BEARER) :].strip(),
            JWT_SECRET,
            algorithms=["HS256"],
            options={"require": _TOKEN_CLAIMS},
            leeway=_LEEWAY_S,
        )
        user_id, generation, slug = int(claims["sub"]), int(claims["gen"]), str(claims["store"])
    except (jwt.InvalidTokenError, ValueError, TypeError) as err:
        raise _Refused(401, "Unauthorized", "the access token is not valid") from err
    named = request.headers.get(STORE_HEADER)
    if named is not None and named != slug:
        raise _Refused(403, "Forbidden", "the access token belongs to another store")
    store_id = await _store(request, slug)
    async with _pool(request).acquire() as con:
        await con.in_store(store_id)
        row = await con.fetchrow(_STANDING, store_id, user_id)
    if row is None or not row["is_active"] or row["token_generation"] != generation:
        raise _Refused(401, "Unauthorized", "the access token is not valid: sign in again")
    return _Caller(user_id, row["is_superuser"], store_id)


@app.get("/products/{product_id}")
async def get_product(
    request: Request, product_id: Annotated[int, Path(ge=1, le=INT4_MAX)]
) -> Response:
    try:
        store_id = await _anonymous_store(request)
    except _Refused as refusal:
        return refusal.response
    async with _pool(request).acquire() as con:
        await con.in_store(store_id)
        row = await con.fetchrow(_GET_PRODUCT, store_id, product_id)
    if row is None:
        return _problem(404, "Not Found", f"product {product_id} not found")
    return _json(dict(row))


@app.get("/products/")
async def list_products(
    request: Request,
    category_id: Annotated[int | None, Query(ge=1, le=INT4_MAX)] = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Response:
    offset = (page - 1) * page_size
    try:
        store_id = await _anonymous_store(request)
    except _Refused as refusal:
        return refusal.response
    async with _pool(request).acquire() as con:
        await con.in_store(store_id)
        if category_id is None:
            total = await con.fetchval(_COUNT_ALL, store_id)
            rows = await con.fetch(_PAGE_ALL, store_id, page_size, offset)
        else:
            total = await con.fetchval(_COUNT_IN_CATEGORY, store_id, category_id)
            rows = await con.fetch(_PAGE_IN_CATEGORY, store_id, category_id, page_size, offset)
    total_pages = -(-total // page_size)
    return _json(
        {
            "items": [dict(row) for row in rows],
            "total": total,
            "page": page,
            "page_size": page_size,
            "total_pages": total_pages,
            "has_next": page < total_pages,
            "has_previous": page > 1,
        }
    )


class OrderLineRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    product_id: int = Field(ge=1, le=INT4_MAX)
    quantity: int = Field(ge=1, le=INT4_MAX)


class PlaceOrderRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: int | None = Field(default=None, ge=1, le=INT4_MAX)  # None: the caller
    items: list[OrderLineRequest] = Field(min_length=1, max_length=100)
    shipping_address: str | None = Field(default=None, max_length=500)


@app.post("/orders/", status_code=201)
async def place_order(request: Request, body: PlaceOrderRequest) -> Response:
    try:
        caller = await _caller(request)
    except _Refused as refusal:
        return refusal.response
    user_id = caller.user_id if body.user_id is None else body.user_id
    if user_id != caller.user_id and not caller.is_admin:
        return _problem(403, "Forbidden", "a customer places orders for themself only")
    merged: dict[int, int] = {}
    for line in body.items:
        merged[line.product_id] = merged.get(line.product_id, 0) + line.quantity
    product_ids = sorted(merged)
    quantities = [merged[product_id] for product_id in product_ids]
    for attempt in range(1, ORDER_NUMBER_ATTEMPTS + 1):
        try:
            order = await _place(
                _pool(request),
                caller.store_id,
                user_id,
                product_ids,
                quantities,
                body.shipping_address,
            )
        except _Refused as refusal:
            return refusal.response
        except asyncpg.UniqueViolationError as err:
            if (
                "order_number" not in (err.constraint_name or "")
                or attempt == ORDER_NUMBER_ATTEMPTS
            ):
                raise
            continue
        return _json(order, status_code=201)
    raise AssertionError("unreachable: the last attempt returns or raises")


async def _place(
    pool: Any,
    store_id: int,
    user_id: int,
    product_ids: list[int],
    quantities: list[int],
    shipping_address: str | None,
) -> dict[str, Any]:
    async with pool.acquire() as con, con.transaction():
        await con.execute(_NAME_STORE_FOR_TRANSACTION, str(store_id))
        is_active = await con.fetchval(_USER_IS_ACTIVE, store_id, user_id)
        if is_active is None:
            raise _Refused(404, "Not Found", f"user {user_id} not found")
        if not is_active:
            raise _Refused(409, "Conflict", f"user {user_id} is not active")

        rows = await con.fetch(_LOCK_PRODUCTS, store_id, product_ids)
        if len(rows) != len(product_ids):
            missing = sorted(set(product_ids) - {row["id"] for row in rows})
            raise _Refused(404, "Not Found", f"product {missing[0]} not found")
        unit_prices: list[Decimal] = []
        for row, quantity in zip(rows, quantities, strict=True):
            if not row["is_active"]:
                raise _Refused(409, "Conflict", f"product {row['id']} is not active")
            if quantity > row["stock_quantity"]:
                raise _Refused(409, "Conflict", f"product {row['id']}: insufficient stock")
            unit_prices.append(row["price"])
        line_totals = [price * qty for price, qty in zip(unit_prices, quantities, strict=True)]
        total = sum(line_totals, Decimal("0.00"))

        now = datetime.now(UTC)
        await con.execute(_TAKE_STOCK, store_id, product_ids, quantities, now)
        order_number = f"ORD-{now:%Y%m%d%H%M%S}-{secrets.token_hex(3).upper()}"
        order_id = await con.fetchval(
            _INSERT_ORDER, store_id, order_number, user_id, total, shipping_address, now
        )
        item_rows = await con.fetch(
            _INSERT_ITEMS, store_id, order_id, product_ids, quantities, unit_prices, line_totals
        )
        await con.execute(
            _INSERT_NOTIFICATION, store_id, user_id, order_id, f"Order {order_number} placed", now
        )

    item_ids = {row["product_id"]: row["id"] for row in item_rows}
    return {
        "id": order_id,
        "order_number": order_number,
        "user_id": user_id,
        "status": "pending",
        "total_amount": str(total),
        "shipping_address": shipping_address,
        "created_at": now,
        "updated_at": now,
        "items": [
            {
                "id": item_ids[product_id],
                "product_id": product_id,
                "quantity": quantity,
                "unit_price": str(price),
                "total_price": str(line_total),
            }
            for product_id, quantity, price, line_total in zip(
                product_ids, quantities, unit_prices, line_totals, strict=True
            )
        ],
    }


@app.get("/orders/{order_id}")
async def get_order(
    request: Request, order_id: Annotated[int, Path(ge=1, le=INT4_MAX)]
) -> Response:
    try:
        caller = await _caller(request)
    except _Refused as refusal:
        return refusal.response
    async with _pool(request).acquire() as con:
        await con.in_store(caller.store_id)
        rows = await con.fetch(_GET_ORDER, caller.store_id, order_id)
    # Another customer's order is answered as a missing one.
    if not rows or not (caller.is_admin or rows[0]["user_id"] == caller.user_id):
        return _problem(404, "Not Found", f"order {order_id} not found")
    order = rows[0]
    return _json(
        {
            "id": order["id"],
            "order_number": order["order_number"],
            "user_id": order["user_id"],
            "status": order["status"],
            "total_amount": order["total_amount"],
            "shipping_address": order["shipping_address"],
            "created_at": order["created_at"],
            "updated_at": order["updated_at"],
            "items": [
                {
                    "id": row["item_id"],
                    "product_id": row["product_id"],
                    "quantity": row["quantity"],
                    "unit_price": row["unit_price"],
                    "total_price": row["total_price"],
                }
                for row in rows
                if row["item_id"] is not None
            ],
        }
    )
