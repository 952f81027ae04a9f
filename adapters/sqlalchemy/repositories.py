"""The domain's repository ports over one `AsyncSession`, the unit of work's.

Repositories never commit. `add` flushes at once, so the entity has its id when `add`
returns (use cases put ids into messages and notifications). Every database error leaves a
repository as a domain or application error (`storage_errors`).

Sessions do not autoflush (see `create_session_factory`): changes are written when an
entity is added and at commit. Locking reads of products flush first when this unit has
already changed one of them, so that refreshing them under the lock loses nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    Select,
    Table,
    bindparam,
    delete,
    exists,
    func,
    insert,
    inspect,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import make_transient_to_detached, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from adapters.sqlalchemy.errors import storage_errors
from adapters.sqlalchemy.tables import (
    categories,
    notifications,
    order_items,
    orders,
    products,
    users,
)
from domain.catalog.category import Category
from domain.catalog.product import Product
from domain.catalog.repository import CategoryRepository, ProductRepository
from domain.identity.repository import UserRepository
from domain.identity.user import User
from domain.notifications.notification import Notification
from domain.notifications.repository import NotificationRepository
from domain.ordering.order import CANCELLABLE, Order
from domain.ordering.repository import OrderRepository
from domain.shared.errors import InUse

__all__ = [
    "SessionSource",
    "SqlAlchemyCategoryRepository",
    "SqlAlchemyNotificationRepository",
    "SqlAlchemyOrderRepository",
    "SqlAlchemyProductRepository",
    "SqlAlchemyUserRepository",
]

SessionSource = Callable[[], AsyncSession]
"""Gives the unit of work's current session, or raises outside `async with uow:`."""

# A category chain longer than this is a cycle that slipped in; the walk stops there.
_MAX_DEPTH = 10_000


class _Repository:
    def __init__(self, session: SessionSource) -> None:
        self._session_source = session

    @property
    def _session(self) -> AsyncSession:
        return self._session_source()

    async def _add(self, *entities: object) -> None:
        session = self._session
        async with storage_errors():
            session.add_all(entities)
            await session.flush()


def _row(entity: object, table: Table, **given: object) -> dict[str, Any]:
    """The INSERT values of a new `entity`: its mapped columns but the key, plus `given`."""
    row = {
        column.key: getattr(entity, column.key)
        for column in table.columns
        if not column.primary_key and column.key not in given
    }
    row.update(given)
    return row


def _stored_as(entity: object, entity_id: int, **columns: object) -> None:
    """Record a row written by a Core INSERT as `entity`'s loaded state (id, foreign keys),
    so that the session takes it as persistent and finds nothing left to write."""
    set_committed_value(entity, "id", entity_id)
    for key, value in columns.items():
        set_committed_value(entity, key, value)
    make_transient_to_detached(entity)


def _relationship(entity: type[Any], name: str) -> Any:
    """The mapped relationship attribute `entity.name`, for loader options."""
    return inspect(entity).relationships[name].class_attribute


class SqlAlchemyUserRepository(_Repository, UserRepository):
    async def add(self, user: User) -> None:
        await self._add(user)

    async def add_many(self, users: Sequence[User]) -> None:
        # One flush: a single multi-row INSERT, ids returned in the order given.
        await self._add(*users)

    async def first_taken(
        self, usernames: Collection[str], emails: Collection[str]
    ) -> tuple[str, str] | None:
        async with storage_errors():
            row = (
                await self._session.execute(
                    _FIRST_TAKEN, {"usernames": list(usernames), "emails": list(emails)}
                )
            ).first()
        if row is None:
            return None
        username, email = row
        return ("username", username) if username in usernames else ("email", email)

    async def get(self, user_id: int) -> User | None:
        async with storage_errors():
            return await self._session.get(User, user_id)

    async def is_active(self, user_id: int) -> bool | None:
        session = self._session
        held = session.identity_map.get(inspect(User).identity_key_from_primary_key((user_id,)))
        if held is not None:  # loaded in this unit, perhaps changed and not yet flushed
            return bool(held.is_active)
        # One column, no entity: placing an order asks only this of the user.
        async with storage_errors():
            active = await session.scalar(_USER_IS_ACTIVE, {"id": user_id})
        return None if active is None else bool(active)

    async def get_by_email(self, email: str) -> User | None:
        async with storage_errors():
            result = await self._session.execute(select(User).where(users.c.email == email))
            return result.scalars().first()

    async def deactivate_not_updated_since(self, cutoff: datetime, now: datetime) -> int:
        statement = (
            update(User)
            .where(users.c.is_active.is_(True), users.c.updated_at < cutoff)
            .values(is_active=False, updated_at=now)
            .execution_options(synchronize_session="fetch")
        )
        async with storage_errors():
            result = await self._session.execute(statement)
        return _rowcount(result)

    async def delete_inactive_without_orders(self) -> int:
        # Their notifications go too: the foreign key cascades.
        statement = (
            delete(User)
            .where(
                users.c.is_active.is_(False),
                ~exists().where(orders.c.user_id == users.c.id),
            )
            .execution_options(synchronize_session="fetch")
        )
        async with storage_errors():
            result = await self._session.execute(statement)
        return _rowcount(result)


