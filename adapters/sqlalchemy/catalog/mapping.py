"""The catalog context's mapping: `Category` and `Product`, no relationships between them.

Products use `version_id_col` without a generator: the domain bumps `Product.version` itself
(every change does), and the ORM guards every write of a product row with the version it
loaded. Updates of products do not go through the ORM's per-row UPDATE at all: see
`product_writes.py`.
"""

from __future__ import annotations

from sqlalchemy.orm import registry

from adapters.sqlalchemy.catalog.tables import categories, products
from adapters.sqlalchemy.mappers import context_mapping
from domain.catalog.category import Category
from domain.catalog.product import Product

__all__ = ["map_catalog"]


@context_mapping
def map_catalog(mappers: registry) -> None:
    mappers.map_imperatively(Category, categories)
    mappers.map_imperatively(
        Product,
        products,
        version_id_col=products.c.version,
        version_id_generator=False,
    )
