"""The `Idempotency-Key` header of the writes a client may retry safely.

    POST /orders/   POST /orders/{id}/payments   POST /products/{id}/stock-adjustments

A route reads the header with `IdempotencyKey`, makes the command's `IdempotentRequest` with
`idempotent_request` (fingerprint: the method, the path and the validated body as canonical
JSON) and answers the use case's `Answer` with `respond` (entrypoints/http/responses.py).
"""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import Header, Request
from pydantic import BaseModel

from application.shared.idempotency.request import (
    KEY_FIELD,
    IdempotentRequest,
    request_fingerprint,
)

__all__ = ["IdempotencyKey", "idempotent_request"]

# Printable ASCII, 1-255 characters, no blank at either end (HTTP strips those).
KEY_PATTERN: Final = r"^[!-~]([ -~]{0,253}[!-~])?$"

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias=KEY_FIELD,
        min_length=1,
        max_length=255,
        pattern=KEY_PATTERN,
        description=(
            "Makes a retry safe: a second request with the same key and the same body gets "
            "the first answer back (with `Idempotent-Replayed: true`) and changes nothing; "
            "the same key with another body is a 422; a retry while the first request is "
            "still running is a 409. Keys are kept for 24 hours by default."
        ),
    ),
]


def idempotent_request(
    key: str | None, request: Request, body: BaseModel, status_code: int
) -> IdempotentRequest | None:
    if key is None:
        return None
    fingerprint = request_fingerprint(
        request.method, request.url.path, body.model_dump(mode="json")
    )
    return IdempotentRequest(key=key, fingerprint=fingerprint, status_code=status_code)
