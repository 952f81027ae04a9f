"""Products: products are priced above zero, never oversold, and versioned."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from domain.catalog.product import MAX_STOCK, Product, Sku
from domain.shared.errors import Inactive, InsufficientStock, InvalidValue, StaleVersion
from tests.unit.fakes import START

LATER = START + timedelta(minutes=5)


def a_product(stock: int = 10, **kw: object) -> Product:
    fields: dict[str, object] = {
        "name": "Wireless Headphones",
        "sku": "wh-001",
        "price": Decimal("79.99"),
        "stock_quantity": stock,
        "now": START,
    }
    fields.update(kw)
    product = Product.create(**fields)  # type: ignore[arg-type]
    product.id = 1
    return product


def test_a_sku_is_stored_upper_case():
    assert Sku.parse(" wh-001 ").value == "WH-001"
    assert a_product().sku == "WH-001"


@pytest.mark.parametrize("raw", ["", "WH_001", "WH--1", "-WH", "WH 1", "X" * 65, "ÄB"])
def test_a_sku_is_letters_digits_and_single_hyphens_up_to_64(raw):
    with pytest.raises(InvalidValue) as refused:
        Sku.parse(raw)
    assert refused.value.field == "sku"


def test_a_new_product_derives_its_slug_and_starts_at_version_1():
    product = a_product()
    assert product.slug == "wireless-headphones"
    assert product.version == 1
    assert product.is_active


@pytest.mark.parametrize("price", ["0", "0.00", "-1.00", "1.001"])
def test_the_price_must_be_a_positive_two_place_amount(price):
    with pytest.raises(InvalidValue) as refused:
        a_product(price=Decimal(price))
    assert refused.value.field == "price"


@pytest.mark.parametrize("stock", [-1, MAX_STOCK + 1])
def test_stock_is_between_zero_and_the_column_maximum(stock):
    with pytest.raises(InvalidValue):
        a_product(stock=stock)


@pytest.mark.parametrize("name", ["", "x" * 201])
def test_a_name_is_1_to_200_characters(name):
    with pytest.raises(InvalidValue):
        a_product(name=name)


def test_every_change_bumps_the_version_and_updated_at():
    product = a_product()
    product.reprice(Decimal("69.99"), LATER)
    assert (product.price, product.version, product.updated_at) == (Decimal("69.99"), 2, LATER)
    product.rename("Headphones", LATER)
    product.set_active(False, LATER)
    assert product.version == 4


def test_a_revision_of_several_fields_is_one_change_of_version():
    product = a_product()

    product.revise(LATER, name="Headphones", price=Decimal("59.90"), stock_quantity=7)

    assert (product.name, product.price, product.stock_quantity) == (
        "Headphones",
        Decimal("59.90"),
        7,
    )
    assert (product.version, product.updated_at) == (2, LATER)


def test_a_revision_with_one_refused_value_changes_nothing():
    product = a_product()
    before = (product.name, product.price, product.version, product.updated_at)

    with pytest.raises(InvalidValue):
        product.revise(LATER, name="Headphones", price=Decimal("-1"))

    assert (product.name, product.price, product.version, product.updated_at) == before


def test_a_revision_of_nothing_leaves_the_version_alone():
    product = a_product()

    before = (product.version, product.updated_at)

    product.revise(LATER)

    assert (product.version, product.updated_at) == before


def test_a_stale_version_is_refused():
    product = a_product()
    product.reprice(Decimal("1.00"), LATER)
    with pytest.raises(StaleVersion) as refused:
        product.check_version(1)
    assert (refused.value.expected, refused.value.actual) == (1, 2)
    product.check_version(2)


def test_reserving_takes_stock_out():
    product = a_product(stock=10)
    product.reserve(4, LATER)
    assert product.stock_quantity == 6
    product.reserve(6, LATER)
    assert product.stock_quantity == 0


def test_reserving_more_than_the_stock_is_refused_and_changes_nothing():
    product = a_product(stock=3)
    with pytest.raises(InsufficientStock) as refused:
        product.reserve(4, LATER)
    assert (refused.value.requested, refused.value.available) == (4, 3)
    assert (product.stock_quantity, product.version) == (3, 1)


def test_an_inactive_product_cannot_be_reserved():
    product = a_product(is_active=False)
    with pytest.raises(Inactive):
        product.reserve(1, LATER)
    assert product.stock_quantity == 10


@pytest.mark.parametrize("quantity", [0, -1])
def test_a_reservation_is_for_at_least_one_unit(quantity):
    with pytest.raises(InvalidValue):
        a_product().reserve(quantity, LATER)


def test_releasing_puts_stock_back():
    product = a_product(stock=10)
    product.reserve(4, LATER)
    product.release(4, LATER)
    assert product.stock_quantity == 10


def test_adjusting_stock_adds_or_removes_but_never_goes_below_zero():
    product = a_product(stock=5)
    product.adjust_stock(3, LATER)
    product.adjust_stock(-8, LATER)
    assert product.stock_quantity == 0
    with pytest.raises(InsufficientStock):
        product.adjust_stock(-1, LATER)
    assert product.stock_quantity == 0


def test_adjusting_stock_past_the_column_maximum_is_refused():
    product = a_product(stock=MAX_STOCK)
    with pytest.raises(InvalidValue):
        product.adjust_stock(1, LATER)


def test_a_stock_rise_leaves_room_for_what_cancellable_orders_hold():
    product = a_product(stock=10)
    product.reserve(5, LATER)

    with pytest.raises(InvalidValue) as by_adjustment:
        product.adjust_stock(MAX_STOCK - 5, LATER, reserved=5)
    with pytest.raises(InvalidValue) as by_edit:
        product.revise(LATER, stock_quantity=MAX_STOCK, reserved=5)
    product.adjust_stock(MAX_STOCK - 10, LATER, reserved=5)

    assert by_adjustment.value.field == by_edit.value.field == "stock_quantity"
    assert product.stock_quantity == MAX_STOCK - 5
    product.release(5, LATER)  # the cancel that the rule keeps possible
    assert product.stock_quantity == MAX_STOCK


def test_a_stock_fall_is_allowed_whatever_orders_hold():
    product = a_product(stock=MAX_STOCK)
    product.adjust_stock(-1, LATER, reserved=MAX_STOCK)
    product.revise(LATER, stock_quantity=7, reserved=MAX_STOCK)
    assert product.stock_quantity == 7


def test_a_revision_whose_values_equal_the_current_ones_moves_neither_version_nor_time():
    product = a_product(description="Bright", category_id=3)
    before = (product.version, product.updated_at)

    product.revise(
        LATER,
        name=" Wireless Headphones ",  # the same once trimmed, as every value is stored
        slug=product.slug,
        sku="WH-001",
        price=Decimal("79.990"),
        stock_quantity=10,
        description="Bright",
        is_active=True,
        category_id=3,
    )
    product.set_active(True, LATER)

    assert (product.version, product.updated_at) == before


def test_a_revision_moves_the_version_once_for_the_fields_that_did_change():
    product = a_product()

    product.revise(LATER, name="Wireless Headphones", price=Decimal("59.90"))

    assert (product.price, product.version, product.updated_at) == (Decimal("59.90"), 2, LATER)


def test_a_stock_adjustment_of_zero_is_refused_and_moves_nothing():
    product = a_product(stock=5)

    with pytest.raises(InvalidValue) as refused:
        product.adjust_stock(0, LATER)

    assert (refused.value.field, refused.value.reason) == ("delta", "must not be 0")
    assert (product.stock_quantity, product.version, product.updated_at) == (5, 1, START)
