"""Read models built from stored entities: frozen copies, so nothing of the store leaks out."""

from __future__ import annotations

from adapters.memory.tracking import key_of
from application.catalog.read_models import CategoryNode, CategoryView, ProductView
from application.identity.read_models import UserView
from application.ordering.read_models import (
    OrderItemView,
    OrderUser,
    OrderView,
    PaymentView,
    ProductSummary,
)
from domain.catalog.category import Category
from domain.catalog.product import Product
from domain.identity.user import User
from domain.ordering.order import Order, Payment

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


def product_view(product: Product) -> ProductView:
    return ProductView(
        id=key_of(product),
        name=product.name,
        slug=product.slug,
        sku=product.sku,
        description=product.description,
        price=product.price,
        stock_quantity=product.stock_quantity,
        is_active=product.is_active,
        category_id=product.category_id,
        version=product.version,
        created_at=product.created_at,
        updated_at=product.updated_at,
    )


def product_summary(product: Product) -> ProductSummary:
    return ProductSummary(id=key_of(product), name=product.name, sku=product.sku, slug=product.slug)


def order_view(order: Order) -> OrderView:
    items = sorted(order.items, key=key_of)
    return OrderView(
        id=key_of(order),
        order_number=order.order_number,
        user_id=order.user_id,
        status=order.status.value,
        total_amount=order.total_amount,
        shipping_address=order.shipping_address,
        created_at=order.created_at,
        updated_at=order.updated_at,
        items=tuple(
            OrderItemView(
                id=key_of(item),
                product_id=item.product_id,
                quantity=item.quantity,
                unit_price=item.unit_price,
                total_price=item.total_price,
            )
            for item in items
        ),
    )


def order_user(user: User) -> OrderUser:
    return OrderUser(
        id=key_of(user), username=user.username, email=user.email, full_name=user.full_name
    )


def payment_view(payment: Payment) -> PaymentView:
    return PaymentView(
        id=key_of(payment),
        amount=payment.amount,
        method=payment.method.value,
        created_at=payment.created_at,
    )
