"""The ordering use cases."""

from __future__ import annotations

import logging
from datetime import timedelta

from application.ordering.commands import ChangeOrderStatus, PayOrder, PlaceOrder
from application.ordering.read_models import OrderItemView, OrderView, PaymentView
from application.shared.errors import Contention
from application.shared.handler import Handler
from application.shared.idempotency import DEFAULT_TTL, IdempotentHandler
from application.shared.ports import Clock, OrderNumbers
from application.shared.unit_of_work import UnitOfWork
from domain.notifications.notification import Notification
from domain.ordering.order import Order, OrderItem, OrderNumber, Payment, merge_lines
from domain.shared.errors import DomainError, DuplicateValue, Inactive, NotFound

__all__ = [
    "ChangeOrderStatusHandler",
    "PayOrderHandler",
    "PlaceOrderHandler",
    "order_view",
    "payment_view",
]

log = logging.getLogger(__name__)


def _stored(entity_id: int | None) -> int:
    if entity_id is None:
        raise ValueError("a view is made of stored entities only; this one has no id yet")
    return entity_id


def order_view(order: Order) -> OrderView:
    """The order as the read side shows it."""
    return OrderView(
        id=_stored(order.id),
        order_number=order.order_number,
        user_id=order.user_id,
        status=order.status.value,
        total_amount=order.total_amount,
        shipping_address=order.shipping_address,
        created_at=order.created_at,
        updated_at=order.updated_at,
        items=tuple(
            OrderItemView(
                id=_stored(item.id),
                product_id=item.product_id,
                quantity=item.quantity,
                unit_price=item.unit_price,
                total_price=item.total_price,
            )
            for item in sorted(order.items, key=lambda item: _stored(item.id))
        ),
    )


def payment_view(payment: Payment) -> PaymentView:
    return PaymentView(
        id=_stored(payment.id),
        amount=payment.amount,
        method=payment.method.value,
        created_at=payment.created_at,
    )


class PlaceOrderHandler(IdempotentHandler[PlaceOrder, Order]):
    """Check the user, reserve stock, store the order: all of it or none of it.

    Products are locked in ascending id order (the repository's promise), so concurrent
    orders over the same products queue instead of deadlocking or overselling.
    The notification is best-effort, inside a savepoint: if it fails, the order stands.
    With an idempotency key, a retry gets the first answer and no second order.
    """

    scope = "place_order"

    def __init__(
        self,
        uow: UnitOfWork,
        clock: Clock,
        order_numbers: OrderNumbers,
        idempotency_ttl: timedelta = DEFAULT_TTL,
    ) -> None:
        self.uow = uow
        self.clock = clock
        self.order_numbers = order_numbers
        self.ttl = idempotency_ttl

    def view(self, result: Order) -> OrderView:
        return order_view(result)

    async def execute(self, uow: UnitOfWork, command: PlaceOrder) -> Order:
        lines = merge_lines(command.lines)
        active = await uow.users.is_active(command.user_id)
        if active is None:
            raise NotFound("user", command.user_id)
        if not active:
            raise Inactive(f"user {command.user_id} is not active")

        products = {
            p.id: p for p in await uow.products.get_for_update([line.product_id for line in lines])
        }
        now = self.clock.now()
        items = []
        for line in lines:
            product = products.get(line.product_id)
            if product is None:
                raise NotFound("product", line.product_id)
            product.reserve(line.quantity, now)
            items.append(OrderItem.priced(line, product.price))

        order = Order.place(
            order_number=OrderNumber.build(now, self.order_numbers.suffix()),
            user_id=command.user_id,
            items=items,
            shipping_address=command.shipping_address,
            now=now,
        )
        try:
            await uow.orders.add(order)
        except DuplicateValue as err:
            if err.field != "order_number":
                raise
            # Two orders drew the same number within one second: not a conflict of
            # state, so the whole attempt is rolled back and run again.
            raise Contention("order number collision") from err
        await self._notify(uow, order)
        return order

    async def _notify(self, uow: UnitOfWork, order: Order) -> None:
        try:
            async with uow.savepoint():
                await uow.notifications.add(
                    Notification.create(
                        user_id=order.user_id,
                        message=f"Order {order.order_number} placed",
                        order_id=order.id,
                        now=order.created_at,
                    )
                )
        except DomainError as err:
            log.warning("notification for order %s not stored: %s", order.order_number, err)


class ChangeOrderStatusHandler(Handler[ChangeOrderStatus, Order]):
    """Move an order along; cancelling puts its reserved stock back, exactly once."""

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self.uow = uow
        self.clock = clock

    async def handle(self, command: ChangeOrderStatus) -> Order:
        async with self.uow as uow:
            order = await uow.orders.get(command.order_id, for_update=True)
            if order is None:
                raise NotFound("order", command.order_id)
            now = self.clock.now()
            to_release = order.transition_to(command.status, now)
            if to_release:
                products = await uow.products.get_for_update(
                    [line.product_id for line in to_release]
                )
                # Products on order lines cannot be deleted, so every one is still there.
                by_id = {p.id: p for p in products}
                for line in to_release:
                    by_id[line.product_id].release(line.quantity, now)
            await uow.commit()
        return order


class PayOrderHandler(IdempotentHandler[PayOrder, Payment]):
    """Record a payment of the order's total and confirm it, atomically.

    With an idempotency key, a retry gets the first payment back instead of a 409."""

    scope = "pay_order"

    def __init__(
        self, uow: UnitOfWork, clock: Clock, idempotency_ttl: timedelta = DEFAULT_TTL
    ) -> None:
        self.uow = uow
        self.clock = clock
        self.ttl = idempotency_ttl

    def view(self, result: Payment) -> PaymentView:
        return payment_view(result)

    async def execute(self, uow: UnitOfWork, command: PayOrder) -> Payment:
        order = await uow.orders.get(command.order_id, for_update=True)
        if order is None:
            raise NotFound("order", command.order_id)
        return order.pay(command.method, self.clock.now())
