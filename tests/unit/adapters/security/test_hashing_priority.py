"""The hashing threads give way to the event loop: on Linux they run at a lower priority than
the thread that started them, so that a queue of sign-ins, which keeps every CPU busy, does
not make every other request wait for a CPU."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from adapters.security import Argon2PasswordHasher
from adapters.security.password_hasher import HASHING_NICENESS

pytestmark = pytest.mark.skipif(
    sys.platform != "linux", reason="only Linux gives each thread a priority of its own"
)


def niceness(native_id: int) -> int:
    return os.getpriority(os.PRIO_PROCESS, native_id)


async def test_the_hashing_threads_are_nicer_than_the_event_loop_and_it_keeps_its_own():
    loop_thread = threading.get_native_id()
    before = niceness(loop_thread)
    hasher = Argon2PasswordHasher.for_tests()

    await hasher.hash("Secret123")

    hashing_threads = [
        thread.native_id
        for thread in threading.enumerate()
        if thread.name.startswith("argon2") and thread.native_id is not None
    ]
    assert hashing_threads, "hashing started a thread of the pool"
    nicer = min(19, before + HASHING_NICENESS)  # 19 is as nice as a thread gets
    assert {niceness(thread) for thread in hashing_threads} == {nicer}
    assert niceness(loop_thread) == before
