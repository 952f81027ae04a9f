"""Order use cases: placing (all or nothing), moving along the status machine, paying."""

from __future__ import annotations

from decimal import Decimal

import pytest

from adapters.memory import (
    InMemoryNotificationRepository,
    InMemoryOrderQueries,
    InMemoryStore,
    InMemoryUnitOfWork,
    InMemoryUserQueries,
)
from application.catalog.commands import UpdateProduct
from application.catalog.handlers import UpdateProductHandler
from application.ordering.commands import ChangeOrderStatus, PayOrder, PlaceOrder
from application.ordering.handlers import (
    ChangeOrderStatusHandler,
    PayOrderHandler,
    PlaceOrderHandler,
)
from application.ordering.queries import ORDER_LIST
from application.ordering.reads import OrderReads
from application.shared.access import Forbidden
from application.shared.idempotency.request import IdempotentRequest
from application.shared.ports import OrderNumbers
from application.wallet.credit_payments import WalletCreditPayments
from domain.catalog.product import Product
from domain.notifications.notification import Notification, NotificationKind
from domain.ordering.order import Order, OrderLine, OrderStatus, PaymentMethod
from domain.shared.errors import (
    Inactive,
    InsufficientStock,
    InvalidTransition,
    InvalidValue,
    NotFound,
)
from tests.support.actors import admin, customer
from tests.unit.fakes import START
from tests.unit.seeding import Seed, id_of

P, C, S, D, X = (
    OrderStatus.PENDING,
    OrderStatus.CONFIRMED,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
    OrderStatus.CANCELLED,
)


@pytest.fixture
def place(uow, clock, order_numbers) -> PlaceOrderHandler:
    return PlaceOrderHandler(uow, clock, order_numbers)


@pytest.fixture
def change_status(uow, clock) -> ChangeOrderStatusHandler:
    return ChangeOrderStatusHandler(uow, clock, WalletCreditPayments())


@pytest.fixture
def pay(uow, clock) -> PayOrderHandler:
    return PayOrderHandler(uow, clock, WalletCreditPayments())


def placing(
    *lines: tuple[int, int], address: str | None = None, user_id: int | None = None
) -> PlaceOrder:
    """An order of the caller's own, unless it names a user."""
    return PlaceOrder(tuple(OrderLine(p, q) for p, q in lines), user_id, address)


def stock(store: InMemoryStore, *product_ids: int) -> list[int]:
    return [store.rows(Product)[p].stock_quantity for p in product_ids]


async def move(seed: Seed, order_id: int, *path: OrderStatus) -> None:
    for status in path:
        handler = ChangeOrderStatusHandler(
            InMemoryUnitOfWork(seed.store), seed.clock, WalletCreditPayments()
        )
        await handler(admin(), ChangeOrderStatus(order_id, status))


# -- placing -----------------------------------------------------------------------------
async def test_placing_an_order_reserves_stock_and_stores_the_order(place, seed, store):
    user = await seed.user()
    pen = await seed.product(price="1.50", stock=10)
    ink = await seed.product(price="4.25", stock=3)
    order = (
        await place(
            customer(id_of(user)), placing((id_of(pen), 4), (id_of(ink), 3), address=" Home ")
        )
    ).result

    assert stock(store, id_of(pen), id_of(ink)) == [6, 0]
    saved = store.rows(Order)[id_of(order)]
    assert saved.status is P
    assert saved.order_number == "ORD-20260115120000-000001"
    assert saved.shipping_address == "Home"
    assert [(i.product_id, i.quantity, i.unit_price, i.total_price) for i in saved.items] == [
        (pen.id, 4, Decimal("1.50"), Decimal("6.00")),
        (ink.id, 3, Decimal("4.25"), Decimal("12.75")),
    ]
    assert saved.total_amount == Decimal("18.75")
    assert all(item.id is not None for item in saved.items)


async def test_the_same_product_twice_in_one_order_is_merged_into_one_line(place, seed, store):
    user = await seed.user()
    pen = await seed.product(stock=10)
    order = (await place(customer(id_of(user)), placing((id_of(pen), 2), (id_of(pen), 3)))).result
    assert [(i.product_id, i.quantity) for i in store.rows(Order)[id_of(order)].items] == [
        (pen.id, 5)
    ]
    assert stock(store, id_of(pen)) == [5]


