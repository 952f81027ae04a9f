"""Imperative mappings: the domain's plain classes onto the tables, without touching them.

The domain never learns it is persisted. `start_mappers()` instruments its classes once per
process (calling it again does nothing), so the composition root and the tests may both call
it. Relationships are `lazy="raise"`: a repository loads what a use case needs explicitly
(`selectinload`), and an accidental lazy load — an N+1 in the making — fails loudly instead
of querying per row.

Products use `version_id_col` without a generator: the domain bumps `Product.version` itself
(every change does), and the ORM guards every write of a product row with the version it
loaded. Updates of products do not go through the ORM's per-row UPDATE at all: see
`product_writes.py`.
"""

from __future__ import annotations

import threading

from sqlalchemy.orm import registry, relationship

from adapters.sqlalchemy.tables import (
    categories,
    notifications,
    order_items,
    orders,
    payments,
    products,
    users,
)
from domain.catalog.category import Category
from domain.catalog.product import Product
from domain.identity.user import User
from domain.notifications.notification import Notification
from domain.ordering.order import Order, OrderItem, Payment

__all__ = ["mapper_registry", "start_mappers"]

mapper_registry = registry()
_lock = threading.Lock()
_started = False


def start_mappers() -> None:
    """Map the domain classes; idempotent and safe to call from several threads."""
    global _started
    with _lock:
        if _started:
            return
        mapper_registry.map_imperatively(User, users)
        mapper_registry.map_imperatively(Category, categories)
        mapper_registry.map_imperatively(
            Product,
            products,
            version_id_col=products.c.version,
            version_id_generator=False,
        )
        mapper_registry.map_imperatively(OrderItem, order_items)
        mapper_registry.map_imperatively(Payment, payments)
        mapper_registry.map_imperatively(
            Order,
            orders,
            properties={
                "items": relationship(
                    OrderItem,
                    lazy="raise",
                    cascade="all, delete-orphan",
                    order_by=order_items.c.id,
                    passive_deletes=True,
                ),
                "payments": relationship(
                    Payment,
                    lazy="raise",
                    cascade="all, delete-orphan",
                    order_by=payments.c.id,
                    passive_deletes=True,
                ),
            },
        )
        mapper_registry.map_imperatively(Notification, notifications)
        mapper_registry.configure()
        _started = True
