"""The ordering use cases.

Each one is a callable whose body is its whole transaction: `async with self.uow as uow:`
… `await uow.commit()`. `@retried_on_contention` runs that body again when the database gave
up on it (a deadlock, a busy SQLite); a conflict of state is never retried. The use cases a
client may retry with an `Idempotency-Key` replay and record their answers through
`IdempotencyKeys`, inside the same transaction, each caller's keys apart from another's.

Paying with credits and cancelling an order paid with them move the orderer's credits through
`CreditPayments` (application/ordering/ports.py), in the same transaction.

Who may: a customer orders for themself, pays their own orders and cancels them while they
are pending; an admin does anything. Another customer's order is `NotFound`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from application.ordering.commands import ChangeOrderStatus, PayOrder, PlaceOrder
from application.ordering.ports import CreditPayments
from application.ordering.read_models import OrderView, PaymentView
from application.shared.access import Forbidden, Principal
from application.shared.errors import Contention
from application.shared.idempotency.answers import DEFAULT_TTL, Answer, IdempotencyKeys
from application.shared.ports import Clock, OrderNumbers
from application.shared.retry import retried_on_contention
from application.shared.unit_of_work import UnitOfWork
from domain.notifications.notification import Notification, NotificationKind
from domain.ordering import reservation
from domain.ordering.events import OrderStatusChanged
from domain.ordering.order import Order, OrderNumber, OrderStatus, PaymentMethod, merge_lines
from domain.shared.errors import DomainError, DuplicateValue, Inactive, NotFound

__all__ = ["ChangeOrderStatusHandler", "PayOrderHandler", "PlaceOrderHandler"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PlaceOrderHandler:
    """Check the user, reserve stock, store the order: all of it or none of it.

    Products are locked in ascending id order (the repository's promise), so concurrent
    orders over the same products queue instead of deadlocking or overselling.
    The notification is best-effort, inside a savepoint: if it fails, the order stands.
    With an idempotency key, a retry gets the first answer and no second order.
    """

    uow: UnitOfWork
    clock: Clock
    order_numbers: OrderNumbers
    idempotency_ttl: timedelta = DEFAULT_TTL

    @retried_on_contention
    async def __call__(self, actor: Principal, command: PlaceOrder) -> Answer[OrderView]:
        user_id = actor.acting_user() if command.user_id is None else command.user_id
        if user_id != actor.user_id and not actor.is_admin:
            raise Forbidden("a customer places orders for themself only")
        keys = IdempotencyKeys(_scope("place_order", actor), self.idempotency_ttl)
        lines = merge_lines(command.lines)
        async with self.uow as uow:
            now = self.clock.now()
            if replay := await keys.replay(uow.idempotency, command.idempotency, now):
                return replay
            await _ensure_active_user(uow, user_id)
            products = await uow.products.get_for_update([line.product_id for line in lines])
            order = Order.place(
                order_number=OrderNumber.build(now, self.order_numbers.suffix()),
                user_id=user_id,
                items=reservation.reserve(lines, products, now),
                shipping_address=command.shipping_address,
                now=now,
            )
            await _store_new(uow, order)
            await _notify_placed(uow, order)
            await keys.record(
                uow.idempotency, command.idempotency, now, lambda: OrderView.of(order)
            )
            await uow.commit()
        return Answer.fresh(OrderView.of(order))


@dataclass(frozen=True)
class ChangeOrderStatusHandler:
    """Move an order along; cancelling puts its reserved stock back, and the credits it was
    paid with, exactly once (the order is locked, and `cancelled` is final). An admin makes
    any move; a customer only cancels their own order, while it is pending."""

    uow: UnitOfWork
    clock: Clock
    credits: CreditPayments

    @retried_on_contention
    async def __call__(self, actor: Principal, command: ChangeOrderStatus) -> Order:
        async with self.uow as uow:
            order = await _order(uow, command.order_id, actor)
            if not actor.is_admin and not (
                command.status is OrderStatus.CANCELLED and order.status is OrderStatus.PENDING
            ):
                raise Forbidden("a customer may only cancel their own order while it is pending")
            now = self.clock.now()
            to_release = order.transition_to(command.status, now)
            if to_release:
                products = await uow.products.get_for_update(
                    [line.product_id for line in to_release]
                )
                reservation.release(to_release, products, now)
            if command.status is OrderStatus.CANCELLED:
                await _refund_credits(uow, self.credits, order, now)
            uow.record(_status_changed(order, now))
            await uow.commit()
        return order


@dataclass(frozen=True)
class PayOrderHandler:
    """Record a payment of the order's total and confirm it, atomically.

    Paid with credits, the order's total is taken from the orderer's credits in the same
    transaction: too few, and the order stays pending (409). With an idempotency key, a retry
    gets the first payment back instead of a 409."""

    uow: UnitOfWork
    clock: Clock
    credits: CreditPayments
    idempotency_ttl: timedelta = DEFAULT_TTL

    @retried_on_contention
    async def __call__(self, actor: Principal, command: PayOrder) -> Answer[PaymentView]:
        keys = IdempotencyKeys(_scope("pay_order", actor), self.idempotency_ttl)
        async with self.uow as uow:
            now = self.clock.now()
            if replay := await keys.replay(uow.idempotency, command.idempotency, now):
                return replay
            order = await _order(uow, command.order_id, actor)
            payment = order.pay(command.method, now)
            if payment.method is PaymentMethod.CREDITS:
                await self.credits.charge(
                    uow,
                    user_id=order.user_id,
                    order_id=_stored(order.id),
                    amount=payment.amount,
                    now=now,
                )
            uow.record(_status_changed(order, now))
            await keys.record(
                uow.idempotency, command.idempotency, now, lambda: PaymentView.of(payment)
            )
            await uow.commit()
        return Answer.fresh(PaymentView.of(payment))


# -- steps the use cases share -------------------------------------------------------------
def _scope(operation: str, actor: Principal) -> str:
    """Whose Idempotency-Keys these are: one caller's key never replays another's answer."""
    return f"{operation}:{actor.user_id}"


async def _order(uow: UnitOfWork, order_id: int, actor: Principal) -> Order:
    """The order, locked for this transaction, if the caller may see it."""
    order = await uow.orders.get(order_id, for_update=True)
    if order is None:
        raise NotFound("order", order_id)
    actor.visible(order.user_id, "order", order_id)
    return order


def _stored(order_id: int | None) -> int:
    assert order_id is not None  # orders are loaded from storage here
    return order_id


async def _refund_credits(
    uow: UnitOfWork, credits: CreditPayments, order: Order, now: datetime
) -> None:
    """Give back the credits a cancelled order was paid with (a pending one was paid with
    none)."""
    for payment in order.payments:
        if payment.method is PaymentMethod.CREDITS:
            await credits.refund(
                uow,
                user_id=order.user_id,
                order_id=_stored(order.id),
                amount=payment.amount,
                now=now,
            )


async def _ensure_active_user(uow: UnitOfWork, user_id: int) -> None:
    active = await uow.users.is_active(user_id)
    if active is None:
        raise NotFound("user", user_id)
    if not active:
        raise Inactive(f"user {user_id} is not active")


async def _store_new(uow: UnitOfWork, order: Order) -> None:
    try:
        await uow.orders.add(order)
    except DuplicateValue as err:
        if err.field != "order_number":
            raise
        # Two orders drew the same number within one second: not a conflict of state, so
        # the whole attempt is rolled back and run again.
        raise Contention("order number collision") from err


def _status_changed(order: Order, now: datetime) -> OrderStatusChanged:
    """What its user hears of after the commit (application/subscriptions.py)."""
    if order.id is None:
        raise ValueError("only a stored order changes status")
    return OrderStatusChanged(
        order_id=order.id,
        order_number=order.order_number,
        user_id=order.user_id,
        status=order.status,
        occurred_at=now,
    )


async def _notify_placed(uow: UnitOfWork, order: Order) -> None:
    """Best effort, in a savepoint of the order's own transaction: the notification is
    stored if and only if the order is, and one that cannot be stored never undoes the
    order. (Status changes are told after the commit instead: see `_status_changed`.)"""
    try:
        async with uow.savepoint():
            await uow.notifications.add(
                Notification.create(
                    user_id=order.user_id,
                    kind=NotificationKind.ORDER_PLACED,
                    message=f"Order {order.order_number} placed",
                    reference_id=order.id,
                    now=order.created_at,
                )
            )
    except DomainError as err:
        log.warning("notification for order %s not stored: %s", order.order_number, err)
