"""Text is trimmed, bounded and of one of two kinds: single-line text has no tab, line break
or control character; multi-line text has no control character but tabs and line breaks.
Every text field of every entity says which kind it is. Slugs are derived from names."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from domain.catalog.category import Category
from domain.catalog.product import Product
from domain.identity.user import User
from domain.notifications.notification import Notification, NotificationKind
from domain.ordering.order import Order, OrderItem, OrderLine, OrderNumber
from domain.shared.errors import InvalidValue
from domain.shared.text import Slug, clean_text, optional_text
from tests.unit.fakes import START

LINE_BREAKS = ["\t", "\n", "\r", "\x85", "\u2028", "\u2029"]


def test_text_is_trimmed():
    assert clean_text("  Books  ", "name", max_length=10, multiline=False) == "Books"


@pytest.mark.parametrize("multiline", [False, True])
@pytest.mark.parametrize("raw", ["", "   ", "a\x00b", "tab\x07bell", "x" * 11])
def test_blank_overlong_or_control_character_text_is_refused(raw, multiline):
    with pytest.raises(InvalidValue) as refused:
        clean_text(raw, "name", max_length=10, multiline=multiline)
    assert refused.value.field == "name"


@pytest.mark.parametrize("character", LINE_BREAKS)
def test_single_line_text_refuses_a_tab_or_line_break_even_at_its_end(character):
    for raw in (f"a{character}b", f"ab{character}"):
        with pytest.raises(InvalidValue) as refused:
            clean_text(raw, "name", max_length=10, multiline=False)
        assert refused.value.field == "name"
        with pytest.raises(InvalidValue):
            optional_text(raw, "name", max_length=10, multiline=False)


def test_multi_line_text_keeps_its_tabs_and_line_breaks():
    text = "first line\r\n\tindented\nlast\u2028line"
    assert clean_text(f" {text}\n", "bio", max_length=50, multiline=True) == text


def test_optional_text_treats_none_and_blank_as_no_value():
    assert optional_text(None, "bio", max_length=5, multiline=True) is None
    assert optional_text("   ", "bio", max_length=5, multiline=True) is None
    assert optional_text(" \n\t ", "bio", max_length=5, multiline=True) is None
    assert optional_text(" hi ", "bio", max_length=5, multiline=True) == "hi"


def test_optional_text_still_refuses_control_characters_and_overlong_text():
    with pytest.raises(InvalidValue):
        optional_text("a\x00", "bio", max_length=5, multiline=True)
    with pytest.raises(InvalidValue):
        optional_text("toolong", "bio", max_length=5, multiline=True)


def _product(**fields: object) -> Product:
    given: dict[str, object] = {"name": "Lamp", "sku": "LAMP-1", "price": Decimal(1), **fields}
    return Product.create(now=START, **given)  # type: ignore[arg-type]


def _user(**fields: object) -> User:
    given: dict[str, object] = {"username": "john", "email": "john@example.com", **fields}
    return User.register(hashed_password="x", now=START, **given)  # type: ignore[arg-type]


def _order(shipping_address: str) -> Order:
    return Order.place(
        order_number=OrderNumber.build(START, "a1b2c3"),
        user_id=1,
        items=[OrderItem.priced(OrderLine(1, 1), Decimal(1))],
        shipping_address=shipping_address,
        now=START,
    )


# Every single-line field of the domain: the field an error names, and a maker of an entity or
# value object with `text` inside that field's value.
SINGLE_LINE_FIELDS: dict[str, tuple[str, Callable[[str], object]]] = {
    "category name": ("name", lambda text: Category.create(name=f"Garden{text}Tools", now=START)),
    "category slug": (
        "slug",
        lambda text: Category.create(name="Garden", slug=f"garden{text}", now=START),
    ),
    "product name": ("name", lambda text: _product(name=f"Desk{text}Lamp")),
    "product slug": ("slug", lambda text: _product(slug=f"lamp{text}")),
    "product sku": ("sku", lambda text: _product(sku=f"LAMP-1{text}")),
    "username": ("username", lambda text: _user(username=f"john{text}")),
    "email": ("email", lambda text: _user(email=f"john@example.com{text}")),
    "full name": ("full_name", lambda text: _user(full_name=f"John{text}Doe")),
    "shipping address": ("shipping_address", lambda text: _order(f"1 Main St{text}Springfield")),
}
# Every multi-line field: long text, where tabs and line breaks belong.
MULTI_LINE_FIELDS: dict[str, Callable[[str], object]] = {
    "category description": lambda text: Category.create(
        name="Garden", description=f"Spades{text}rakes", now=START
    ),
    "product description": lambda text: _product(description=f"Bright{text}lamp"),
    "bio": lambda text: _user(bio=f"Likes{text}lamps"),
    "notification message": lambda text: Notification.create(
        kind=NotificationKind.ORDER_PLACED, user_id=1, message=f"Order{text}placed", now=START
    ),
}


@pytest.mark.parametrize("character", LINE_BREAKS)
@pytest.mark.parametrize("field", SINGLE_LINE_FIELDS)
def test_every_single_line_field_refuses_a_tab_or_line_break_naming_the_field(field, character):
    name, make = SINGLE_LINE_FIELDS[field]
    with pytest.raises(InvalidValue) as refused:
        make(character)
    assert refused.value.field == name


@pytest.mark.parametrize("character", LINE_BREAKS)
@pytest.mark.parametrize("field", MULTI_LINE_FIELDS)
def test_every_multi_line_field_accepts_tabs_and_line_breaks(field, character):
    MULTI_LINE_FIELDS[field](character)


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Home & Garden", "home-garden"),
        ("Café Crème", "cafe-creme"),
        ("  Wireless   Headphones 2 ", "wireless-headphones-2"),
    ],
)
def test_a_slug_is_derived_from_a_name(name, slug):
    assert Slug.from_name(name).value == slug


def test_a_name_without_letters_or_digits_gives_no_slug():
    with pytest.raises(InvalidValue):
        Slug.from_name("!!! ???")


@pytest.mark.parametrize("raw", ["Books", "two--hyphens", "-leading", "trailing-", "sp ace", ""])
def test_slugs_are_lower_case_words_joined_by_single_hyphens(raw):
    with pytest.raises(InvalidValue):
        Slug(raw)


def test_a_slug_is_at_most_200_characters():
    assert Slug("a" * 200).value == "a" * 200
    with pytest.raises(InvalidValue):
        Slug("a" * 201)


def test_a_given_slug_wins_over_the_derived_one():
    assert Slug.given_or_derived("my-books", "Books").value == "my-books"
    assert Slug.given_or_derived(None, "Old Books").value == "old-books"
