"""The direct way: declarative models and an AsyncSession used right in the route handlers.

For comparison only; nothing outside bench/ imports it. This is the shape the source tutorials
teach (a module-level async engine, a `get_db` dependency yielding a session, models with
relationships, `response_model` schemas read from the ORM objects, one query per order line
with `with_for_update()`, a flush to get the order id, a savepoint for the notification, a
refresh to load the items), written plainly: neither tuned nor made slow on purpose.

Bearer tokens are checked as FastAPI's security tutorial does it: an `OAuth2PasswordBearer`
scheme, a `get_current_user` dependency that decodes the JWT (PyJWT, HS256 pinned, the app's
JWT_SECRET) and loads the user with the same session, then `get_current_active_user`. On top
of the tutorial, as the app does: the token's generation must be the user's, and the role is
the user's `is_superuser`. An order is read with its items (`selectinload`); another
customer's order is a 404, as in the app.

Stores, the way multi-tenant tutorials add them: every model has a `store_id`, every query
filters by it and every new row is given it. The store is the token's (`store` claim) or,
for an anonymous read, `X-Store` (else "main"); an unknown or inactive store is a 404, a
header naming another store than the token a 403. Stores are found by slug, in a session of
their own, and kept for STORE_CACHE_SECONDS, as the app's directory keeps them. Row-level
security holds the role the benchmark connects as, so each transaction names the store to
PostgreSQL first, in the session's `after_begin` event (as SQLAlchemy's documentation shows
for a per-tenant setting): `set_config('storefront.store_id', :store, true)`.

The models map onto the app's tables. When the app's migrations are not available, the
benchmark runner builds the schema from `Base.metadata` instead.

Run: DATABASE_URL=postgresql+asyncpg://… uvicorn bench.baselines.seed_style:app
"""

from __future__ import annotations

import logging
import os
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any

import jwt
from fastapi import Depends, FastAPI, Header, HTTPException, Path, Query
from fastapi.security import OAuth2PasswordBearer
from jwt.exceptions import InvalidTokenError
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    event,
    func,
    select,
    text,
)
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    mapped_column,
    relationship,
    selectinload,
)

__all__ = [
    "Base",
    "Category",
    "Notification",
    "Order",
    "OrderItem",
    "Product",
    "Store",
    "User",
    "app",
]

log = logging.getLogger(__name__)

INT4_MAX = 2_147_483_647
DATABASE_URL = os.environ.get(
    "DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/storefront"
)
POOL_SIZE = int(os.environ.get("DB_POOL_SIZE", "10"))
# Two orders placed in the same second can draw the same number; try again with a new one.
ORDER_NUMBER_ATTEMPTS = 5
SECRET_KEY = os.environ.get("JWT_SECRET", "")
ALGORITHM = "HS256"
MAIN_STORE = "main"
STORE_CACHE_SECONDS = 5.0  # the app's default


def _now() -> datetime:
    return datetime.now(UTC)


# ------------------------------------------------------------------------------ models
class Base(DeclarativeBase):
    pass


class Store(Base):
    __tablename__ = "stores"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


def _store_id() -> Mapped[int]:
    return mapped_column(ForeignKey("stores.id", ondelete="RESTRICT"))


class Category(Base):
    __tablename__ = "categories"
    __table_args__ = (UniqueConstraint("store_id", "name"), UniqueConstraint("store_id", "slug"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = _store_id()
    name: Mapped[str] = mapped_column(String(100))
    slug: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)

    products: Mapped[list[Product]] = relationship(back_populates="category")


class Product(Base):
    __tablename__ = "products"
    __table_args__ = (
        UniqueConstraint("store_id", "sku"),
        UniqueConstraint("store_id", "slug"),
        UniqueConstraint("store_id", "name", "category_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = _store_id()
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(200))
    sku: Mapped[str] = mapped_column(String(64))
    description: Mapped[str | None] = mapped_column(Text)
    price: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    stock_quantity: Mapped[int] = mapped_column(Integer, default=0)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("categories.id", ondelete="SET NULL"), index=True
    )
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)

    category: Mapped[Category | None] = relationship(back_populates="products")


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        UniqueConstraint("store_id", "username"),
        UniqueConstraint("store_id", "email"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = _store_id()
    username: Mapped[str] = mapped_column(String(50))
    email: Mapped[str] = mapped_column(String(254))
    hashed_password: Mapped[str] = mapped_column(String(255))
    full_name: Mapped[str | None] = mapped_column(String(100))
    bio: Mapped[str | None] = mapped_column(String(1000))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_superuser: Mapped[bool] = mapped_column(Boolean, default=False)
    credits: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal("0.00"))
    token_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)

    orders: Mapped[list[Order]] = relationship(back_populates="user")


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (UniqueConstraint("store_id", "order_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = _store_id()
    order_number: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    total_amount: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal("0.00"))
    shipping_address: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)

    user: Mapped[User] = relationship(back_populates="orders")
    items: Mapped[list[OrderItem]] = relationship(back_populates="order", order_by="OrderItem.id")


