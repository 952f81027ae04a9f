"""The orders as a caller may see them: a customer, their own; an admin, all.

The query port answers for everything; these reads apply the access rule on top. Another
customer's order is `NotFound`, exactly like an order that does not exist, and a list a
customer asks for is narrowed to their own orders.
"""

from __future__ import annotations

from dataclasses import dataclass

from application.identity.queries import UserQueries
from application.ordering.queries import OrderQueries
from application.ordering.read_models import OrderDetails, OrderView
from application.shared.access import Principal
from application.shared.listing import ListQuery, Page
from domain.shared.errors import NotFound

__all__ = ["OrderReads"]


@dataclass(frozen=True)
class OrderReads:
    orders: OrderQueries
    users: UserQueries

    async def get(self, actor: Principal, order_id: int) -> OrderView:
        order = await self.orders.get(order_id)
        if order is None:
            raise NotFound("order", order_id)
        actor.visible(order.user_id, "order", order_id)
        return order

    async def details(self, actor: Principal, order_id: int) -> OrderDetails:
        details = await self.orders.details(order_id)
        if details is None:
            raise NotFound("order", order_id)
        actor.visible(details.user.id, "order", order_id)
        return details

    async def list(self, actor: Principal, query: ListQuery) -> Page[OrderView]:
        """Every order for an admin; a customer's own otherwise."""
        if not actor.is_admin:
            query = query.narrowed("user_id", actor.acting_user())
        return await self.orders.list(query)

    async def of_user(self, actor: Principal, user_id: int, query: ListQuery) -> Page[OrderView]:
        """One user's orders: the caller's own, or anyone's for an admin."""
        actor.visible(user_id, "user", user_id)
        if await self.users.get(user_id) is None:
            raise NotFound("user", user_id)
        return await self.orders.list(query.narrowed("user_id", user_id))
