"""`CategoryRepository` and `ProductRepository` over the unit of work's session.

Sessions do not autoflush (see `create_session_factory`): changes are written when an entity
is added and at commit, where `product_writes.py` writes every changed product in one guarded
UPDATE. Locking reads of products flush first when this unit has already changed one of them,
so that refreshing them under the lock loses nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache

from sqlalchemy import Select, bindparam, exists, literal, select, update
from sqlalchemy.orm.attributes import set_committed_value

from adapters.sqlalchemy.catalog.tables import categories, products
from adapters.sqlalchemy.errors import storage_errors
from adapters.sqlalchemy.ordering.tables import order_items
from adapters.sqlalchemy.repository import SqlAlchemyRepository
from adapters.sqlalchemy.tenancy import keeps_to_store, session_store
from domain.catalog.category import Category
from domain.catalog.product import Product
from domain.catalog.repository import CategoryRepository, ProductRepository
from domain.shared.errors import InUse

__all__ = ["SqlAlchemyCategoryRepository", "SqlAlchemyProductRepository"]

# A category chain longer than this is a cycle that slipped in; the walk stops there.
_MAX_DEPTH = 10_000


class SqlAlchemyCategoryRepository(SqlAlchemyRepository, CategoryRepository):
    async def add(self, category: Category) -> None:
        await self._add(category)

    async def get(self, category_id: int) -> Category | None:
        async with storage_errors():
            return await self._session.get(Category, category_id)

    async def ancestry(self, category_id: int) -> list[int]:
        store_id = session_store(self._session)
        in_store = categories.c.store_id == store_id
        start = select(categories.c.id, categories.c.parent_id, literal(0).label("depth")).where(
            categories.c.id == category_id, in_store
        )
        chain = start.cte("chain", recursive=True)
        chain = chain.union_all(
            select(categories.c.id, categories.c.parent_id, chain.c.depth + 1)
            .join(chain, categories.c.id == chain.c.parent_id)
            .where(chain.c.depth < _MAX_DEPTH, in_store)
        )
        walk = keeps_to_store(select(chain.c.id).order_by(chain.c.depth))
        async with storage_errors():
            rows = await self._session.execute(walk)
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
            await session.execute(
                _LEAVE_CATEGORY, {"doomed": key, "now": now, "in_store": session_store(session)}
            )
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


_LEAVE_CATEGORY = keeps_to_store(
    update(products)
    .where(
        products.c.category_id == bindparam("doomed"),
        # Not named "store_id": an UPDATE keeps its columns' names for the SET clause.
        products.c.store_id == bindparam("in_store"),
    )
    .values(category_id=None, version=products.c.version + 1, updated_at=bindparam("now"))
)


@cache
def _products_for_update() -> Select[Product]:
    """Built once, on first use, once the mappers are started; only the ids change per call.

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


class SqlAlchemyProductRepository(SqlAlchemyRepository, ProductRepository):
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
                # The product was loaded from this store: so are the lines naming it.
                if await session.scalar(keeps_to_store(select(on_order_lines))):
                    raise InUse("in use")
                await session.delete(product)
        except InUse:
            raise InUse(f"product {product.id} is on order lines and cannot be deleted") from None