async def test_the_unit_price_is_the_price_when_ordered(place, seed, store):
    user = await seed.user()
    pen = await seed.product(price="2.00")
    order = (await place(customer(id_of(user)), placing((id_of(pen), 1)))).result
    reprice = UpdateProductHandler(InMemoryUnitOfWork(store), seed.clock)
    await reprice(
        UpdateProduct(id_of(pen), store.rows(Product)[id_of(pen)].version, price=Decimal(3))
    )
    assert store.rows(Order)[id_of(order)].items[0].unit_price == Decimal("2.00")


async def test_an_unknown_user_is_refused_and_nothing_is_left_behind(place, seed, store):
    pen = await seed.product(stock=10)
    with pytest.raises(NotFound):
        await place(admin(), placing((id_of(pen), 1), user_id=404))
    assert stock(store, id_of(pen)) == [10]
    assert store.rows(Order) == {}


async def test_an_inactive_user_is_refused_and_nothing_is_left_behind(place, seed, store):
    user = await seed.user(active=False)
    pen = await seed.product(stock=10)
    with pytest.raises(Inactive):
        await place(customer(id_of(user)), placing((id_of(pen), 1)))
    assert stock(store, id_of(pen)) == [10]
    assert store.rows(Order) == {}


async def test_an_unknown_product_is_refused_and_nothing_is_left_behind(place, seed, store):
    user = await seed.user()
    pen = await seed.product(stock=10)
    with pytest.raises(NotFound):
        await place(customer(id_of(user)), placing((id_of(pen), 2), (999, 1)))
    assert stock(store, id_of(pen)) == [10]
    assert store.rows(Order) == {}


async def test_an_inactive_product_is_refused_and_nothing_is_left_behind(place, seed, store):
    user = await seed.user()
    pen = await seed.product(stock=10)
    old = await seed.product(stock=10, active=False)
    with pytest.raises(Inactive):
        await place(customer(id_of(user)), placing((id_of(pen), 2), (id_of(old), 1)))
    assert stock(store, id_of(pen), id_of(old)) == [10, 10]
    assert store.rows(Order) == {}


async def test_insufficient_stock_is_refused_and_nothing_is_left_behind(place, seed, store):
    user = await seed.user()
    pen = await seed.product(stock=10)
    ink = await seed.product(stock=2)
    with pytest.raises(InsufficientStock):
        await place(customer(id_of(user)), placing((id_of(pen), 5), (id_of(ink), 3)))
    assert stock(store, id_of(pen), id_of(ink)) == [10, 2]
    assert store.rows(Order) == {}
    assert store.rows(Notification) == {}


async def test_ordering_the_whole_stock_is_allowed(place, seed, store):
    user = await seed.user()
    pen = await seed.product(stock=2)
    await place(customer(id_of(user)), placing((id_of(pen), 1), (id_of(pen), 1)))
    assert stock(store, id_of(pen)) == [0]


async def test_an_order_without_lines_is_refused(place, seed):
    user = await seed.user()
    with pytest.raises(InvalidValue):
        await place(customer(id_of(user)), placing())


async def test_placing_an_order_notifies_the_user(place, seed, store):
    user = await seed.user()
    pen = await seed.product()
    order = (await place(customer(id_of(user)), placing((id_of(pen), 1)))).result
    [note] = store.rows(Notification).values()
    assert (note.user_id, note.kind, note.reference_id, note.created_at) == (
        user.id,
        NotificationKind.ORDER_PLACED,
        order.id,
        START,
    )
    assert order.order_number in note.message


class ScriptedOrderNumbers(OrderNumbers):
    def __init__(self, *suffixes: str) -> None:
        self.suffixes = list(suffixes)

    def suffix(self) -> str:
        return self.suffixes.pop(0)


async def test_an_order_number_collision_is_retried_with_a_new_number(seed, store, clock):
    user = await seed.user()
    pen = await seed.product(stock=10)
    numbers = ScriptedOrderNumbers("AAAAAA", "AAAAAA", "BBBBBB")
    place = PlaceOrderHandler(InMemoryUnitOfWork(store), clock, numbers)
    first = (await place(customer(id_of(user)), placing((id_of(pen), 1)))).result
    second = (await place(customer(id_of(user)), placing((id_of(pen), 2)))).result
    assert (first.order_number[-6:], second.order_number[-6:]) == ("AAAAAA", "BBBBBB")
    assert len(store.rows(Order)) == 2
    assert stock(store, id_of(pen)) == [7]  # the collided attempt reserved nothing


