"""The stores' mapping: `Store` onto `stores`, columns only."""

from __future__ import annotations

from sqlalchemy.orm import registry

from adapters.sqlalchemy.mappers import context_mapping
from adapters.sqlalchemy.stores.tables import stores
from domain.stores.store import Store

__all__ = ["map_stores"]


@context_mapping
def map_stores(mappers: registry) -> None:
    mappers.map_imperatively(Store, stores)
