"""Every answer with a body leaves through `respond`: one validation, one serialization.

    return respond(product, ProductPublic)                 # an entity or a read model
    return respond(page, PagePublic[ProductPublic])        # a page of them
    return respond(stats, list[CategoryStatsPublic])       # a list of them
    return respond(answer, OrderPublic, 201)               # an idempotent use case's Answer

The public form reads the result's attributes (`from_attributes`), so whatever the use case
or query port returned goes straight into it; the body is written once and handed to FastAPI
as a finished `Response`, which it does not validate again. The route still declares
`response_model=` for the schema in /openapi.json.

An idempotent `Answer` carries its result as JSON, fresh or stored: both take the same way,
so a replay's body is byte for byte the first one's, and a replay says so in
`Idempotent-Replayed: true` with the status it was first answered with.
"""

from __future__ import annotations

import functools
from typing import Any, Final

from fastapi import Response
from pydantic import TypeAdapter

from application.shared.idempotency.answers import Answer

__all__ = ["REPLAYED_HEADER", "respond"]

REPLAYED_HEADER: Final = "Idempotent-Replayed"
JSON: Final = "application/json"


@functools.cache
def _public_form(shape: Any) -> TypeAdapter[Any]:
    # Built once per response shape: building one compiles its validator and serializer.
    return TypeAdapter(shape)


def respond(result: object, shape: Any, status_code: int = 200) -> Response:
    """`result` in the public form `shape` (a response model, a page or list of them),
    answered with `status_code`."""
    form = _public_form(shape)
    if not isinstance(result, Answer):
        public = form.validate_python(result, from_attributes=True)
        return Response(form.dump_json(public), status_code, media_type=JSON)
    body = form.dump_json(form.validate_json(result.body))
    if not result.replayed:
        return Response(body, status_code, media_type=JSON)
    return Response(
        body,
        result.status_code or status_code,
        headers={REPLAYED_HEADER: "true"},
        media_type=JSON,
    )
