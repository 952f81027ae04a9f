"""The catalog read side in SQL."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, bindparam, func, select

from adapters.sqlalchemy.catalog import tables as catalog_tables
from adapters.sqlalchemy.list_queries import ListCompiler, fetch_page
from adapters.sqlalchemy.read_side import AnyRow, ReadSide, money_sum, money_total
from adapters.sqlalchemy.tenancy import scoped
from application.catalog.queries import (
    CATEGORY_LIST,
    PRODUCT_LIST,
    CategoryQueries,
    ProductQueries,
)
from application.catalog.read_models import (
    CategoryNode,
    CategoryStats,
    CategoryView,
    ProductView,
    ProductWithCategory,
)
from application.shared.decimals import average
from application.shared.listing import ListQuery, Page
from domain.shared.money import CENT

__all__ = ["SqlAlchemyCategoryQueries", "SqlAlchemyProductQueries"]

# The store's rows only (adapters/sqlalchemy/tenancy.py): every read below selects from these.
categories = scoped(catalog_tables.categories)
products = scoped(catalog_tables.products)

_CATEGORY_COLUMNS = (
    categories.c.id,
    categories.c.name,
    categories.c.slug,
    categories.c.description,
    categories.c.parent_id,
    categories.c.created_at,
)
_PRODUCT_COLUMNS = (
    products.c.id,
    products.c.name,
    products.c.slug,
    products.c.sku,
    products.c.description,
    products.c.price,
    products.c.stock_quantity,
    products.c.is_active,
    products.c.category_id,
    products.c.version,
    products.c.created_at,
    products.c.updated_at,
)
# The category of a product, under names that cannot clash with the product's own.
_JOINED_CATEGORY = tuple(
    column.label(f"joined_category_{column.name}") for column in _CATEGORY_COLUMNS
)

_CATEGORY_LIST = ListCompiler(
    CATEGORY_LIST, categories, {name: categories.c[name] for name in CATEGORY_LIST.fields}
)
_PRODUCT_COLUMN_MAP = {name: products.c[name] for name in PRODUCT_LIST.fields}
_PRODUCT_LIST = ListCompiler(PRODUCT_LIST, products, _PRODUCT_COLUMN_MAP)
_PRODUCT_WITH_CATEGORY_LIST = ListCompiler(
    PRODUCT_LIST,
    products.outerjoin(categories, products.c.category_id == categories.c.id),
    _PRODUCT_COLUMN_MAP,
)


def _category(row: AnyRow) -> CategoryView:
    return CategoryView(
        id=row.id,
        name=row.name,
        slug=row.slug,
        description=row.description,
        parent_id=row.parent_id,
        created_at=row.created_at,
    )


def _joined_category(row: AnyRow) -> CategoryView | None:
    if row.joined_category_id is None:
        return None
    return CategoryView(
        id=row.joined_category_id,
        name=row.joined_category_name,
        slug=row.joined_category_slug,
        description=row.joined_category_description,
        parent_id=row.joined_category_parent_id,
        created_at=row.joined_category_created_at,
    )


def _product(row: AnyRow) -> ProductView:
    return ProductView(
        id=row.id,
        name=row.name,
        slug=row.slug,
        sku=row.sku,
        description=row.description,
        price=row.price,
        stock_quantity=row.stock_quantity,
        is_active=bool(row.is_active),
        category_id=row.category_id,
        version=row.version,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _product_from_record(record: Any) -> ProductView:
    """A product from an asyncpg record of `_PRODUCT_COLUMNS`, in that order. asyncpg gives
    timestamptz as aware UTC already; the amount is brought to the cent as `Money` does."""
    (
        id_,
        name,
        slug,
        sku,
        description,
        price,
        stock,
        active,
        category_id,
        version,
        created,
        updated,
    ) = record[:12]
    return ProductView(
        id=id_,
        name=name,
        slug=slug,
        sku=sku,
        description=description,
        price=price.quantize(CENT),
        stock_quantity=stock,
        is_active=active,
        category_id=category_id,
        version=version,
        created_at=created,
        updated_at=updated,
    )


class SqlAlchemyCategoryQueries(ReadSide, CategoryQueries):
    async def get(self, category_id: int) -> CategoryView | None:
        statement = select(*_CATEGORY_COLUMNS).where(categories.c.id == category_id)
        async with self._connection() as connection:
            row = (await connection.execute(statement)).first()
        return None if row is None else _category(row)

    async def list(self, query: ListQuery) -> Page[CategoryView]:
        async with self._connection() as connection:
            rows, total = await fetch_page(connection, _CATEGORY_LIST, _CATEGORY_COLUMNS, query)
        return Page([_category(r) for r in rows], total, query.page.page, query.page.page_size)

    async def tree(self) -> Sequence[CategoryNode]:
        # One statement for the whole tree; Python's string order is code-point order.
        async with self._connection() as connection:
            rows = list(await connection.execute(select(*_CATEGORY_COLUMNS)))
        children: dict[int | None, list[AnyRow]] = {}
        for row in rows:
            children.setdefault(row.parent_id, []).append(row)

        def level(parent_id: int | None, seen: frozenset[int]) -> list[CategoryNode]:
            ordered = sorted(children.get(parent_id, []), key=lambda r: (r.name, r.id))
            return [
                CategoryNode(
                    id=row.id,
                    name=row.name,
                    slug=row.slug,
                    description=row.description,
                    parent_id=row.parent_id,
                    created_at=row.created_at,
                    children=level(row.id, seen | {row.id}) if row.id not in seen else [],
                )
                for row in ordered
            ]

        return level(None, frozenset())


class SqlAlchemyProductQueries(ReadSide, ProductQueries):
    async def _one(self, key: str, value: object) -> ProductView | None:
        column = products.c[key]
        statements = self._statements
        if statements is not None:
            statement = statements.get(
                ("product by", key),
                lambda: select(*_PRODUCT_COLUMNS).where(column == bindparam("key")),
            )
            records = await self._driver_fetch(statement, {"key": value})
            return _product_from_record(records[0]) if records else None
        async with self._connection() as connection:
            row = (
                await connection.execute(select(*_PRODUCT_COLUMNS).where(column == value))
            ).first()
        return None if row is None else _product(row)

    async def get(self, product_id: int) -> ProductView | None:
        return await self._one("id", product_id)

    async def get_by_sku(self, sku: str) -> ProductView | None:
        return await self._one("sku", sku.upper())

    async def get_by_slug(self, slug: str) -> ProductView | None:
        return await self._one("slug", slug)

    async def list(self, query: ListQuery) -> Page[ProductView]:
        statements = self._statements
        shape = _PRODUCT_LIST.shape(query) if statements is not None else None
        if statements is not None and shape is not None:
            statement = statements.get(
                shape, lambda: _PRODUCT_LIST.named_page(_PRODUCT_COLUMNS, query)
            )
            records = await self._driver_fetch(statement, _PRODUCT_LIST.named_values(query))
            # A page past the end carries no total; the statement below counts then.
            if records or query.page.offset == 0:
                total = int(records[0]["total_count"]) if records else 0
                items = [_product_from_record(r) for r in records]
                return Page(items, total, query.page.page, query.page.page_size)
        async with self._connection() as connection:
            rows, total = await fetch_page(connection, _PRODUCT_LIST, _PRODUCT_COLUMNS, query)
        return Page([_product(r) for r in rows], total, query.page.page, query.page.page_size)

    async def list_with_category(self, query: ListQuery) -> Page[ProductWithCategory]:
        selected = (*_PRODUCT_COLUMNS, *_JOINED_CATEGORY)
        async with self._connection() as connection:
            rows, total = await fetch_page(connection, _PRODUCT_WITH_CATEGORY_LIST, selected, query)
        items = [ProductWithCategory(_product(row), _joined_category(row)) for row in rows]
        return Page(items, total, query.page.page, query.page.page_size)

    async def category_stats(self) -> Sequence[CategoryStats]:
        dialect = self._dialect
        name_order = (
            categories.c.name.collate("C") if dialect == "postgresql" else categories.c.name
        )
        statement = (
            select(
                categories.c.id,
                categories.c.name,
                func.count(products.c.id).label("product_count"),
                money_sum(products.c.price, dialect).label("price_sum"),
                func.min(products.c.price).label("min_price"),
                func.max(products.c.price).label("max_price"),
            )
            .select_from(
                categories.outerjoin(
                    products,
                    and_(products.c.category_id == categories.c.id, products.c.is_active.is_(True)),
                )
            )
            .group_by(categories.c.id, categories.c.name)
            .order_by(name_order, categories.c.id)
        )
        async with self._connection() as connection:
            rows = list(await connection.execute(statement))
        stats = []
        for row in rows:
            count = int(row.product_count)
            stats.append(
                CategoryStats(
                    category_id=row.id,
                    category_name=row.name,
                    product_count=count,
                    avg_price=average(money_total(row.price_sum, dialect), count)
                    if count
                    else None,
                    min_price=row.min_price if count else None,
                    max_price=row.max_price if count else None,
                )
            )
        return stats
