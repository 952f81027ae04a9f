"""The `Idempotency-Key` header of the writes a client may retry safely.

    POST /orders/   POST /orders/{id}/payments   POST /products/{id}/stock-adjustments

A route reads the header with `IdempotencyKey`, makes the command's `IdempotentRequest` with
`idempotent_request` (fingerprint: the method, the path and the validated body as canonical
JSON) and renders the use case's `Answer` with `render_answer`. Fresh and replayed answers
take the same way, from the same JSON, so a replay's body is byte for byte the first one's;
a replay says so in `Idempotent-Replayed: true`.
"""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import Header, Request, Response
from pydantic import BaseModel

from application.shared.idempotency import (
    KEY_FIELD,
    Answer,
    IdempotentRequest,
    request_fingerprint,
)

__all__ = ["REPLAYED_HEADER", "IdempotencyKey", "idempotent_request", "render_answer"]

REPLAYED_HEADER: Final = "Idempotent-Replayed"
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


def render_answer(answer: Answer, model: type[BaseModel], status_code: int) -> Response:
    """The answer in the public form of `model`, with `status_code`; a replay keeps its
    stored status and says it is one.

    Validated and written once here: the route declares `model` as its `response_model` for
    the schema and returns this response as is (FastAPI would validate a model again)."""
    body = model.model_validate_json(answer.body).model_dump_json()
    if not answer.replayed:
        return Response(body, status_code, media_type="application/json")
    return Response(
        body,
        answer.status_code or status_code,
        headers={REPLAYED_HEADER: "true"},
        media_type="application/json",
    )
