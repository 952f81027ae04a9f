"""Categories: categories have a unique name and slug and form a tree without cycles."""

from __future__ import annotations

import pytest

from domain.catalog.category import Category
from domain.shared.errors import CycleDetected, InvalidValue
from tests.unit.fakes import START


def a_category(name: str = "Home & Garden", category_id: int | None = 5, **kw: object) -> Category:
    category = Category.create(name=name, now=START, **kw)  # type: ignore[arg-type]
    category.id = category_id
    return category


def test_the_slug_is_derived_from_the_name_when_none_is_given():
    assert a_category().slug == "home-garden"


def test_a_given_slug_is_kept():
    assert a_category(slug="garden").slug == "garden"


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_a_blank_or_overlong_name_is_refused(name):
    with pytest.raises(InvalidValue):
        a_category(name=name)


def test_renaming_moves_the_slug_along_unless_one_is_given():
    category = a_category()
    category.rename("Garden Tools")
    assert (category.name, category.slug) == ("Garden Tools", "garden-tools")
    category.rename("Tools", "all-tools")
    assert (category.name, category.slug) == ("Tools", "all-tools")


def test_a_category_cannot_be_its_own_parent():
    category = a_category(category_id=5)
    with pytest.raises(CycleDetected):
        category.move_under(5, [5])
    assert category.parent_id is None


def test_a_category_cannot_move_under_one_of_its_descendants():
    category = a_category(category_id=5)
    # The new parent 9 has ancestors 7 and 5: 5 would become its own ancestor.
    with pytest.raises(CycleDetected):
        category.move_under(9, [9, 7, 5])
    assert category.parent_id is None


def test_a_category_can_move_under_an_unrelated_category_and_back_to_the_root():
    category = a_category(category_id=5)
    category.move_under(9, [9, 7])
    assert category.parent_id == 9
    category.move_under(None, [])
    assert category.parent_id is None
