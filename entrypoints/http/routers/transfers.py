"""/transfers: credits from the caller to another user of the store, and the transfers one
took part in.

A customer sends from their own credits and reads the transfers they sent or received;
another's transfer is a 404. An admin reads every transfer of the store.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request, Response

from application.shared.listing import ListQuery
from application.wallet.commands import TransferCredits
from application.wallet.queries import TRANSFER_LIST
from application.wallet.reads import Direction
from entrypoints.http.access import SignedIn
from entrypoints.http.errors import error_responses
from entrypoints.http.idempotency import IdempotencyKey, idempotent_request
from entrypoints.http.listing import ListParameters
from entrypoints.http.openapi import created
from entrypoints.http.responses import respond
from entrypoints.http.routers.parameters import TransferId
from entrypoints.http.routing import resource_router
from entrypoints.http.schemas.pages import PagePublic
from entrypoints.http.schemas.wallet import TransferCreate, TransferPublic
from entrypoints.http.use_cases import use_cases

__all__ = ["router"]

router = resource_router("/transfers", "transfers", 422, 500, 503)

TRANSFERS = ListParameters(TRANSFER_LIST)


@router.post(
    "/",
    status_code=201,
    response_model=TransferPublic,
    responses={
        **error_responses(404, 409),
        **created(
            "The transfer, completed: the credits have moved.",
            GetTransfer=("get_transfer", {"transfer_id": "$response.body#/id"}),
        ),
    },
)
async def transfer_credits(
    body: TransferCreate,
    request: Request,
    actor: SignedIn,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Send credits to another active user of this store, all or nothing: one ledger entry
    on each side. Too few credits or an inactive recipient is a 409 and nothing moves; to
    yourself a 422; an unknown recipient a 404. With an `Idempotency-Key`, a retry gets the
    first answer and moves nothing again."""
    command = TransferCredits(
        to_user_id=body.to_user_id,
        amount=body.amount,
        note=body.note,
        idempotency=idempotent_request(idempotency_key, request, body, 201),
    )
    answer = await use_cases(request).transfer_credits()(actor, command)
    return respond(answer, TransferPublic, 201)


@router.get("/", response_model=PagePublic[TransferPublic], openapi_extra=TRANSFERS.openapi_extra)
async def list_transfers(
    actor: SignedIn,
    query: Annotated[ListQuery, Depends(TRANSFERS)],
    request: Request,
    direction: Annotated[
        Direction | None,
        Query(description="Only those you sent, or only those you received."),
    ] = None,
) -> Response:
    """The transfers you sent and received, newest first unless sorted otherwise
    (`amount__gte=10`, `created_at__gte=2026-01-01T00:00:00Z`); an admin without a
    `direction` sees every transfer of the store."""
    page = await use_cases(request).wallet_reads().transfers(actor, query, direction)
    return respond(page, PagePublic[TransferPublic])


@router.get("/{transfer_id:int}", response_model=TransferPublic, responses=error_responses(404))
async def get_transfer(transfer_id: TransferId, request: Request, actor: SignedIn) -> Response:
    """A transfer you sent or received (any, for an admin)."""
    transfer = await use_cases(request).wallet_reads().transfer(actor, transfer_id)
    return respond(transfer, TransferPublic)
