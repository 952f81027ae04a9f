"""Orders: order numbers, lines and totals, the status machine, payments."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from domain.ordering.order import (
    MAX_LINES,
    Order,
    OrderItem,
    OrderLine,
    OrderNumber,
    OrderStatus,
    PaymentMethod,
    merge_lines,
)
from domain.shared.errors import InvalidTransition, InvalidValue
from tests.unit.fakes import START

LATER = START + timedelta(hours=1)
P, C, S, D, X = (
    OrderStatus.PENDING,
    OrderStatus.CONFIRMED,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
    OrderStatus.CANCELLED,
)
# The status machine as the API documents it, written out independently of ALLOWED_TRANSITIONS.
LEGAL = {(P, C), (P, X), (C, S), (C, X), (S, D)}


def an_order(status: OrderStatus = P) -> Order:
    order = Order.place(
        order_number=OrderNumber.build(START, "a1b2c3"),
        user_id=1,
        items=[
            OrderItem.priced(OrderLine(1, 2), Decimal("10.00")),
            OrderItem.priced(OrderLine(2, 1), Decimal("5.50")),
        ],
        now=START,
    )
    order.status = status
    return order


def test_an_order_number_is_ord_utc_timestamp_and_six_upper_case_hex_digits():
    assert OrderNumber.build(START, "a1b2c3").value == "ORD-20260115120000-A1B2C3"


def test_an_order_number_needs_an_aware_time():
    with pytest.raises(InvalidValue):
        OrderNumber.build(datetime(2026, 1, 1, 12, 0), "A1B2C3")


@pytest.mark.parametrize(
    "raw", ["ORD-2026011512000-A1B2C3", "ORD-20260115120000-A1B2C", "ord-20260115120000-A1B2C3"]
)
def test_malformed_order_numbers_are_refused(raw):
    with pytest.raises(InvalidValue):
        OrderNumber(raw)


@pytest.mark.parametrize("quantity", [0, -3, 2_147_483_648])
def test_a_line_orders_1_to_the_column_maximum_units(quantity):
    with pytest.raises(InvalidValue):
        OrderLine(1, quantity)


def test_lines_naming_the_same_product_are_merged_in_product_order():
    merged = merge_lines([OrderLine(3, 1), OrderLine(1, 2), OrderLine(3, 4)])
    assert merged == (OrderLine(1, 2), OrderLine(3, 5))


def test_an_order_needs_at_least_one_line_and_at_most_100_products():
    with pytest.raises(InvalidValue):
        merge_lines([])
    merge_lines([OrderLine(i, 1) for i in range(1, MAX_LINES + 1)])
    with pytest.raises(InvalidValue):
        merge_lines([OrderLine(i, 1) for i in range(1, MAX_LINES + 2)])


def test_an_item_is_priced_at_unit_price_times_quantity():
    item = OrderItem.priced(OrderLine(1, 3), Decimal("19.99"))
    assert (item.unit_price, item.total_price) == (Decimal("19.99"), Decimal("59.97"))


def test_a_placed_order_is_pending_and_totals_its_lines():
    order = an_order()
    assert order.status is P
    assert order.total_amount == Decimal("25.50")
    assert order.created_at == order.updated_at == START


def test_an_order_without_items_or_with_a_product_twice_is_refused():
    number = OrderNumber.build(START, "000001")
    with pytest.raises(InvalidValue):
        Order.place(order_number=number, user_id=1, items=[], now=START)
    twice = [OrderItem.priced(OrderLine(1, 1), Decimal("1.00")) for _ in range(2)]
    with pytest.raises(InvalidValue):
        Order.place(order_number=number, user_id=1, items=twice, now=START)


@pytest.mark.parametrize(("current", "target"), sorted(LEGAL))
def test_every_allowed_move_of_the_status_machine_is_made(current, target):
    order = an_order(current)
    order.transition_to(target, LATER)
    assert (order.status, order.updated_at) == (target, LATER)


@pytest.mark.parametrize(
    ("current", "target"),
    [(a, b) for a in OrderStatus for b in OrderStatus if (a, b) not in LEGAL],
)
def test_every_other_move_is_refused_and_changes_nothing(current, target):
    order = an_order(current)
    with pytest.raises(InvalidTransition):
        order.transition_to(target, LATER)
    assert (order.status, order.updated_at) == (current, START)


@pytest.mark.parametrize("status", list(OrderStatus))
def test_moving_to_the_current_status_is_refused(status):
    with pytest.raises(InvalidTransition):
        an_order(status).transition_to(status, LATER)


def test_cancelling_a_shipped_order_is_refused():
    with pytest.raises(InvalidTransition):
        an_order(S).transition_to(X, LATER)


@pytest.mark.parametrize("status", [P, C])
def test_cancelling_hands_back_the_lines_to_release(status):
    order = an_order(status)
    assert order.transition_to(X, LATER) == (OrderLine(1, 2), OrderLine(2, 1))


def test_cancelling_twice_is_refused_so_stock_is_released_once():
    order = an_order()
    order.transition_to(X, LATER)
    with pytest.raises(InvalidTransition):
        order.transition_to(X, LATER)


def test_other_moves_release_nothing():
    order = an_order()
    assert order.transition_to(C, LATER) == ()


def test_paying_a_pending_order_records_its_total_and_confirms_it():
    order = an_order()
    payment = order.pay(PaymentMethod.CARD, LATER)
    assert (payment.amount, payment.method, payment.created_at) == (
        Decimal("25.50"),
        PaymentMethod.CARD,
        LATER,
    )
    assert order.payments == [payment]
    assert order.status is C


@pytest.mark.parametrize("status", [C, S, D, X])
def test_paying_an_order_that_is_not_pending_is_refused(status):
    order = an_order(status)
    with pytest.raises(InvalidTransition):
        order.pay(PaymentMethod.CARD, LATER)
    assert (order.payments, order.status) == ([], status)


def test_paying_a_confirmed_order_says_only_pending_orders_can_be_paid():
    with pytest.raises(InvalidTransition) as refused:
        an_order(C).pay(PaymentMethod.CARD, LATER)
    assert str(refused.value) == "only pending orders can be paid; this order is confirmed"
    assert "paid" not in (refused.value.current, refused.value.target)  # "paid" is no status
