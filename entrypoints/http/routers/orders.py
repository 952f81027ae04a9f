"""/orders: placing orders, moving them along, paying, and the figures over all of them.

A customer places orders for themself, reads, pays and (while pending) cancels their own;
another customer's order is a 404. Confirming, shipping, delivering and the figures over all
orders are for admins.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request, Response

from application.ordering.commands import ChangeOrderStatus, PayOrder, PlaceOrder
from application.ordering.queries import ORDER_LIST
from application.shared.listing import ListQuery
from domain.ordering.order import OrderLine, OrderStatus
from entrypoints.http.access import Admin, SignedIn
from entrypoints.http.errors import error_responses
from entrypoints.http.idempotency import IdempotencyKey, idempotent_request
from entrypoints.http.listing import ListParameters
from entrypoints.http.openapi import created
from entrypoints.http.responses import respond
from entrypoints.http.routers.parameters import OrderId, UserId
from entrypoints.http.routing import resource_router
from entrypoints.http.schemas.orders import (
    OrderCreate,
    OrderDetailsPublic,
    OrderPublic,
    OrderStatsPublic,
    PaymentCreate,
    PaymentPublic,
)
from entrypoints.http.schemas.pages import PagePublic
from entrypoints.http.use_cases import use_cases

__all__ = ["router"]

router = resource_router("/orders", "orders", 422, 500, 503)

ORDERS = ListParameters(ORDER_LIST)


@router.post(
    "/",
    status_code=201,
    response_model=OrderPublic,
    responses={
        **error_responses(403, 404, 409),
        **created(
            "The new order, pending, with its items priced.",
            GetOrder=("get_order", {"order_id": "$response.body#/id"}),
            GetOrderDetails=("get_order_details", {"order_id": "$response.body#/id"}),
            ChangeOrderStatus=("change_order_status", {"order_id": "$response.body#/id"}),
            PayOrder=("pay_order", {"order_id": "$response.body#/id"}),
            ListOrdersOfUser=("list_orders_of_user", {"user_id": "$response.body#/user_id"}),
        ),
    },
)
async def place_order(
    body: OrderCreate,
    request: Request,
    actor: SignedIn,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Place an order, all or nothing: the user must be active, every product active and in
    stock; the stock is reserved at once. Lines naming the same product are merged. An
    unknown user or product is a 404; too little stock or an inactive party a 409. The order
    is the caller's: `user_id` may be left out or name the caller (an admin may name anyone;
    a customer naming another user is a 403). With an `Idempotency-Key`, a retry gets the
    first answer and places no second order."""
    command = PlaceOrder(
        user_id=body.user_id,
        lines=tuple(OrderLine(item.product_id, item.quantity) for item in body.items),
        shipping_address=body.shipping_address,
        idempotency=idempotent_request(idempotency_key, request, body, 201),
    )
    answer = await use_cases(request).place_order()(actor, command)
    return respond(answer, OrderPublic, 201)


@router.get("/", response_model=PagePublic[OrderPublic], openapi_extra=ORDERS.openapi_extra)
async def list_orders(
    actor: SignedIn, query: Annotated[ListQuery, Depends(ORDERS)], request: Request
) -> Response:
    """Orders with their items, newest first unless sorted otherwise (`status=pending`,
    `total_amount__gte=100`, `sort=-total_amount`): your own, or every order for an admin."""
    page = await use_cases(request).order_reads().list(actor, query)
    return respond(page, PagePublic[OrderPublic])


@router.get("/stats/summary", response_model=OrderStatsPublic)
async def order_stats(request: Request, _: Admin) -> Response:
    """How many orders, the revenue of those not cancelled, and a count per status."""
    return respond(await use_cases(request).order_queries().stats(), OrderStatsPublic)


@router.get(
    "/user/{user_id:int}",
    response_model=PagePublic[OrderPublic],
    responses=error_responses(404),
    openapi_extra=ORDERS.openapi_extra,
)
async def list_orders_of_user(
    user_id: UserId,
    actor: SignedIn,
    query: Annotated[ListQuery, Depends(ORDERS)],
    request: Request,
) -> Response:
    """One user's orders, newest first; the same list as `/users/{user_id:int}/orders`."""
    page = await use_cases(request).order_reads().of_user(actor, user_id, query)
    return respond(page, PagePublic[OrderPublic])


@router.get("/{order_id:int}", response_model=OrderPublic, responses=error_responses(404))
async def get_order(order_id: OrderId, request: Request, actor: SignedIn) -> Response:
    """The order with its items."""
    return respond(await use_cases(request).order_reads().get(actor, order_id), OrderPublic)


@router.get(
    "/{order_id:int}/details", response_model=OrderDetailsPublic, responses=error_responses(404)
)
async def get_order_details(order_id: OrderId, request: Request, actor: SignedIn) -> Response:
    """The order with its user, the products of its items, and its payments."""
    details = await use_cases(request).order_reads().details(actor, order_id)
    return respond(details, OrderDetailsPublic)


@router.patch(
    "/{order_id:int}/status", response_model=OrderPublic, responses=error_responses(403, 404, 409)
)
async def change_order_status(
    order_id: OrderId,
    new_status: Annotated[
        OrderStatus, Query(description="The status to move the order to.", examples=["confirmed"])
    ],
    request: Request,
    actor: SignedIn,
) -> Response:
    """pending → confirmed | cancelled; confirmed → shipped | cancelled; shipped →
    delivered. Any other move, including to the current status, is a 409. Cancelling puts
    the reserved stock back. A customer may only cancel their own pending order (403
    otherwise); every other move is an admin's."""
    command = ChangeOrderStatus(order_id, new_status)
    order = await use_cases(request).change_order_status()(actor, command)
    return respond(order, OrderPublic)


@router.post(
    "/{order_id:int}/payments",
    status_code=201,
    response_model=PaymentPublic,
    responses=error_responses(404, 409),
)
async def pay_order(
    order_id: OrderId,
    body: PaymentCreate,
    request: Request,
    actor: SignedIn,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Pay a pending order in full: the payment is recorded and the order confirmed, at
    once. Only a pending order can be paid: any other is a 409 `invalid-transition` (paying
    is the move from pending to confirmed). With `"method": "credits"` the total is taken
    from the orderer's credits in the same transaction; too few credits is a 409
    `insufficient-credits` and the order stays pending. Cancelling an order paid with credits
    gives them back, once. With an `Idempotency-Key`, a retry gets the first payment back
    instead of a 409."""
    command = PayOrder(
        order_id, body.method, idempotency=idempotent_request(idempotency_key, request, body, 201)
    )
    answer = await use_cases(request).pay_order()(actor, command)
    return respond(answer, PaymentPublic, 201)
