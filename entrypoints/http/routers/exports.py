"""/exports: whole collections as CSV files, streamed batch by batch."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Sequence
from typing import Final

from fastapi import Request
from fastapi.responses import StreamingResponse

from application.identity.read_models import UserView
from entrypoints.http.access import Admin
from entrypoints.http.routing import resource_router
from entrypoints.http.use_cases import use_cases

__all__ = ["router"]

router = resource_router("/exports", "exports", 422, 500, 503)

BATCH_SIZE: Final = 500
USER_COLUMNS: Final = (
    "id",
    "username",
    "email",
    "full_name",
    "bio",
    "is_active",
    "is_superuser",
    "credits",
    "created_at",
    "updated_at",
)
# A spreadsheet runs a cell starting with one of these as a formula: quote it as text.
_FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str | None) -> str:
    if value is None:
        return ""
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


def _row(user: UserView) -> tuple[object, ...]:
    return (
        user.id,
        _cell(user.username),
        _cell(user.email),
        _cell(user.full_name),
        _cell(user.bio),
        str(user.is_active).lower(),
        str(user.is_superuser).lower(),
        user.credits,
        user.created_at.isoformat(),
        user.updated_at.isoformat(),
    )


def _csv(rows: Sequence[Sequence[object]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


@router.get(
    "/users",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "Every user, one row each, in id order (no password hashes).",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    },
)
async def export_users(request: Request, _: Admin) -> StreamingResponse:
    """All users as CSV, read and sent in batches so that memory stays flat however many
    there are. Text cells that a spreadsheet would run as a formula are prefixed with `'`."""
    batches = aiter(use_cases(request).user_queries().export(BATCH_SIZE))
    # The first batch is read before answering, so a storage failure is still a 503 problem
    # rather than a download cut short.
    first = await anext(batches, None)

    async def body() -> AsyncIterator[str]:
        yield _csv([USER_COLUMNS])
        if first is not None:
            yield _csv([_row(user) for user in first])
            async for batch in batches:
                yield _csv([_row(user) for user in batch])

    return StreamingResponse(
        body(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="users.csv"'},
    )
