"""The orders read side in SQL.

Items are fetched for a whole page at once (`WHERE order_id IN (...)`), so a page of orders
costs two statements whatever its size: the page (with its total) and its items.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sqlalchemy.catalog import tables as catalog_tables
from adapters.sqlalchemy.identity import tables as identity_tables
from adapters.sqlalchemy.list_queries import ListCompiler, fetch_page
from adapters.sqlalchemy.ordering import tables as ordering_tables
from adapters.sqlalchemy.read_side import AnyRow, ReadSide, money_sum, money_total
from adapters.sqlalchemy.tenancy import scoped
from application.ordering.queries import ORDER_LIST, OrderQueries
from application.ordering.read_models import (
    OrderDetails,
    OrderItemDetails,
    OrderItemView,
    OrderStats,
    OrderUser,
    OrderView,
    PaymentView,
    ProductSummary,
)
from application.shared.listing import ListQuery, Page
from domain.ordering.order import OrderStatus
from domain.shared.money import ZERO

__all__ = ["SqlAlchemyOrderQueries"]

# The store's rows only (adapters/sqlalchemy/tenancy.py): every read below selects from these.
products = scoped(catalog_tables.products)
users = scoped(identity_tables.users)
order_items = scoped(ordering_tables.order_items)
orders = scoped(ordering_tables.orders)
payments = scoped(ordering_tables.payments)

_ORDER_COLUMNS = (
    orders.c.id,
    orders.c.order_number,
    orders.c.user_id,
    orders.c.status,
    orders.c.total_amount,
    orders.c.shipping_address,
    orders.c.created_at,
    orders.c.updated_at,
)
_ITEM_COLUMNS = (
    order_items.c.id,
    order_items.c.order_id,
    order_items.c.product_id,
    order_items.c.quantity,
    order_items.c.unit_price,
    order_items.c.total_price,
)
_LIST = ListCompiler(ORDER_LIST, orders, {name: orders.c[name] for name in ORDER_LIST.fields})


def _item(row: AnyRow) -> OrderItemView:
    return OrderItemView(
        id=row.id,
        product_id=row.product_id,
        quantity=row.quantity,
        unit_price=row.unit_price,
        total_price=row.total_price,
    )


def _order(row: AnyRow, items: Sequence[OrderItemView]) -> OrderView:
    return OrderView(
        id=row.id,
        order_number=row.order_number,
        user_id=row.user_id,
        status=OrderStatus(row.status).value,
        total_amount=row.total_amount,
        shipping_address=row.shipping_address,
        created_at=row.created_at,
        updated_at=row.updated_at,
        items=tuple(items),
    )


async def _items_of(
    connection: AsyncConnection, order_ids: Sequence[int]
) -> dict[int, list[OrderItemView]]:
    found: dict[int, list[OrderItemView]] = {order_id: [] for order_id in order_ids}
    if not order_ids:
        return found
    statement = (
        select(*_ITEM_COLUMNS)
        .where(order_items.c.order_id.in_(order_ids))
        .order_by(order_items.c.order_id, order_items.c.id)
    )
    for row in await connection.execute(statement):
        found[row.order_id].append(_item(row))
    return found


class SqlAlchemyOrderQueries(ReadSide, OrderQueries):
    async def get(self, order_id: int) -> OrderView | None:
        async with self._connection() as connection:
            row = (
                await connection.execute(select(*_ORDER_COLUMNS).where(orders.c.id == order_id))
            ).first()
            if row is None:
                return None
            items = await _items_of(connection, [order_id])
        return _order(row, items[order_id])

    async def details(self, order_id: int) -> OrderDetails | None:
        header = (
            select(
                *_ORDER_COLUMNS,
                users.c.username,
                users.c.email,
                users.c.full_name,
            )
            .join_from(orders, users, orders.c.user_id == users.c.id)
            .where(orders.c.id == order_id)
        )
        lines = (
            select(
                *_ITEM_COLUMNS,
                products.c.name.label("product_name"),
                products.c.sku.label("product_sku"),
                products.c.slug.label("product_slug"),
            )
            .join_from(order_items, products, order_items.c.product_id == products.c.id)
            .where(order_items.c.order_id == order_id)
            .order_by(order_items.c.id)
        )
        paid = (
            select(payments.c.id, payments.c.amount, payments.c.method, payments.c.created_at)
            .where(payments.c.order_id == order_id)
            .order_by(payments.c.id)
        )
        async with self._connection() as connection:
            order = (await connection.execute(header)).first()
            if order is None:
                return None
            item_rows = list(await connection.execute(lines))
            payment_rows = list(await connection.execute(paid))
        return OrderDetails(
            id=order.id,
            order_number=order.order_number,
            status=OrderStatus(order.status).value,
            total_amount=order.total_amount,
            shipping_address=order.shipping_address,
            created_at=order.created_at,
            updated_at=order.updated_at,
            user=OrderUser(
                id=order.user_id,
                username=order.username,
                email=order.email,
                full_name=order.full_name,
            ),
            items=tuple(
                OrderItemDetails(
                    id=row.id,
                    quantity=row.quantity,
                    unit_price=row.unit_price,
                    total_price=row.total_price,
                    product=ProductSummary(
                        id=row.product_id,
                        name=row.product_name,
                        sku=row.product_sku,
                        slug=row.product_slug,
                    ),
                )
                for row in item_rows
            ),
            payments=tuple(
                PaymentView(
                    id=row.id,
                    amount=row.amount,
                    method=str(row.method.value),
                    created_at=row.created_at,
                )
                for row in payment_rows
            ),
        )

    async def list(self, query: ListQuery) -> Page[OrderView]:
        async with self._connection() as connection:
            rows, total = await fetch_page(connection, _LIST, _ORDER_COLUMNS, query)
            items = await _items_of(connection, [row.id for row in rows])
        orders_ = [_order(row, items[row.id]) for row in rows]
        return Page(orders_, total, query.page.page, query.page.page_size)

    async def stats(self) -> OrderStats:
        statement = select(
            orders.c.status,
            func.count().label("orders"),
            money_sum(orders.c.total_amount, self._dialect).label("revenue"),
        ).group_by(orders.c.status)
        async with self._connection() as connection:
            rows = list(await connection.execute(statement))
        by_status = {status.value: 0 for status in OrderStatus}
        revenue = ZERO
        for row in rows:
            status = OrderStatus(row.status)
            by_status[status.value] = int(row.orders)
            if status is not OrderStatus.CANCELLED:
                revenue += money_total(row.revenue, self._dialect)
        return OrderStats(
            total_orders=sum(by_status.values()),
            total_revenue=revenue,
            orders_by_status=by_status,
        )
