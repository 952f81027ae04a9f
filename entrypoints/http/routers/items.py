"""/items: things users own, edited with optimistic locking and handed to another user.

A customer creates items owned by themself, and reads, edits, deletes and transfers their own;
another user's item is a 404. An admin does all of it to any item of the store.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Response

from application.items.commands import CreateItem, DeleteItem, TransferItem, UpdateItem
from application.items.queries import ITEM_LIST
from application.shared.listing import ListQuery
from entrypoints.http.access import SignedIn
from entrypoints.http.errors import error_responses
from entrypoints.http.listing import ListParameters
from entrypoints.http.openapi import created
from entrypoints.http.responses import respond
from entrypoints.http.routers.parameters import ItemId
from entrypoints.http.routing import resource_router
from entrypoints.http.schemas.items import ItemCreate, ItemPublic, ItemTransfer, ItemUpdate
from entrypoints.http.schemas.pages import PagePublic
from entrypoints.http.use_cases import use_cases

__all__ = ["router"]

router = resource_router("/items", "items", 422, 500, 503)

ITEMS = ListParameters(ITEM_LIST)


@router.post(
    "/",
    status_code=201,
    response_model=ItemPublic,
    responses=created(
        "The new item, the caller's, at version 1.",
        GetItem=("get_item", {"item_id": "$response.body#/id"}),
        UpdateItem=("update_item", {"item_id": "$response.body#/id"}),
        TransferItem=("transfer_item", {"item_id": "$response.body#/id"}),
        DeleteItem=("delete_item", {"item_id": "$response.body#/id"}),
    ),
)
async def create_item(body: ItemCreate, request: Request, actor: SignedIn) -> Response:
    """Create an item owned by the caller, at version 1."""
    command = CreateItem(name=body.name, price=body.price, description=body.description)
    item = await use_cases(request).create_item()(actor, command)
    return respond(item, ItemPublic, 201)


@router.get("/", response_model=PagePublic[ItemPublic], openapi_extra=ITEMS.openapi_extra)
async def list_items(
    actor: SignedIn, query: Annotated[ListQuery, Depends(ITEMS)], request: Request
) -> Response:
    """Items by id unless sorted otherwise (`price__lte=10`, `name__like=lamp`,
    `sort=-price`): your own, or every item of the store for an admin (`owner_id=7`)."""
    page = await use_cases(request).item_reads().list(actor, query)
    return respond(page, PagePublic[ItemPublic])


@router.get("/{item_id:int}", response_model=ItemPublic, responses=error_responses(404))
async def get_item(item_id: ItemId, request: Request, actor: SignedIn) -> Response:
    """One of your items (any, for an admin)."""
    return respond(await use_cases(request).item_reads().get(actor, item_id), ItemPublic)


@router.patch("/{item_id:int}", response_model=ItemPublic, responses=error_responses(404, 409))
async def update_item(
    item_id: ItemId, body: ItemUpdate, request: Request, actor: SignedIn
) -> Response:
    """Change the fields sent. `version` must be the one last read: it is compared, never
    assigned; a stale one is a 409. The answer carries the new version."""
    command = UpdateItem(item_id=item_id, version=body.version, **body.changes())
    item = await use_cases(request).update_item()(actor, command)
    return respond(item, ItemPublic)


@router.delete("/{item_id:int}", status_code=204, responses=error_responses(404))
async def delete_item(item_id: ItemId, request: Request, actor: SignedIn) -> Response:
    """Delete one of your items (any, for an admin)."""
    await use_cases(request).delete_item()(actor, DeleteItem(item_id))
    return Response(status_code=204)


@router.post(
    "/{item_id:int}/transfer",
    status_code=201,
    response_model=ItemPublic,
    responses=error_responses(404, 409),
)
async def transfer_item(
    item_id: ItemId, body: ItemTransfer, request: Request, actor: SignedIn
) -> Response:
    """Hand one of your items (any, for an admin) to another active user of the store, who is
    notified. `version` must be the one last read: of two transfers of one version, one wins
    and the other is a 409 `stale-version`. An unknown user is a 404, an inactive one a 409,
    the owner themself a 422. The answer is the item with its new owner and version."""
    command = TransferItem(item_id=item_id, new_owner_id=body.new_owner_id, version=body.version)
    item = await use_cases(request).transfer_item()(actor, command)
    return respond(item, ItemPublic, 201)
