"""Users: usernames, emails, the password policy, and the user's life."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from domain.identity.user import Email, PasswordPolicy, User, Username
from domain.shared.errors import InsufficientCredits, InvalidValue
from tests.unit.fakes import START


def a_user(**overrides: object) -> User:
    fields: dict[str, object] = {
        "username": "alice",
        "email": "Alice@Example.com",
        "hashed_password": "hash",
        "now": START,
    }
    fields.update(overrides)
    return User.register(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["abc", "a" * 50, "john_doe_42", "ABC"])
def test_usernames_are_3_to_50_letters_digits_or_underscores(name):
    assert Username(name).value == name


@pytest.mark.parametrize("name", ["ab", "a" * 51, "john doe", "jöhn", "john-doe", ""])
def test_other_usernames_are_refused(name):
    with pytest.raises(InvalidValue) as refused:
        Username(name)
    assert refused.value.field == "username"


def test_emails_are_stored_lower_case_so_that_equality_ignores_case():
    assert Email.parse("  John.Doe@Example.COM ") == Email.parse("john.doe@example.com")
    assert Email.parse("John@Example.com").value == "john@example.com"


@pytest.mark.parametrize(
    "raw", ["plain", "a@b", "a@@b.com", "a b@c.com", "@b.com", "a@-b.com", "a@b..com"]
)
def test_invalid_emails_are_refused(raw):
    with pytest.raises(InvalidValue) as refused:
        Email.parse(raw)
    assert refused.value.field == "email"


def test_an_email_built_directly_must_already_be_normalised():
    with pytest.raises(InvalidValue):
        Email("John@example.com")


@pytest.mark.parametrize("password", ["Abcdefg1", "A1" + "x" * 98])
def test_passwords_of_8_to_100_characters_with_an_upper_case_letter_and_a_digit_pass(password):
    assert PasswordPolicy.check(password) == password


@pytest.mark.parametrize(
    "password",
    [
        "Abcdef1",  # 7 characters
        "A1" + "x" * 99,  # 101 characters
        "abcdefg1",  # no upper-case letter
        "Abcdefgh",  # no digit
        "Abcdefg1\x00",  # NUL
    ],
)
def test_passwords_that_break_the_policy_are_refused(password):
    with pytest.raises(InvalidValue) as refused:
        PasswordPolicy.check(password)
    assert refused.value.field == "password"


def test_the_password_policy_names_every_rule_a_password_breaks_at_once():
    with pytest.raises(InvalidValue) as refused:
        PasswordPolicy.check("short")
    assert refused.value.reason == (
        "must be 8-100 characters long; needs an upper-case letter; needs a digit"
    )
    assert PasswordPolicy.broken_rules("Abcdefg1\x01") == ("must not contain control characters",)


def test_a_new_user_is_active_not_a_superuser_and_has_no_credits():
    user = a_user(full_name="  Alice A.  ", bio="   ")
    assert user.is_active
    assert not user.is_superuser
    assert user.credits == Decimal("0.00")
    assert user.email == "alice@example.com"
    assert user.full_name == "Alice A."
    assert user.bio is None
    assert user.created_at == user.updated_at == START
    assert user.id is None


def test_a_full_name_over_100_or_a_bio_over_1000_characters_is_refused():
    with pytest.raises(InvalidValue):
        a_user(full_name="x" * 101)
    with pytest.raises(InvalidValue):
        a_user(bio="x" * 1001)


def test_every_change_moves_updated_at():
    user = a_user()
    later = START + timedelta(hours=1)
    user.change_username("alice_2", later)
    assert (user.username, user.updated_at) == ("alice_2", later)
    user.change_email("NEW@example.com", later + timedelta(hours=1))
    assert user.email == "new@example.com"
    assert user.updated_at == later + timedelta(hours=1)


def test_changing_to_an_invalid_username_or_email_is_refused():
    user = a_user()
    with pytest.raises(InvalidValue):
        user.change_username("x", START)
    with pytest.raises(InvalidValue):
        user.change_email("not-an-email", START)
    assert (user.username, user.email) == ("alice", "alice@example.com")


def test_deactivating_a_user_keeps_it_but_inactive():
    user = a_user()
    user.deactivate(START + timedelta(days=1))
    assert not user.is_active
    assert user.updated_at == START + timedelta(days=1)


def test_credits_never_go_below_zero():
    user = a_user()
    user.credit(Decimal("10.00"), START)
    user.debit(Decimal("4.50"), START)
    assert user.credits == Decimal("5.50")
    with pytest.raises(InsufficientCredits):
        user.debit(Decimal("5.51"), START)
    assert user.credits == Decimal("5.50")


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("-1.00"), Decimal("0.001")])
def test_credit_movements_are_positive_two_place_amounts(amount):
    user = a_user()
    with pytest.raises(InvalidValue):
        user.credit(amount, START)
    with pytest.raises(InvalidValue):
        user.debit(amount, START)


def test_an_edit_whose_values_equal_the_current_ones_keeps_updated_at():
    user = a_user(full_name="Alice A.", bio="Hi")

    user.revise(
        START + timedelta(hours=1),
        username="alice",
        email="ALICE@example.com",
        full_name=" Alice A. ",
        bio="Hi",
        is_active=True,
    )

    assert user.updated_at == START
