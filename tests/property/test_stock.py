"""Stock never goes below zero and is conserved: for every product, what is on the shelf plus
what live (non-cancelled) orders hold equals what was put there, whatever sequence of orders,
cancellations, other moves and stock adjustments runs through the use cases."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable
from decimal import Decimal
from typing import TypeVar

from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from adapters.memory import InMemoryStore, InMemoryUnitOfWork
from adapters.security import Argon2PasswordHasher
from application.catalog.commands import AdjustStock
from application.catalog.handlers import AdjustStockHandler
from application.ordering.commands import ChangeOrderStatus, PlaceOrder
from application.ordering.handlers import ChangeOrderStatusHandler, PlaceOrderHandler
from application.wallet.credit_payments import WalletCreditPayments
from domain.catalog.product import Product
from domain.ordering.order import Order, OrderLine, OrderStatus
from domain.shared.errors import InsufficientStock, InvalidTransition
from tests.support.actors import admin, customer
from tests.support.fakes import CountingOrderNumbers, SteppingClock
from tests.unit.fakes import START
from tests.unit.seeding import Seed, id_of

T = TypeVar("T")
PRODUCTS = 3


@given(
    st.integers(0, 50),
    st.lists(st.tuples(st.booleans(), st.integers(1, 20)), max_size=30),
)
def test_reserving_and_releasing_a_product_never_goes_below_zero(initial, operations):
    product = Product.create(
        name="Pen", sku="PEN", price=Decimal("1.00"), stock_quantity=initial, now=START
    )
    held = 0
    for reserve, quantity in operations:
        if reserve:
            try:
                product.reserve(quantity, START)
                held += quantity
            except InsufficientStock:
                assert quantity > product.stock_quantity
        elif quantity <= held:
            product.release(quantity, START)
            held -= quantity
        assert product.stock_quantity >= 0
        assert product.stock_quantity + held == initial


class StockThroughTheUseCases(RuleBasedStateMachine):
    """Drives the real handlers over the in-memory store (hypothesis rules are synchronous, so
    the coroutines run on one event loop per machine)."""

    def __init__(self) -> None:
        super().__init__()
        # A loop of our own that never becomes the thread's current loop, so the event loop
        # of the async tests is left alone.
        self.runner = asyncio.Runner(loop_factory=asyncio.new_event_loop)
        self.store = InMemoryStore()
        self.clock = SteppingClock(START)
        self.seed = Seed(
            self.store, self.clock, Argon2PasswordHasher.for_tests(), CountingOrderNumbers()
        )
        self.put_in: dict[int, int] = {}
        self.order_ids: list[int] = []

    def run(self, coroutine: Awaitable[T]) -> T:
        async def wrapped() -> T:
            return await coroutine

        return self.runner.run(wrapped())

    def teardown(self) -> None:
        self.runner.close()

    @initialize(stocks=st.lists(st.integers(0, 15), min_size=PRODUCTS, max_size=PRODUCTS))
    def stock_the_shelves(self, stocks: list[int]) -> None:
        self.user_id = id_of(self.run(self.seed.user()))
        for stock in stocks:
            product = self.run(self.seed.product(stock=stock))
            self.put_in[id_of(product)] = stock

    @rule(
        lines=st.lists(
            st.tuples(st.integers(0, PRODUCTS - 1), st.integers(1, 8)), min_size=1, max_size=4
        )
    )
    def place_an_order(self, lines: list[tuple[int, int]]) -> None:
        ids = sorted(self.put_in)
        handler = PlaceOrderHandler(
            InMemoryUnitOfWork(self.store), self.clock, self.seed.order_numbers
        )
        before = self.shelf()
        try:
            order = self.run(
                handler(
                    customer(self.user_id),
                    PlaceOrder(tuple(OrderLine(ids[i], q) for i, q in lines)),
                )
            ).result
        except InsufficientStock:
            assert self.shelf() == before
            return
        self.order_ids.append(id_of(order))

    @precondition(lambda self: bool(self.order_ids))
    @rule(data=st.data(), status=st.sampled_from(list(OrderStatus)))
    def move_an_order(self, data: st.DataObject, status: OrderStatus) -> None:
        order_id = data.draw(st.sampled_from(self.order_ids))
        handler = ChangeOrderStatusHandler(
            InMemoryUnitOfWork(self.store), self.clock, WalletCreditPayments()
        )
        with contextlib.suppress(InvalidTransition):  # refused moves are part of the game
            self.run(handler(admin(), ChangeOrderStatus(order_id, status)))

    # A delta of 0 is refused as no change (tests/unit/domain/catalog).
    @rule(index=st.integers(0, PRODUCTS - 1), delta=st.integers(-10, 10).filter(bool))
    def adjust_the_stock(self, index: int, delta: int) -> None:
        product_id = sorted(self.put_in)[index]
        handler = AdjustStockHandler(InMemoryUnitOfWork(self.store), self.clock)
        try:
            self.run(handler(AdjustStock(product_id, delta)))
        except InsufficientStock:
            return
        self.put_in[product_id] += delta

    def shelf(self) -> dict[int, int]:
        return {pid: self.store.rows(Product)[pid].stock_quantity for pid in self.put_in}

    @invariant()
    def stock_is_never_negative_and_is_conserved(self) -> None:
        held = dict.fromkeys(self.put_in, 0)
        for order in self.store.rows(Order).values():
            if order.status is not OrderStatus.CANCELLED:
                for item in order.items:
                    held[item.product_id] += item.quantity
        for product_id, on_shelf in self.shelf().items():
            assert on_shelf >= 0
            assert on_shelf + held[product_id] == self.put_in[product_id]


StockThroughTheUseCases.TestCase.settings = settings(
    max_examples=40, stateful_step_count=25, deadline=None
)
TestStockThroughTheUseCases = StockThroughTheUseCases.TestCase
