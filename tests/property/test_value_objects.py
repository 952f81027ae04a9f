"""Value objects round-trip what the domain accepts and refuse, with InvalidValue and nothing
else, what it rejects."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from domain.catalog.product import Sku
from domain.identity.user import Email, PasswordPolicy, Username
from domain.ordering.order import OrderNumber
from domain.shared.errors import InvalidValue
from domain.shared.money import MAX_AMOUNT, to_money
from domain.shared.text import (
    MULTI_LINE_PATTERN,
    SINGLE_LINE_PATTERN,
    Slug,
    clean_text,
)

# Every control character but tab, line feed and carriage return: text of any kind refuses them.
CONTROL_CHARACTERS = frozenset(map(chr, [*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F]))
LOCAL_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.!#$%&*+/=?^_`{|}~-"
label = st.from_regex(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,10}[A-Za-z0-9])?", fullmatch=True)
emails = st.builds(
    lambda local, labels: f"{local}@{'.'.join(labels)}",
    st.text(LOCAL_CHARS, min_size=1, max_size=30),
    st.lists(label, min_size=2, max_size=4),
)


# -- email ---------------------------------------------------------------------------------
@given(emails)
def test_an_email_round_trips_lower_case_whatever_its_case(raw):
    email = Email.parse(f"  {raw.upper()} ")
    assert email == Email.parse(raw.lower())
    assert email.value == raw.lower()
    assert Email(email.value) == email  # the stored form is accepted as it is


@given(emails, st.sampled_from([" ", "@", '"', "\x00", "\n", "é", "(", ","]), st.data())
def test_an_email_with_a_forbidden_character_inside_is_refused(raw, bad, data):
    at = data.draw(st.integers(1, len(raw) - 1))
    with pytest.raises(InvalidValue):
        Email.parse(raw[:at] + bad + raw[at:])


@given(st.text(max_size=300))
def test_any_text_is_an_email_or_invalid_value(raw):
    try:
        email = Email.parse(raw)
    except InvalidValue:
        return
    assert email.value.count("@") == 1
    assert len(email.value) <= Email.MAX_LENGTH
    assert email.value == email.value.lower()


# -- username ------------------------------------------------------------------------------
@given(st.from_regex(r"[A-Za-z0-9_]{3,50}", fullmatch=True))
def test_a_valid_username_is_kept_exactly(name):
    assert Username(name).value == name


@given(st.text(max_size=60))
def test_a_username_is_accepted_only_if_it_is_3_to_50_word_characters(name):
    valid = re.fullmatch(r"[A-Za-z0-9_]{3,50}", name) is not None
    try:
        Username(name)
    except InvalidValue:
        assert not valid
    else:
        assert valid


# -- sku and slug --------------------------------------------------------------------------
skus = st.from_regex(r"[A-Za-z0-9]{1,8}(?:-[A-Za-z0-9]{1,8}){0,5}", fullmatch=True)


@given(skus)
def test_a_sku_is_stored_upper_case_and_round_trips(raw):
    sku = Sku.parse(f" {raw.lower()} ")
    assert sku == Sku.parse(raw.upper())
    assert Sku(sku.value) == sku
    assert sku.value == raw.upper()


@given(st.text(max_size=80))
def test_whatever_sku_is_accepted_is_ascii_upper_case_letters_digits_and_hyphens(raw):
    try:
        sku = Sku.parse(raw)
    except InvalidValue:
        return
    assert re.fullmatch(r"[A-Z0-9]+(-[A-Z0-9]+)*", sku.value)
    assert len(sku.value) <= Sku.MAX_LENGTH


@given(st.text(max_size=300))
def test_a_derived_slug_is_always_valid_and_stable(name):
    try:
        slug = Slug.from_name(name)
    except InvalidValue:
        assert not re.search(r"[A-Za-z0-9]", name)
        return
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug.value)
    assert len(slug.value) <= Slug.MAX_LENGTH
    assert Slug(slug.value) == slug
    assert Slug.from_name(slug.value) == slug


# -- single-line and multi-line text --------------------------------------------------------
# Written out here, apart from domain.shared.text: what breaks or indents a line, and the
# controls no text may hold (C0 but tab, LF and CR; and DEL).
BREAKS_A_LINE = frozenset("\t\n\r\x85\u2028\u2029")


def never_in_text(character: str) -> bool:
    return (ord(character) < 0x20 and character not in "\t\n\r") or character == "\x7f"


def accepted(raw: str, *, multiline: bool) -> bool:
    try:
        clean_text(raw, "field", max_length=1_000, multiline=multiline, min_length=0)
    except InvalidValue:
        return False
    return True


# Around the character under test: text with no control character and no line separator.
plain_text = st.text(st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp")), max_size=20)


@given(st.characters(), plain_text, plain_text)
def test_a_character_is_refused_in_single_line_text_exactly_if_it_breaks_a_line_or_is_a_control(
    character, before, after
):
    refused_in_one_line = never_in_text(character) or character in BREAKS_A_LINE

    assert accepted(before + character + after, multiline=False) is not refused_in_one_line
    assert accepted(before + character + after, multiline=True) is not never_in_text(character)


@given(st.text(max_size=40), st.booleans())
def test_the_published_patterns_accept_exactly_what_the_domain_accepts(raw, multiline):
    pattern = MULTI_LINE_PATTERN if multiline else SINGLE_LINE_PATTERN

    assert accepted(raw, multiline=multiline) is bool(re.fullmatch(pattern, raw))


# -- money ---------------------------------------------------------------------------------
amounts = st.decimals(min_value=-MAX_AMOUNT, max_value=MAX_AMOUNT, places=2)


@given(amounts)
def test_money_round_trips_through_its_text_with_two_places(amount):
    money = to_money(str(amount))
    assert money == amount
    assert money.as_tuple().exponent == -2
    assert to_money(money) == money


@given(amounts, st.integers(1, 9))
def test_a_third_decimal_place_is_refused(amount, extra):
    assume(abs(amount) < MAX_AMOUNT)
    with pytest.raises(InvalidValue):
        to_money(amount + Decimal(extra) / 1000)


@given(st.one_of(st.text(max_size=40), st.decimals(allow_nan=True, allow_infinity=True)))
def test_anything_is_money_or_invalid_value(raw):
    try:
        money = to_money(raw)
    except InvalidValue:
        return
    assert money.is_finite()
    assert abs(money) <= MAX_AMOUNT


# -- password ------------------------------------------------------------------------------
@given(st.text(max_size=120))
def test_the_password_policy_accepts_exactly_what_spec_allows(password):
    allowed = (
        8 <= len(password) <= 100
        and any(c.isupper() for c in password)
        and any(c.isdigit() for c in password)
        and not any(c in CONTROL_CHARACTERS for c in password)
    )
    try:
        PasswordPolicy.check(password)
    except InvalidValue:
        assert not allowed
    else:
        assert allowed


# -- order number --------------------------------------------------------------------------
moments = st.datetimes(
    min_value=datetime(2000, 1, 1),  # hypothesis takes naive bounds and adds the zone
    max_value=datetime(2999, 12, 31),
    timezones=st.builds(
        lambda minutes: timezone(timedelta(minutes=minutes)), st.integers(-14 * 60, 14 * 60)
    ),
)


@given(moments, st.from_regex(r"[0-9a-fA-F]{6}", fullmatch=True))
def test_an_order_number_carries_the_utc_time_and_round_trips(moment, suffix):
    number = OrderNumber.build(moment, suffix)
    assert OrderNumber(number.value) == number
    stamp = moment.astimezone(UTC).strftime("%Y%m%d%H%M%S")
    assert number.value == f"ORD-{stamp}-{suffix.upper()}"


@given(st.text(max_size=40))
def test_text_that_is_not_an_order_number_is_refused(raw):
    assume(not re.fullmatch(r"ORD-\d{14}-[0-9A-F]{6}", raw))
    with pytest.raises(InvalidValue):
        OrderNumber(raw)