class BrokenNotifications(InMemoryNotificationRepository):
    """Stores the notification, then fails: the savepoint must take the write back."""

    async def add(self, notification: Notification) -> None:
        await super().add(notification)
        raise InvalidValue("message", "the notification store refused it")


class UnitOfWorkWithBrokenNotifications(InMemoryUnitOfWork):
    def __init__(self, store: InMemoryStore) -> None:
        super().__init__(store)
        self.notifications = BrokenNotifications(self.transaction)


async def test_a_failing_notification_leaves_the_order_standing(seed, store, clock, order_numbers):
    user = await seed.user()
    pen = await seed.product(stock=10)
    place = PlaceOrderHandler(UnitOfWorkWithBrokenNotifications(store), clock, order_numbers)
    order = (await place(customer(id_of(user)), placing((id_of(pen), 3)))).result
    assert id_of(order) in store.rows(Order)
    assert stock(store, id_of(pen)) == [7]
    assert store.rows(Notification) == {}


# -- status ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "target"),
    [((), C), ((), X), ((C,), S), ((C,), X), ((C, S), D)],
)
async def test_an_order_moves_along_every_allowed_transition(
    change_status, seed, store, clock, path, target
):
    user = await seed.user()
    pen = await seed.product()
    order = await seed.order(id_of(user), (id_of(pen), 1))
    await move(seed, id_of(order), *path)
    later = clock.advance(hours=1)
    await change_status(admin(), ChangeOrderStatus(id_of(order), target))
    saved = store.rows(Order)[id_of(order)]
    assert (saved.status, saved.updated_at) == (target, later)


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ((), P),
        ((), S),
        ((), D),
        ((C,), C),
        ((C,), P),
        ((C,), D),
        ((C, S), X),
        ((C, S), S),
        ((C, S, D), X),
        ((C, S, D), D),
        ((X,), P),
        ((X,), C),
    ],
)
async def test_a_move_the_machine_lacks_is_refused_and_changes_nothing(
    change_status, seed, store, path, target
):
    user = await seed.user()
    pen = await seed.product(stock=5)
    order = await seed.order(id_of(user), (id_of(pen), 2))
    await move(seed, id_of(order), *path)
    before = (store.rows(Order)[id_of(order)].status, stock(store, id_of(pen)))
    with pytest.raises(InvalidTransition):
        await change_status(admin(), ChangeOrderStatus(id_of(order), target))
    assert (store.rows(Order)[id_of(order)].status, stock(store, id_of(pen))) == before


@pytest.mark.parametrize("path", [(), (C,)])
async def test_cancelling_restores_the_reserved_stock(change_status, seed, store, path):
    user = await seed.user()
    pen = await seed.product(stock=10)
    ink = await seed.product(stock=4)
    order = await seed.order(id_of(user), (id_of(pen), 3), (id_of(ink), 4))
    await move(seed, id_of(order), *path)
    await change_status(admin(), ChangeOrderStatus(id_of(order), X))
    assert stock(store, id_of(pen), id_of(ink)) == [10, 4]


async def test_cancelling_twice_is_refused_and_restores_stock_only_once(change_status, seed, store):
    user = await seed.user()
    pen = await seed.product(stock=10)
    order = await seed.order(id_of(user), (id_of(pen), 3))
    await change_status(admin(), ChangeOrderStatus(id_of(order), X))
    with pytest.raises(InvalidTransition):
        await change_status(admin(), ChangeOrderStatus(id_of(order), X))
    assert stock(store, id_of(pen)) == [10]


async def test_moving_an_unknown_order_is_not_found(change_status):
    with pytest.raises(NotFound):
        await change_status(admin(), ChangeOrderStatus(12, C))


# -- paying ------------------------------------------------------------------------------
async def test_paying_records_a_payment_of_the_total_and_confirms_the_order(
    pay, seed, store, clock
):
    user = await seed.user()
    pen = await seed.product(price="2.50")
    order = await seed.order(id_of(user), (id_of(pen), 4))
    later = clock.advance(minutes=3)
    payment = (
        await pay(customer(id_of(user)), PayOrder(id_of(order), PaymentMethod.BANK_TRANSFER))
    ).result
    saved = store.rows(Order)[id_of(order)]
    assert saved.status is C
    [stored_payment] = saved.payments
    assert payment.id is not None
    assert (stored_payment.id, stored_payment.amount, stored_payment.method) == (
        payment.id,
        Decimal("10.00"),
        PaymentMethod.BANK_TRANSFER,
    )
    assert stored_payment.created_at == later