def _rowcount(result: Any) -> int:
    return int(result.rowcount)


class SqlAlchemyCategoryRepository(_Repository, CategoryRepository):
    async def add(self, category: Category) -> None:
        await self._add(category)

    async def get(self, category_id: int) -> Category | None:
        async with storage_errors():
            return await self._session.get(Category, category_id)

    async def ancestry(self, category_id: int) -> list[int]:
        start = select(categories.c.id, categories.c.parent_id, literal(0).label("depth")).where(
            categories.c.id == category_id
        )
        chain = start.cte("chain", recursive=True)
        chain = chain.union_all(
            select(categories.c.id, categories.c.parent_id, chain.c.depth + 1)
            .join(chain, categories.c.id == chain.c.parent_id)
            .where(chain.c.depth < _MAX_DEPTH)
        )
        async with storage_errors():
            rows = await self._session.execute(select(chain.c.id).order_by(chain.c.depth))
        found: list[int] = []
        for (ancestor,) in rows:
            if ancestor in found:  # a cycle: the walk has come round
                break
            found.append(ancestor)
        return found

    async def delete(self, category: Category, now: datetime) -> None:
        session = self._session
        key = category.id
        async with storage_errors():
            if any(isinstance(held, Product) for held in session.dirty):
                # The UPDATE below moves versions: write this unit's product changes first,
                # under the versions they were loaded at.
                await session.flush()
            # One statement however many products: they leave the category as a change of
            # their own (a new version), before the foreign key's ON DELETE SET NULL, which
            # would move no version, finds any left to do.
            await session.execute(_LEAVE_CATEGORY, {"doomed": key, "now": now})
            await session.delete(category)
        # At commit, the foreign key sets the children's parent to NULL in the database;
        # objects this session already holds learn of both changes now.
        for held in list(session.identity_map.values()):
            if isinstance(held, Category) and held.parent_id == key:
                set_committed_value(held, "parent_id", None)
            elif isinstance(held, Product) and held.category_id == key:
                set_committed_value(held, "category_id", None)
                set_committed_value(held, "version", held.version + 1)
                set_committed_value(held, "updated_at", now)


# The statements of the order path, built once; only their values change per call.


