"""The categories a new catalog starts with: Electronics, Clothing, Books, Home & Garden.

Invariant: this is the one list of them. The SQL backends get them from the data migration
(alembic/versions/*_seed_default_categories.py, whose literal rows a test holds equal to this
list); the in-memory backend gets them from `SeedCategoriesHandler` when it opens. In this
order they are categories 1 to 4 of a new store.
"""

from __future__ import annotations

from typing import Final, NamedTuple

__all__ = ["DEFAULT_CATEGORIES", "DefaultCategory"]


class DefaultCategory(NamedTuple):
    name: str
    slug: str
    description: str


DEFAULT_CATEGORIES: Final[tuple[DefaultCategory, ...]] = (
    DefaultCategory(
        "Electronics", "electronics", "Devices, gadgets and the cables that connect them"
    ),
    DefaultCategory("Clothing", "clothing", "Garments, shoes and accessories for every season"),
    DefaultCategory("Books", "books", "Printed and digital reading, fiction and non-fiction"),
    DefaultCategory(
        "Home & Garden", "home-garden", "Furniture, tools and supplies for house and yard"
    ),
)
