"""JSON bodies written straight from read models, for the hottest reads.

A route that returns a pydantic model pays twice: the model is built from the read model
(validation), then FastAPI validates it again against the `response_model` and serializes
it. The routes here build the body once from the read-model dataclass and encode it with
orjson; their schema stays declared through `response_model`, so /openapi.json and the
conformance checks see the same contract. The bodies are byte-for-byte those of the models:
the same keys in the same order, money as a two-decimal string, timestamps in UTC with `Z`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import orjson
from fastapi import Response

from application.catalog.read_models import ProductView
from application.shared.listing import Page
from domain.shared.money import CENT

__all__ = ["JsonBody", "page_body", "product_body"]

T = TypeVar("T")


class JsonBody(Response):
    """An `application/json` response of an already built body, encoded by orjson."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def _utc(value: datetime) -> str:
    # As the models' UtcDatetime: a naive timestamp can only be UTC that lost its zone.
    moment = value.replace(tzinfo=UTC) if value.utcoffset() is None else value.astimezone(UTC)
    return moment.isoformat().replace("+00:00", "Z")


def product_body(product: ProductView) -> dict[str, Any]:
    """`ProductPublic`'s JSON, in its field order."""
    return {
        "name": product.name,
        "sku": product.sku,
        "description": product.description,
        "stock_quantity": product.stock_quantity,
        "is_active": product.is_active,
        "category_id": product.category_id,
        "id": product.id,
        "slug": product.slug,
        "price": str(product.price.quantize(CENT)),
        "version": product.version,
        "created_at": _utc(product.created_at),
        "updated_at": _utc(product.updated_at),
    }


def page_body(page: Page[T], item: Callable[[T], dict[str, Any]]) -> dict[str, Any]:
    """`PagePublic`'s JSON, each item written by `item`."""
    return {
        "items": [item(one) for one in page.items],
        "total": page.total,
        "page": page.page,
        "page_size": page.page_size,
        "total_pages": page.total_pages,
        "has_next": page.has_next,
        "has_previous": page.has_previous,
    }
