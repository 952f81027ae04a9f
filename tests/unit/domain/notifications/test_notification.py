"""A notification is a short message kept for a user."""

from __future__ import annotations

import pytest

from domain.notifications.notification import Notification
from domain.shared.errors import InvalidValue
from tests.unit.fakes import START


def test_a_new_notification_is_unread():
    note = Notification.create(user_id=1, message=" Order placed ", now=START, order_id=7)
    assert (note.message, note.order_id, note.is_read) == ("Order placed", 7, False)


def test_marking_a_notification_read():
    note = Notification.create(user_id=1, message="hi", now=START)
    note.mark_read()
    assert note.is_read


@pytest.mark.parametrize("message", ["", "  ", "x" * 501])
def test_blank_or_overlong_messages_are_refused(message):
    with pytest.raises(InvalidValue):
        Notification.create(user_id=1, message=message, now=START)
