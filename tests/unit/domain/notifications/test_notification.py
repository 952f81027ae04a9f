"""A notification is a short message kept for a user, of a kind, read once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.notifications.notification import Notification, NotificationKind
from domain.shared.errors import InvalidValue
from tests.unit.fakes import START


def placed(message: str = "Order placed") -> Notification:
    return Notification.create(
        user_id=1, kind=NotificationKind.ORDER_PLACED, message=message, now=START, reference_id=7
    )


def test_a_new_notification_is_unread():
    note = placed(" Order placed ")
    assert (note.message, note.kind, note.reference_id) == ("Order placed", "order_placed", 7)
    assert (note.read_at, note.is_read) == (None, False)


def test_marking_a_notification_read_records_when():
    note = placed()
    assert note.mark_read(START + timedelta(minutes=1))
    assert (note.is_read, note.read_at) == (True, START + timedelta(minutes=1))


def test_marking_a_read_notification_again_keeps_the_first_time():
    note = placed()
    note.mark_read(START)
    assert not note.mark_read(START + timedelta(hours=1))
    assert note.read_at == START


@pytest.mark.parametrize("message", ["", "  ", "x" * 501])
def test_blank_or_overlong_messages_are_refused(message):
    with pytest.raises(InvalidValue):
        placed(message)
