"""Read models built from stored entities: frozen copies, so nothing of the store leaks out.

Products, orders and payments are shown by the views the use cases already define, so the
fake's answers and the idempotent replays share one definition."""

from __future__ import annotations

from adapters.memory.tracking import key_of
from application.catalog.read_models import CategoryNode, CategoryView, ProductView
from application.identity.read_models import UserView
from application.ordering.read_models import OrderUser, OrderView, PaymentView, ProductSummary
from domain.catalog.category import Category
from domain.catalog.product import Product
from domain.identity.user import User

__all__ = [
    "category_node",
    "category_view",
    "order_user",
    "order_view",
    "payment_view",
    "product_summary",
    "product_view",
    "user_view",
]


product_view = ProductView.of
order_view = OrderView.of
payment_view = PaymentView.of


def user_view(user: User) -> UserView:
    return UserView(
        id=key_of(user),
        username=user.username,
        email=user.email,
        full_name=user.full_name,
        bio=user.bio,
        is_active=user.is_active,
        is_superuser=user.is_superuser,
        credits=user.credits,
        created_at=user.created_at,
        updated_at=user.updated_at,
    )


def category_view(category: Category) -> CategoryView:
    return CategoryView(
        id=key_of(category),
        name=category.name,
        slug=category.slug,
        description=category.description,
        parent_id=category.parent_id,
        created_at=category.created_at,
    )


def category_node(category: Category, children: list[CategoryNode]) -> CategoryNode:
    return CategoryNode(
        id=key_of(category),
        name=category.name,
        slug=category.slug,
        description=category.description,
        parent_id=category.parent_id,
        created_at=category.created_at,
        children=children,
    )


def product_summary(product: Product) -> ProductSummary:
    return ProductSummary(id=key_of(product), name=product.name, sku=product.sku, slug=product.slug)


def order_user(user: User) -> OrderUser:
    return OrderUser(
        id=key_of(user), username=user.username, email=user.email, full_name=user.full_name
    )
