"""The wallet under /users and /admin: your balance and ledger, an admin's grants, and the
reconciliation of every balance with its ledger.

Your own money is yours to read; credits enter only by an admin's grant.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Response

from application.shared.listing import ListQuery
from application.wallet.commands import GrantCredits
from application.wallet.queries import LEDGER_LIST
from entrypoints.http.access import Admin, SignedIn
from entrypoints.http.errors import error_responses
from entrypoints.http.listing import ListParameters
from entrypoints.http.responses import respond
from entrypoints.http.routers.parameters import UserId
from entrypoints.http.routing import resource_router
from entrypoints.http.schemas.pages import PagePublic
from entrypoints.http.schemas.wallet import (
    BalancePublic,
    CreditGrantCreate,
    CreditGrantPublic,
    LedgerEntryPublic,
    ReconciliationPublic,
)
from entrypoints.http.use_cases import use_cases

__all__ = ["admin_router", "router"]

router = resource_router("/users", "wallet", 422, 500, 503)
admin_router = resource_router("/admin", "wallet", 422, 500, 503)

LEDGER = ListParameters(LEDGER_LIST)


@router.get("/me/balance", response_model=BalancePublic)
async def get_my_balance(request: Request, actor: SignedIn) -> Response:
    """Your credits."""
    return respond(await use_cases(request).wallet_reads().balance(actor), BalancePublic)


@router.get(
    "/me/ledger", response_model=PagePublic[LedgerEntryPublic], openapi_extra=LEDGER.openapi_extra
)
async def list_my_ledger(
    actor: SignedIn, query: Annotated[ListQuery, Depends(LEDGER)], request: Request
) -> Response:
    """Every movement of your credits, newest first unless sorted otherwise (`kind=grant`,
    `amount__lt=0`): each with the balance it left, so the latest one's is your balance."""
    page = await use_cases(request).wallet_reads().ledger(actor, query)
    return respond(page, PagePublic[LedgerEntryPublic])


@router.post(
    "/{user_id:int}/credit-grants",
    status_code=201,
    response_model=CreditGrantPublic,
    responses=error_responses(403, 404),
)
async def grant_credits(
    user_id: UserId, body: CreditGrantCreate, request: Request, actor: Admin
) -> Response:
    """Give a user of this store credits, with a reason: the only way credits enter."""
    command = GrantCredits(user_id=user_id, amount=body.amount, reason=body.reason)
    grant = await use_cases(request).grant_credits()(actor, command)
    return respond(grant, CreditGrantPublic, 201)


@admin_router.get("/ledger/reconciliation", response_model=ReconciliationPublic)
async def reconcile_ledger(request: Request, _: Admin) -> Response:
    """Check every user of this store: their credits must equal the sum of their ledger and
    the balance their latest entry left. Lists each user for whom they do not."""
    reconciliation = await use_cases(request).wallet_queries().reconcile()
    return respond(reconciliation, ReconciliationPublic)
