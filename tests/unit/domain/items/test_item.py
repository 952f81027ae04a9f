"""An item: checked on creation and on every edit, versioned, handed over whole."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from domain.items.events import ItemTransferred
from domain.items.item import Item
from domain.shared.errors import InvalidValue, StaleVersion
from tests.unit.fakes import START

LATER = START + timedelta(minutes=5)


def lamp(**fields: object) -> Item:
    item = Item.create(
        name=str(fields.get("name", " Lamp ")),
        owner_id=1,
        price=Decimal(str(fields.get("price", "9.5"))),
        now=START,
        description="Brass\nand glass",
    )
    item.id = 7
    return item


def test_a_new_item_is_checked_and_at_version_1():
    item = lamp()
    assert (item.name, item.price, item.version, item.updated_at) == (
        "Lamp",
        Decimal("9.50"),
        1,
        START,
    )


@pytest.mark.parametrize(
    "fields", [{"name": ""}, {"name": "x" * 201}, {"name": "a\nb"}, {"price": "-0.01"}]
)
def test_a_bad_name_or_price_is_refused(fields):
    with pytest.raises(InvalidValue):
        lamp(**fields)


def test_a_free_item_is_allowed():
    assert lamp(price="0").price == Decimal("0.00")


def test_an_edit_moves_the_version_once_and_only_when_something_changes():
    item = lamp()
    item.revise(LATER, name="Desk lamp", price=Decimal(3))
    assert (item.version, item.updated_at) == (2, LATER)
    item.revise(LATER + timedelta(minutes=1), name="Desk lamp", description="Brass\nand glass")
    assert (item.version, item.updated_at) == (2, LATER)


def test_a_refused_edit_changes_nothing():
    item = lamp()
    with pytest.raises(InvalidValue):
        item.revise(LATER, name="Desk lamp", price=Decimal(-1))
    assert (item.name, item.version) == ("Lamp", 1)


def test_a_stale_version_is_refused():
    item = lamp()
    item.check_version(1)
    with pytest.raises(StaleVersion):
        item.check_version(2)


def test_a_transfer_changes_the_owner_and_the_version_and_says_so():
    item = lamp()
    event = item.transfer_to(2, LATER)
    assert (item.owner_id, item.version, item.updated_at) == (2, 2, LATER)
    assert event == ItemTransferred(
        item_id=7, item_name="Lamp", from_user_id=1, to_user_id=2, occurred_at=LATER
    )


def test_a_transfer_to_the_owner_is_refused_and_changes_nothing():
    item = lamp()
    with pytest.raises(InvalidValue):
        item.transfer_to(1, LATER)
    assert (item.owner_id, item.version) == (1, 1)
