"""The catalog read models built from stored categories and products: frozen copies, so
nothing of the store leaks out.

Products are shown by the view the use cases already define, so the fake's answers and the
idempotent replays share one definition."""

from __future__ import annotations

from adapters.memory.tracking import key_of
from application.catalog.read_models import CategoryNode, CategoryView
from domain.catalog.category import Category

__all__ = ["category_node", "category_view"]


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
