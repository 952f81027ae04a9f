"""The orders read side: the port and the whitelist of its lists."""

from __future__ import annotations

import abc

from application.ordering.read_models import OrderDetails, OrderStats, OrderView
from application.shared.listing import (
    FieldKind,
    FieldSpec,
    ListQuery,
    ListSchema,
    Page,
    SortKey,
)
from domain.ordering.order import OrderStatus

__all__ = ["ORDER_LIST", "OrderQueries"]

ORDER_LIST = ListSchema(
    fields={
        "id": FieldSpec(FieldKind.INT),
        "order_number": FieldSpec(FieldKind.TEXT),
        "user_id": FieldSpec(FieldKind.INT),
        "status": FieldSpec(FieldKind.CHOICE, choices=tuple(s.value for s in OrderStatus)),
        "total_amount": FieldSpec(FieldKind.DECIMAL),
        "created_at": FieldSpec(FieldKind.DATETIME),
        "updated_at": FieldSpec(FieldKind.DATETIME),
    },
    default_sort=(SortKey("created_at", descending=True), SortKey("id", descending=True)),
)


class OrderQueries(abc.ABC):
    @abc.abstractmethod
    async def get(self, order_id: int) -> OrderView | None:
        """The order with its items."""

    @abc.abstractmethod
    async def details(self, order_id: int) -> OrderDetails | None:
        """The order with its user, its items' products and its payments."""

    @abc.abstractmethod
    async def list(self, query: ListQuery) -> Page[OrderView]:
        """Orders with their items; a user's orders are this list filtered on `user_id`,
        newest first by default."""

    @abc.abstractmethod
    async def stats(self) -> OrderStats:
        """Revenue counts non-cancelled orders only."""
