"""The in-memory twin of `OrderQueries`: orders as committed, with their users and products."""

from __future__ import annotations

from adapters.memory.listing import list_page
from adapters.memory.ordering.views import order_user, product_summary
from adapters.memory.read_side import InMemoryQueries, money
from adapters.memory.tracking import key_of
from application.ordering.queries import OrderQueries
from application.ordering.read_models import (
    OrderDetails,
    OrderItemDetails,
    OrderStats,
    OrderView,
    PaymentView,
)
from application.shared.listing import ListQuery, Page
from domain.catalog.product import Product
from domain.identity.user import User
from domain.ordering.order import Order, OrderStatus
from domain.shared.money import ZERO

__all__ = ["InMemoryOrderQueries"]


class InMemoryOrderQueries(InMemoryQueries, OrderQueries):
    async def get(self, order_id: int) -> OrderView | None:
        order = self._store.rows(Order).get(order_id)
        return None if order is None else OrderView.of(order)

    async def details(self, order_id: int) -> OrderDetails | None:
        order = self._store.rows(Order).get(order_id)
        if order is None:
            return None
        # Users with orders are never deleted, nor are products on order lines: both RESTRICT.
        user = self._store.rows(User)[order.user_id]
        products = self._store.rows(Product)
        view = OrderView.of(order)
        return OrderDetails(
            id=view.id,
            order_number=view.order_number,
            status=view.status,
            total_amount=view.total_amount,
            shipping_address=view.shipping_address,
            created_at=view.created_at,
            updated_at=view.updated_at,
            user=order_user(user),
            items=tuple(
                OrderItemDetails(
                    id=item.id,
                    quantity=item.quantity,
                    unit_price=item.unit_price,
                    total_price=item.total_price,
                    product=product_summary(products[item.product_id]),
                )
                for item in view.items
            ),
            payments=tuple(PaymentView.of(p) for p in sorted(order.payments, key=key_of)),
        )

    async def list(self, query: ListQuery) -> Page[OrderView]:
        return list_page((OrderView.of(o) for o in self._store.rows(Order).values()), query)

    async def stats(self) -> OrderStats:
        orders = self._store.rows(Order)
        by_status = {status.value: 0 for status in OrderStatus}
        revenue = ZERO
        for order in orders.values():
            by_status[order.status.value] += 1
            if order.status is not OrderStatus.CANCELLED:
                revenue += order.total_amount
        return OrderStats(
            total_orders=len(orders),
            total_revenue=money(revenue),
            orders_by_status=by_status,
        )