@cache
def _products_for_update() -> Select[Product]:
    """Built on first use, once the mappers are started.

    Ascending id order: two transactions locking overlapping sets queue, never deadlock.
    FOR UPDATE compiles to nothing on SQLite, whose BEGIN IMMEDIATE already made this
    transaction the only writer."""
    return (
        select(Product)
        .where(products.c.id.in_(bindparam("ids", expanding=True)))
        .order_by(products.c.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


_USER_IS_ACTIVE = select(users.c.is_active).where(users.c.id == bindparam("id"))
_LEAVE_CATEGORY = (
    update(products)
    .where(products.c.category_id == bindparam("doomed"))
    .values(category_id=None, version=products.c.version + 1, updated_at=bindparam("now"))
)
_FIRST_TAKEN = (
    select(users.c.username, users.c.email)
    .where(
        or_(
            users.c.username.in_(bindparam("usernames", expanding=True)),
            users.c.email.in_(bindparam("emails", expanding=True)),
        )
    )
    .order_by(users.c.id)
    .limit(1)
)
_RESERVED_QUANTITY = (
    select(func.sum(order_items.c.quantity))
    .join_from(order_items, orders, order_items.c.order_id == orders.c.id)
    .where(
        order_items.c.product_id == bindparam("product_id"),
        orders.c.status.in_(sorted(CANCELLABLE)),
    )
)
_INSERT_ORDER = insert(orders).returning(orders.c.id)
_INSERT_ORDER_ITEMS = insert(order_items).returning(order_items.c.id, sort_by_parameter_order=True)
_INSERT_NOTIFICATION = insert(notifications).returning(notifications.c.id)


class SqlAlchemyProductRepository(_Repository, ProductRepository):
    async def add(self, product: Product) -> None:
        await self._add(product)

    async def get(self, product_id: int) -> Product | None:
        async with storage_errors():
            return await self._session.get(Product, product_id)

    async def get_for_update(self, product_ids: Sequence[int]) -> list[Product]:
        wanted = sorted(set(product_ids))
        if not wanted:
            return []
        session = self._session
        async with storage_errors():
            if any(isinstance(held, Product) and held.id in wanted for held in session.dirty):
                # The fresh rows replace the objects' state: write this unit's changes first.
                await session.flush()
            result = await session.execute(_products_for_update(), {"ids": wanted})
            return list(result.scalars())

    async def delete(self, product: Product) -> None:
        session = self._session
        on_order_lines = exists().where(order_items.c.product_id == product.id)
        try:
            async with storage_errors():
                # Asked first, so that the refusal leaves the transaction usable; the
                # RESTRICT foreign key still guards against an order placed meanwhile.
                if await session.scalar(select(on_order_lines)):
                    raise InUse("in use")
                await session.delete(product)
        except InUse:
            raise InUse(f"product {product.id} is on order lines and cannot be deleted") from None


class SqlAlchemyOrderRepository(_Repository, OrderRepository):
    async def add(self, order: Order) -> None:
        if order.id is not None or order.payments or not order.items:
            await self._add(order)  # not the shape of a new order: the ORM's general way
            return
        # A new order is written with two Core INSERTs (the order, then all its items in
        # one statement) instead of a unit-of-work flush, whose bookkeeping cost more CPU
        # than the round trips on the hot write path. The same statements as the flush.
        session = self._session
        async with storage_errors():
            # Changes made earlier in this unit (reserved stock) are written first, as
            # the flush would have, so that a savepoint later never holds them.
            await session.flush()
            order_id = await session.scalar(_INSERT_ORDER, _row(order, orders))
            result = await session.execute(
                _INSERT_ORDER_ITEMS,
                [_row(item, order_items, order_id=order_id) for item in order.items],
            )
            item_ids = list(result.scalars())
        for item, item_id in zip(order.items, item_ids, strict=True):
            _stored_as(item, item_id, order_id=order_id)
        _stored_as(order, int(order_id))
        session.add(order)  # persistent from here on, with its items

    async def get(self, order_id: int, *, for_update: bool = False) -> Order | None:
        statement = (
            select(Order)
            .where(orders.c.id == order_id)
            .options(
                selectinload(_relationship(Order, "items")),
                selectinload(_relationship(Order, "payments")),
            )
            .execution_options(populate_existing=True)
        )
        if for_update:
            statement = statement.with_for_update(of=orders)
        async with storage_errors():
            result = await self._session.execute(statement)
            return result.scalars().first()

    async def reserved_quantity(self, product_id: int) -> int:
        async with storage_errors():
            held = await self._session.scalar(_RESERVED_QUANTITY, {"product_id": product_id})
        return int(held or 0)


class SqlAlchemyNotificationRepository(_Repository, NotificationRepository):
    async def add(self, notification: Notification) -> None:
        if notification.id is not None:
            await self._add(notification)
            return
        # One Core INSERT rather than a flush: this runs inside the order's savepoint, on
        # the hot write path (see SqlAlchemyOrderRepository.add).
        session = self._session
        async with storage_errors():
            await session.flush()
            notification_id = await session.scalar(
                _INSERT_NOTIFICATION, _row(notification, notifications)
            )
        _stored_as(notification, int(notification_id))
        session.add(notification)

    async def list_for_user(self, user_id: int) -> list[Notification]:
        statement = (
            select(Notification)
            .where(notifications.c.user_id == user_id)
            .order_by(notifications.c.created_at.desc(), notifications.c.id.desc())
        )
        async with storage_errors():
            result = await self._session.execute(statement)
            return list(result.scalars())