class OrderItem(Base):
    __tablename__ = "order_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = _store_id()
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    total_price: Mapped[Decimal] = mapped_column(Numeric(12, 2))

    order: Mapped[Order] = relationship(back_populates="items")
    product: Mapped[Product] = relationship()


class Notification(Base):
    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    store_id: Mapped[int] = _store_id()
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    reference_id: Mapped[int | None] = mapped_column(Integer)
    message: Mapped[str] = mapped_column(String(500))
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


# ------------------------------------------------------------------------------ database
engine = create_async_engine(DATABASE_URL, pool_size=POOL_SIZE, max_overflow=0, pool_pre_ping=True)


class StoreSession(Session):
    """A session whose transactions name its store (`info["store_id"]`) to PostgreSQL."""


@event.listens_for(StoreSession, "after_begin")
def _name_store(session: Session, transaction: Any, connection: Any) -> None:
    store_id = session.info.get("store_id")
    if store_id is not None and not transaction.nested:
        connection.execute(
            text("SELECT set_config('storefront.store_id', :store, true)"),
            {"store": str(store_id)},
        )


AsyncSessionLocal = async_sessionmaker(
    engine, expire_on_commit=False, sync_session_class=StoreSession
)


async def get_db() -> AsyncIterator[AsyncSession]:
    async with AsyncSessionLocal() as session:
        yield session


DbSession = Annotated[AsyncSession, Depends(get_db)]

_stores: dict[str, tuple[int | None, float]] = {}


async def find_store(slug: str) -> int:
    """The id of the active store `slug`, as found at most STORE_CACHE_SECONDS ago."""
    found = _stores.get(slug)
    now = time.monotonic()
    if found is None or found[1] <= now:
        async with AsyncSessionLocal() as lookup:
            store = await lookup.scalar(select(Store).where(Store.slug == slug))
        found = _stores[slug] = (
            store.id if store is not None and store.is_active else None,
            now + STORE_CACHE_SECONDS,
        )
    if found[0] is None:
        raise HTTPException(status_code=404, detail=f"store {slug[:60]} not found")
    return found[0]


async def get_store(
    db: DbSession, x_store: Annotated[str | None, Header(max_length=50)] = None
) -> int:
    """The store of an anonymous request, which its session's transactions keep to."""
    store_id = await find_store(x_store or MAIN_STORE)
    db.info["store_id"] = store_id
    return store_id


StoreId = Annotated[int, Depends(get_store)]

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="auth/token")


async def get_current_user(
    token: Annotated[str, Depends(oauth2_scheme)],
    db: DbSession,
    x_store: Annotated[str | None, Header(max_length=50)] = None,
) -> User:
    credentials_exception = HTTPException(
        status_code=401,
        detail="Could not validate credentials",
        headers={"WWW-Authenticate": "Bearer"},
    )
    try:
        payload = jwt.decode(token, SECRET_KEY, algorithms=[ALGORITHM], leeway=5)
        user_id, generation = payload.get("sub"), payload.get("gen")
        store = payload.get("store")
        if user_id is None or generation is None or store is None:
            raise credentials_exception
        if x_store is not None and x_store != store:
            raise HTTPException(status_code=403, detail="the token belongs to another store")
        db.info["store_id"] = store_id = await find_store(store)
        user = await db.scalar(
            select(User).where(User.store_id == store_id, User.id == int(user_id))
        )
    except (InvalidTokenError, ValueError) as err:
        raise credentials_exception from err
    if user is None or user.token_generation != generation:
        raise credentials_exception
    return user


async def get_current_active_user(
    current_user: Annotated[User, Depends(get_current_user)],
) -> User:
    if not current_user.is_active:
        raise HTTPException(status_code=401, detail="Inactive user")
    return current_user


CurrentUser = Annotated[User, Depends(get_current_active_user)]


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    await engine.dispose()


app = FastAPI(title="storefront bench baseline: seed style", lifespan=_lifespan)


# ------------------------------------------------------------------------------ schemas
class ProductResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    slug: str
    sku: str
    description: str | None
    price: Decimal
    stock_quantity: int
    is_active: bool
    category_id: int | None
    version: int
    created_at: datetime
    updated_at: datetime


class ProductPage(BaseModel):
    items: list[ProductResponse]
    total: int
    page: int
    page_size: int
    total_pages: int
    has_next: bool
    has_previous: bool


class OrderItemCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    product_id: int = Field(ge=1, le=INT4_MAX)
    quantity: int = Field(ge=1, le=INT4_MAX)


class OrderCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: int | None = Field(default=None, ge=1, le=INT4_MAX)  # None: the caller
    items: list[OrderItemCreate] = Field(min_length=1, max_length=100)
    shipping_address: str | None = Field(default=None, max_length=500)


class OrderItemResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    product_id: int
    quantity: int
    unit_price: Decimal
    total_price: Decimal


class OrderResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    order_number: str
    user_id: int
    status: str
    total_amount: Decimal
    shipping_address: str | None
    created_at: datetime
    updated_at: datetime
    items: list[OrderItemResponse]


