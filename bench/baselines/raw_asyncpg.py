"""The practical limit: FastAPI handlers that talk to an asyncpg pool directly.

For comparison only; nothing outside bench/ imports it. It serves the three endpoints the
benchmark drives with the app's JSON, but with no mapping layer: SQL written by hand, prepared
statements cached by the driver, JSON encoded by orjson straight from the rows.

It still does the work the app must do for an order, so the comparison is fair: check that the
user exists and is active, lock the products in id order (one statement for all lines), refuse
inactive products and overselling, take the stock (bumping each product's version), store the
order, its items and the user's notification, all in one transaction.

Run: DATABASE_URL=postgresql://… uvicorn bench.baselines.raw_asyncpg:app
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any

import asyncpg  # type: ignore[import-untyped]
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

# numeric(12, 2) as text is exactly the app's money string ("79.99").
_PRODUCT_COLUMNS = (
    "id, name, slug, sku, description, price::text AS price, stock_quantity, is_active, "
    "category_id, version, created_at, updated_at"
)
_GET_PRODUCT = f"SELECT {_PRODUCT_COLUMNS} FROM products WHERE id = $1"
_COUNT_ALL = "SELECT count(*) FROM products"
_PAGE_ALL = f"SELECT {_PRODUCT_COLUMNS} FROM products ORDER BY id LIMIT $1 OFFSET $2"
_COUNT_IN_CATEGORY = "SELECT count(*) FROM products WHERE category_id = $1"
_PAGE_IN_CATEGORY = (
    f"SELECT {_PRODUCT_COLUMNS} FROM products WHERE category_id = $1 ORDER BY id LIMIT $2 OFFSET $3"
)
_USER_IS_ACTIVE = "SELECT is_active FROM users WHERE id = $1"
_LOCK_PRODUCTS = (
    "SELECT id, price, stock_quantity, is_active FROM products "
    "WHERE id = ANY($1::integer[]) ORDER BY id FOR UPDATE"
)
_TAKE_STOCK = (
    "UPDATE products AS p SET stock_quantity = p.stock_quantity - line.quantity, "
    "version = p.version + 1, updated_at = $3 "
    "FROM unnest($1::integer[], $2::integer[]) AS line(id, quantity) WHERE p.id = line.id"
)
_INSERT_ORDER = (
    "INSERT INTO orders (order_number, user_id, status, total_amount, shipping_address, "
    "created_at, updated_at) VALUES ($1, $2, 'pending', $3, $4, $5, $5) RETURNING id"
)
_INSERT_ITEMS = (
    "INSERT INTO order_items (order_id, product_id, quantity, unit_price, total_price) "
    "SELECT $1, * FROM unnest($2::integer[], $3::integer[], $4::numeric[], $5::numeric[]) "
    "RETURNING id, product_id"
)
_INSERT_NOTIFICATION = (
    "INSERT INTO notifications (user_id, order_id, message, is_read, created_at) "
    "VALUES ($1, $2, $3, false, $4)"
)


def _dsn() -> str:
    url = os.environ["DATABASE_URL"]
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    app.state.pool = await asyncpg.create_pool(_dsn(), min_size=POOL_SIZE, max_size=POOL_SIZE)
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


@app.get("/products/{product_id}")
async def get_product(
    request: Request, product_id: Annotated[int, Path(ge=1, le=INT4_MAX)]
) -> Response:
    row = await _pool(request).fetchrow(_GET_PRODUCT, product_id)
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
    async with _pool(request).acquire() as con:
        if category_id is None:
            total = await con.fetchval(_COUNT_ALL)
            rows = await con.fetch(_PAGE_ALL, page_size, offset)
        else:
            total = await con.fetchval(_COUNT_IN_CATEGORY, category_id)
            rows = await con.fetch(_PAGE_IN_CATEGORY, category_id, page_size, offset)
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

    user_id: int = Field(ge=1, le=INT4_MAX)
    items: list[OrderLineRequest] = Field(min_length=1, max_length=100)
    shipping_address: str | None = Field(default=None, max_length=500)


class _Refused(Exception):
    def __init__(self, status: int, title: str, detail: str) -> None:
        super().__init__(detail)
        self.response = _problem(status, title, detail)


@app.post("/orders/", status_code=201)
async def place_order(request: Request, body: PlaceOrderRequest) -> Response:
    merged: dict[int, int] = {}
    for line in body.items:
        merged[line.product_id] = merged.get(line.product_id, 0) + line.quantity
    product_ids = sorted(merged)
    quantities = [merged[product_id] for product_id in product_ids]
    for attempt in range(1, ORDER_NUMBER_ATTEMPTS + 1):
        try:
            order = await _place(
                _pool(request), body.user_id, product_ids, quantities, body.shipping_address
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
    user_id: int,
    product_ids: list[int],
    quantities: list[int],
    shipping_address: str | None,
) -> dict[str, Any]:
    async with pool.acquire() as con, con.transaction():
        is_active = await con.fetchval(_USER_IS_ACTIVE, user_id)
        if is_active is None:
            raise _Refused(404, "Not Found", f"user {user_id} not found")
        if not is_active:
            raise _Refused(409, "Conflict", f"user {user_id} is not active")

        rows = await con.fetch(_LOCK_PRODUCTS, product_ids)
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
        await con.execute(_TAKE_STOCK, product_ids, quantities, now)
        order_number = f"ORD-{now:%Y%m%d%H%M%S}-{secrets.token_hex(3).upper()}"
        order_id = await con.fetchval(
            _INSERT_ORDER, order_number, user_id, total, shipping_address, now
        )
        item_rows = await con.fetch(
            _INSERT_ITEMS, order_id, product_ids, quantities, unit_prices, line_totals
        )
        await con.execute(
            _INSERT_NOTIFICATION, user_id, order_id, f"Order {order_number} placed", now
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
