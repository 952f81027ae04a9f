"""Whatever moves are attempted, in whatever order, an order only ever follows the status
machine, final states stay final, and stock is handed back at most once."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from domain.ordering.order import (
    Order,
    OrderItem,
    OrderLine,
    OrderNumber,
    OrderStatus,
    PaymentMethod,
)
from domain.shared.errors import InvalidTransition
from tests.unit.fakes import START

P, C, S, D, X = (
    OrderStatus.PENDING,
    OrderStatus.CONFIRMED,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
    OrderStatus.CANCELLED,
)
LEGAL = {(P, C), (P, X), (C, S), (C, X), (S, D)}
FINAL = {D, X}
PAY = "pay"

attempts = st.lists(st.sampled_from([*OrderStatus, PAY]), max_size=25)


def a_placed_order() -> Order:
    return Order.place(
        order_number=OrderNumber.build(START, "ABCDEF"),
        user_id=1,
        items=[OrderItem.priced(OrderLine(1, 2), Decimal("3.00"))],
        now=START,
    )


@given(attempts)
def test_random_moves_never_leave_the_status_machine(moves):
    order = a_placed_order()
    visited = [order.status]
    releases = 0
    for step, move in enumerate(moves, start=1):
        before = order.status
        now = START + timedelta(minutes=step)
        target = C if move == PAY else move
        try:
            if move == PAY:
                order.pay(PaymentMethod.CARD, now)
                released: tuple[OrderLine, ...] = ()
            else:
                released = order.transition_to(move, now)
        except InvalidTransition:
            assert order.status is before
            assert (before, target) not in LEGAL or move == PAY
            continue
        assert (before, target) in LEGAL
        assert move != PAY or before is P
        releases += bool(released)
        assert bool(released) == (target is X)
        visited.append(order.status)

    assert all(a in FINAL or (a, b) in LEGAL for a, b in pairwise(visited))
    assert all(state not in FINAL for state in visited[:-1])  # a final state is the last one
    assert releases <= 1
    assert len(order.payments) <= 1
    assert all(p.amount == order.total_amount for p in order.payments)


@given(st.sampled_from(sorted(FINAL)), st.lists(st.sampled_from(list(OrderStatus)), max_size=10))
def test_final_states_stay_final(final, moves):
    order = a_placed_order()
    order.transition_to(C if final is D else X, START)
    if final is D:
        order.transition_to(S, START)
        order.transition_to(D, START)
    for move in moves:
        try:
            order.transition_to(move, START)
        except InvalidTransition:
            continue
        raise AssertionError(f"{final} moved to {move}")
    assert order.status is final