# ------------------------------------------------------------------------------ routes
@app.get("/products/{product_id}", response_model=ProductResponse)
async def get_product(
    product_id: Annotated[int, Path(ge=1, le=INT4_MAX)], store_id: StoreId, db: DbSession
) -> Product:
    product = await db.scalar(
        select(Product).where(Product.store_id == store_id, Product.id == product_id)
    )
    if product is None:
        raise HTTPException(status_code=404, detail=f"product {product_id} not found")
    return product


@app.get("/products/", response_model=ProductPage)
async def list_products(
    db: DbSession,
    store_id: StoreId,
    category_id: Annotated[int | None, Query(ge=1, le=INT4_MAX)] = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> ProductPage:
    query = select(Product).where(Product.store_id == store_id)
    if category_id is not None:
        query = query.where(Product.category_id == category_id)
    total = await db.scalar(select(func.count()).select_from(query.subquery())) or 0
    result = await db.scalars(
        query.order_by(Product.id).offset((page - 1) * page_size).limit(page_size)
    )
    total_pages = (total + page_size - 1) // page_size
    return ProductPage(
        items=[ProductResponse.model_validate(product) for product in result.all()],
        total=total,
        page=page,
        page_size=page_size,
        total_pages=total_pages,
        has_next=page < total_pages,
        has_previous=page > 1,
    )


def _order_number() -> str:
    return f"ORD-{_now():%Y%m%d%H%M%S}-{secrets.token_hex(3).upper()}"


@app.post("/orders/", response_model=OrderResponse, status_code=201)
async def create_order(order_data: OrderCreate, current_user: CurrentUser, db: DbSession) -> Order:
    user_id = current_user.id if order_data.user_id is None else order_data.user_id
    if user_id != current_user.id and not current_user.is_superuser:
        raise HTTPException(status_code=403, detail="a customer places orders for themself only")
    for attempt in range(1, ORDER_NUMBER_ATTEMPTS + 1):
        try:
            return await _create_order(user_id, order_data, db)
        except IntegrityError as err:
            await db.rollback()
            if "order_number" not in str(err.orig) or attempt == ORDER_NUMBER_ATTEMPTS:
                raise
    raise AssertionError("unreachable: the last attempt returns or raises")


async def _create_order(user_id: int, order_data: OrderCreate, db: AsyncSession) -> Order:
    store_id: int = db.info["store_id"]
    user = await db.scalar(select(User).where(User.store_id == store_id, User.id == user_id))
    if user is None:
        raise HTTPException(status_code=404, detail=f"user {user_id} not found")
    if not user.is_active:
        raise HTTPException(status_code=409, detail=f"user {user_id} is not active")

    # The same product twice is one line; lines in id order so that orders lock alike.
    quantities: dict[int, int] = {}
    for item in order_data.items:
        quantities[item.product_id] = quantities.get(item.product_id, 0) + item.quantity

    now = _now()
    order = Order(
        store_id=store_id,
        order_number=_order_number(),
        user_id=user.id,
        status="pending",
        total_amount=Decimal("0.00"),
        shipping_address=order_data.shipping_address,
        created_at=now,
        updated_at=now,
    )
    db.add(order)
    await db.flush()  # the order id, for the items

    total = Decimal("0.00")
    for product_id in sorted(quantities):
        quantity = quantities[product_id]
        result = await db.execute(
            select(Product)
            .where(Product.store_id == store_id, Product.id == product_id)
            .with_for_update()
        )
        product = result.scalar_one_or_none()
        if product is None:
            raise HTTPException(status_code=404, detail=f"product {product_id} not found")
        if not product.is_active:
            raise HTTPException(status_code=409, detail=f"product {product_id} is not active")
        if product.stock_quantity < quantity:
            raise HTTPException(status_code=409, detail=f"insufficient stock for {product.name}")

        line_total = product.price * quantity
        db.add(
            OrderItem(
                store_id=store_id,
                order_id=order.id,
                product_id=product.id,
                quantity=quantity,
                unit_price=product.price,
                total_price=line_total,
            )
        )
        product.stock_quantity -= quantity
        product.version += 1
        product.updated_at = now
        total += line_total

    order.total_amount = total

    try:
        async with db.begin_nested():
            db.add(
                Notification(
                    store_id=store_id,
                    user_id=user.id,
                    kind="order_placed",
                    reference_id=order.id,
                    message=f"Order {order.order_number} placed",
                    created_at=now,
                )
            )
    except SQLAlchemyError as err:  # the order stands without its notification
        log.warning("notification for order %s not stored: %s", order.order_number, err)

    await db.commit()
    await db.refresh(order, attribute_names=["items"])
    return order


@app.get("/orders/{order_id}", response_model=OrderResponse)
async def read_order(
    order_id: Annotated[int, Path(ge=1, le=INT4_MAX)], current_user: CurrentUser, db: DbSession
) -> Order:
    result = await db.execute(
        select(Order)
        .options(selectinload(Order.items))
        .where(Order.store_id == current_user.store_id, Order.id == order_id)
    )
    order = result.scalar_one_or_none()
    # Another customer's order is answered as a missing one.
    if order is None or (order.user_id != current_user.id and not current_user.is_superuser):
        raise HTTPException(status_code=404, detail=f"order {order_id} not found")
    return order
