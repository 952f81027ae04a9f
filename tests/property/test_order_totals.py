"""An order's total is the sum of its lines, each the unit price times the quantity, and
merging duplicate lines never loses or invents a unit."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from domain.ordering.order import Order, OrderItem, OrderLine, OrderNumber, merge_lines
from tests.unit.fakes import START

prices = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2)
requests = st.lists(st.tuples(st.integers(1, 30), st.integers(1, 1_000)), min_size=1, max_size=40)


@given(requests)
def test_merging_lines_keeps_every_unit_once_per_product(raw):
    merged = merge_lines(OrderLine(p, q) for p, q in raw)
    wanted: Counter[int] = Counter()
    for product_id, quantity in raw:
        wanted[product_id] += quantity
    assert {line.product_id: line.quantity for line in merged} == wanted
    assert [line.product_id for line in merged] == sorted(wanted)


@given(requests, st.lists(prices, min_size=31, max_size=31))
def test_the_total_is_the_sum_of_unit_price_times_quantity(raw, price_of):
    lines = merge_lines(OrderLine(p, q) for p, q in raw)
    items = [OrderItem.priced(line, price_of[line.product_id]) for line in lines]
    order = Order.place(
        order_number=OrderNumber.build(START, "000001"), user_id=1, items=items, now=START
    )
    assert all(i.total_price == i.unit_price * i.quantity for i in order.items)
    assert order.total_amount == sum((price_of[p] * q for p, q in raw), Decimal("0.00"))
    assert order.total_amount.as_tuple().exponent == -2
