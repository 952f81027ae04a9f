"""A handler retries lock contention a bounded number of times and never retries a conflict."""

from __future__ import annotations

import pytest

from application.shared.errors import Contention
from application.shared.handler import Handler
from domain.shared.errors import Conflict, InvalidValue


class Flaky(Handler[str, str]):
    """Fails with the given errors, in order, then answers."""

    base_delay = 0.0  # no back-off in tests

    def __init__(self, *failures: Exception) -> None:
        self.failures = list(failures)
        self.attempts = 0

    async def handle(self, command: str) -> str:
        self.attempts += 1
        if self.failures:
            raise self.failures.pop(0)
        return f"done: {command}"


async def test_contention_is_retried_until_the_use_case_succeeds():
    handler = Flaky(Contention("deadlock"), Contention("busy"))
    assert await handler("x") == "done: x"
    assert handler.attempts == 3


async def test_contention_gives_up_after_max_attempts():
    handler = Flaky(*[Contention("busy")] * 20)
    handler.max_attempts = 4
    with pytest.raises(Contention):
        await handler("x")
    assert handler.attempts == 4


async def test_a_conflict_is_the_answer_and_never_retried():
    handler = Flaky(Conflict("taken"))
    with pytest.raises(Conflict):
        await handler("x")
    assert handler.attempts == 1


async def test_other_errors_are_not_retried_either():
    handler = Flaky(InvalidValue("name", "blank"))
    with pytest.raises(InvalidValue):
        await handler("x")
    assert handler.attempts == 1