@pytest.mark.parametrize("path", [(C,), (X,), (C, S)])
async def test_paying_an_order_that_is_not_pending_is_refused(pay, seed, store, path):
    user = await seed.user()
    pen = await seed.product()
    order = await seed.order(id_of(user), (id_of(pen), 1))
    await move(seed, id_of(order), *path)
    with pytest.raises(InvalidTransition):
        await pay(customer(id_of(user)), PayOrder(id_of(order), PaymentMethod.CARD))
    saved = store.rows(Order)[id_of(order)]
    assert (saved.status, saved.payments) == (path[-1], [])


async def test_paying_twice_is_refused(pay, seed, store):
    user = await seed.user()
    pen = await seed.product()
    order = await seed.order(id_of(user), (id_of(pen), 1))
    await pay(customer(id_of(user)), PayOrder(id_of(order), PaymentMethod.CARD))
    with pytest.raises(InvalidTransition):
        await pay(customer(id_of(user)), PayOrder(id_of(order), PaymentMethod.CARD))
    assert len(store.rows(Order)[id_of(order)].payments) == 1


async def test_paying_an_unknown_order_is_not_found(pay):
    with pytest.raises(NotFound):
        await pay(admin(), PayOrder(3, PaymentMethod.CASH_ON_DELIVERY))


# -- who may ---------------------------------------------------------------------------------
async def test_an_order_without_a_user_is_the_callers(place, seed, store):
    ann = await seed.user()
    pen = await seed.product()

    order = (await place(customer(id_of(ann)), placing((id_of(pen), 1)))).result

    assert store.rows(Order)[id_of(order)].user_id == ann.id


async def test_a_customer_may_name_themself_but_not_another_user(place, seed, store):
    ann, bob = await seed.user(), await seed.user()
    pen = await seed.product(stock=10)

    await place(customer(id_of(ann)), placing((id_of(pen), 1), user_id=id_of(ann)))
    with pytest.raises(Forbidden):
        await place(customer(id_of(ann)), placing((id_of(pen), 2), user_id=id_of(bob)))

    assert [o.user_id for o in store.rows(Order).values()] == [ann.id]
    assert stock(store, id_of(pen)) == [9]


async def test_an_admin_places_an_order_for_anyone(place, seed, store):
    ann = await seed.user()
    pen = await seed.product()

    order = (await place(admin(), placing((id_of(pen), 1), user_id=id_of(ann)))).result

    assert store.rows(Order)[id_of(order)].user_id == ann.id


async def test_a_customer_paying_another_customers_order_finds_no_order(pay, seed, store):
    ann, bob = await seed.user(), await seed.user()
    pen = await seed.product()
    order = await seed.order(id_of(bob), (id_of(pen), 1))

    with pytest.raises(NotFound) as refused:
        await pay(customer(id_of(ann)), PayOrder(id_of(order), PaymentMethod.CARD))

    assert refused.value.entity == "order"
    saved = store.rows(Order)[id_of(order)]
    assert (saved.status, saved.payments) == (P, [])


async def test_an_admin_pays_anyones_order(pay, seed, store):
    bob = await seed.user()
    pen = await seed.product()
    order = await seed.order(id_of(bob), (id_of(pen), 1))

    await pay(admin(), PayOrder(id_of(order), PaymentMethod.CARD))

    assert store.rows(Order)[id_of(order)].status is C


async def test_a_customer_cancels_their_own_pending_order(change_status, seed, store):
    ann = await seed.user()
    pen = await seed.product(stock=10)
    order = await seed.order(id_of(ann), (id_of(pen), 4))

    await change_status(customer(id_of(ann)), ChangeOrderStatus(id_of(order), X))

    assert store.rows(Order)[id_of(order)].status is X
    assert stock(store, id_of(pen)) == [10]


@pytest.mark.parametrize(
    ("path", "target"),
    [((), C), ((C,), X), ((C,), S), ((C, S), D)],
    ids=["confirm", "cancel-confirmed", "ship", "deliver"],
)
async def test_every_other_move_is_an_admins(change_status, seed, store, path, target):
    ann = await seed.user()
    pen = await seed.product(stock=10)
    order = await seed.order(id_of(ann), (id_of(pen), 4))
    await move(seed, id_of(order), *path)
    before = store.rows(Order)[id_of(order)].status

    with pytest.raises(Forbidden):
        await change_status(customer(id_of(ann)), ChangeOrderStatus(id_of(order), target))

    assert store.rows(Order)[id_of(order)].status is before
    assert stock(store, id_of(pen)) == [6]


