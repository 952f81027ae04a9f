"""The ordering read models built from stored orders, and from the users and products they
name: frozen copies, so nothing of the store leaks out.

Orders, payments and products are shown by their read models' own `of` (OrderView.of, ...),
so the fake's answers and the idempotent replays share one definition."""

from __future__ import annotations

from adapters.memory.tracking import key_of
from application.ordering.read_models import OrderUser, ProductSummary
from domain.catalog.product import Product
from domain.identity.user import User

__all__ = ["order_user", "product_summary"]


def product_summary(product: Product) -> ProductSummary:
    return ProductSummary(id=key_of(product), name=product.name, sku=product.sku, slug=product.slug)


def order_user(user: User) -> OrderUser:
    return OrderUser(
        id=key_of(user), username=user.username, email=user.email, full_name=user.full_name
    )
