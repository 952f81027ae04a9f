"""Text is trimmed, bounded and free of control characters; slugs are derived from names."""

from __future__ import annotations

import pytest

from domain.shared.errors import InvalidValue
from domain.shared.text import Slug, clean_text, optional_text


def test_text_is_trimmed():
    assert clean_text("  Books  ", "name", max_length=10) == "Books"


@pytest.mark.parametrize("raw", ["", "   ", "a\x00b", "tab\x07bell", "x" * 11])
def test_blank_overlong_or_control_character_text_is_refused(raw):
    with pytest.raises(InvalidValue) as refused:
        clean_text(raw, "name", max_length=10)
    assert refused.value.field == "name"


def test_optional_text_treats_none_and_blank_as_no_value():
    assert optional_text(None, "bio", max_length=5) is None
    assert optional_text("   ", "bio", max_length=5) is None
    assert optional_text(" hi ", "bio", max_length=5) == "hi"


def test_optional_text_still_refuses_control_characters_and_overlong_text():
    with pytest.raises(InvalidValue):
        optional_text("a\x00", "bio", max_length=5)
    with pytest.raises(InvalidValue):
        optional_text("toolong", "bio", max_length=5)


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
