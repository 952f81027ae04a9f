"""Order-number suffixes are six upper-case hex digits from a secure random source."""

from __future__ import annotations

import re

from adapters.system import RandomOrderNumbers, SystemClock
from domain.ordering.order import OrderNumber


def test_a_suffix_is_six_upper_case_hex_digits():
    numbers = RandomOrderNumbers()
    for _ in range(50):
        assert re.fullmatch(r"[0-9A-F]{6}", numbers.suffix())


def test_a_suffix_makes_a_valid_order_number():
    number = OrderNumber.build(SystemClock().now(), RandomOrderNumbers().suffix())
    assert number.value.startswith("ORD-")


def test_suffixes_vary():
    numbers = RandomOrderNumbers()
    assert len({numbers.suffix() for _ in range(20)}) > 1