async def test_a_customer_cancelling_another_customers_order_finds_no_order(
    change_status, seed, store
):
    ann, bob = await seed.user(), await seed.user()
    pen = await seed.product(stock=10)
    order = await seed.order(id_of(bob), (id_of(pen), 4))

    with pytest.raises(NotFound):
        await change_status(customer(id_of(ann)), ChangeOrderStatus(id_of(order), X))

    assert store.rows(Order)[id_of(order)].status is P
    assert stock(store, id_of(pen)) == [6]


async def test_one_customers_idempotency_key_never_replays_another_customers_order(
    uow, clock, order_numbers, seed, store
):
    ann, bob = await seed.user(), await seed.user()
    pen = await seed.product(stock=10)
    place = PlaceOrderHandler(uow, clock, order_numbers)
    # The same key and the same request, as two clients might well send.
    key = IdempotentRequest(key="order-1", fingerprint="same-body", status_code=201)
    command = PlaceOrder((OrderLine(id_of(pen), 1),), idempotency=key)

    anns = await place(customer(id_of(ann)), command)
    bobs = await place(customer(id_of(bob)), command)
    anns_retry = await place(customer(id_of(ann)), command)

    assert (anns.replayed, bobs.replayed, anns_retry.replayed) == (False, False, True)
    assert anns_retry.body == anns.body
    assert sorted(o.user_id for o in store.rows(Order).values()) == sorted([ann.id, bob.id])
    assert stock(store, id_of(pen)) == [8]


# -- reading orders --------------------------------------------------------------------------
@pytest.fixture
def reads(store) -> OrderReads:
    return OrderReads(InMemoryOrderQueries(store), InMemoryUserQueries(store))


async def test_a_customer_reads_their_own_orders_and_no_one_elses(reads, seed):
    ann, bob = await seed.user(), await seed.user()
    pen = await seed.product()
    mine = await seed.order(id_of(ann), (id_of(pen), 1))
    theirs = await seed.order(id_of(bob), (id_of(pen), 2))
    as_ann = customer(id_of(ann))

    assert (await reads.get(as_ann, id_of(mine))).id == mine.id
    assert (await reads.details(as_ann, id_of(mine))).user.id == ann.id
    for read in (reads.get, reads.details):
        with pytest.raises(NotFound) as refused:
            await read(as_ann, id_of(theirs))
        assert refused.value.detail == NotFound("order", id_of(theirs)).detail
    with pytest.raises(NotFound):
        await reads.get(as_ann, 999)


async def test_a_customers_list_of_orders_is_their_own(reads, seed):
    ann, bob = await seed.user(), await seed.user()
    pen = await seed.product()
    mine = await seed.order(id_of(ann), (id_of(pen), 1))
    await seed.order(id_of(bob), (id_of(pen), 2))

    page = await reads.list(customer(id_of(ann)), ORDER_LIST.query())
    everything = await reads.list(admin(), ORDER_LIST.query())
    # A filter of the customer's own naming another user narrows to nothing, not to theirs.
    sneaky = await reads.list(customer(id_of(ann)), ORDER_LIST.query([("user_id", str(bob.id))]))

    assert ([o.id for o in page.items], page.total) == ([mine.id], 1)
    assert everything.total == 2
    assert (sneaky.items, sneaky.total) == ([], 0)


async def test_one_users_orders_are_theirs_to_read_or_an_admins(reads, seed):
    ann, bob = await seed.user(), await seed.user()
    pen = await seed.product()
    await seed.order(id_of(ann), (id_of(pen), 1))
    theirs = await seed.order(id_of(bob), (id_of(pen), 2))

    with pytest.raises(NotFound) as refused:
        await reads.of_user(customer(id_of(ann)), id_of(bob), ORDER_LIST.query())
    assert refused.value.entity == "user"
    bobs = await reads.of_user(customer(id_of(bob)), id_of(bob), ORDER_LIST.query())
    assert [o.id for o in bobs.items] == [theirs.id]
    assert (await reads.of_user(admin(), id_of(bob), ORDER_LIST.query())).total == 1
    with pytest.raises(NotFound):
        await reads.of_user(admin(), 999, ORDER_LIST.query())
