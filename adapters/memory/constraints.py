"""The unique constraints of the schema, checked the way the database checks them.

Each rule names the field that `DuplicateValue` reports and the key that must be unique. A key
of None is never a duplicate: like SQL, where NULLs in a unique constraint are distinct, two
products named alike without a category do not collide.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from domain.catalog.category import Category
from domain.catalog.product import Product
from domain.identity.user import User
from domain.ordering.order import Order
from domain.shared.errors import DuplicateValue

__all__ = [
    "CATEGORY_UNIQUE",
    "ORDER_UNIQUE",
    "PRODUCT_UNIQUE",
    "USER_UNIQUE",
    "UniqueRule",
    "ensure_unique",
]

E = TypeVar("E")


@dataclass(frozen=True)
class UniqueRule(Generic[E]):
    field: str
    key: Callable[[E], Hashable | None]
    shown: Callable[[E], object]


def _rule(field: str, value: Callable[[E], Hashable]) -> UniqueRule[E]:
    return UniqueRule(field, value, value)


USER_UNIQUE: tuple[UniqueRule[User], ...] = (
    _rule("username", lambda u: u.username),
    _rule("email", lambda u: u.email),
)
CATEGORY_UNIQUE: tuple[UniqueRule[Category], ...] = (
    _rule("name", lambda c: c.name),
    _rule("slug", lambda c: c.slug),
)
PRODUCT_UNIQUE: tuple[UniqueRule[Product], ...] = (
    _rule("sku", lambda p: p.sku),
    _rule("slug", lambda p: p.slug),
    UniqueRule(
        "name",
        key=lambda p: None if p.category_id is None else (p.name, p.category_id),
        shown=lambda p: p.name,
    ),
)
ORDER_UNIQUE: tuple[UniqueRule[Order], ...] = (_rule("order_number", lambda o: o.order_number),)


def ensure_unique(
    entity: str,
    rules: Sequence[UniqueRule[E]],
    visible: Iterable[E],
    candidates: Sequence[E],
) -> None:
    """Raise `DuplicateValue` if a candidate shares a key with another visible entity.

    `visible` may include the candidates themselves; an entity never collides with itself.
    """
    if not candidates:
        return
    rows = list(visible)
    for rule in rules:
        taken: dict[Hashable, list[E]] = {}
        for row in rows:
            key = rule.key(row)
            if key is not None:
                taken.setdefault(key, []).append(row)
        for candidate in candidates:
            key = rule.key(candidate)
            if key is None:
                continue
            if any(other is not candidate for other in taken.get(key, ())):
                raise DuplicateValue(entity, rule.field, rule.shown(candidate))
