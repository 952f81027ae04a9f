"""A use case retries lock contention a bounded number of times and never retries a conflict."""

from __future__ import annotations

import pytest

from application.shared.errors import Contention
from application.shared.retry import MAX_ATTEMPTS, retried_on_contention, retrying
from domain.shared.errors import Conflict, InvalidValue


class Flaky:
    """Fails with the given errors, in order, then answers."""

    def __init__(self, *failures: Exception) -> None:
        self.failures = list(failures)
        self.attempts = 0

    async def __call__(self, command: str) -> str:
        self.attempts += 1
        if self.failures:
            raise self.failures.pop(0)
        return f"done: {command}"


async def test_contention_is_retried_until_the_use_case_succeeds():
    handler = Flaky(Contention("deadlock"), Contention("busy"))
    assert await retrying(lambda: handler("x"), base_delay=0.0) == "done: x"
    assert handler.attempts == 3


async def test_contention_gives_up_after_max_attempts():
    handler = Flaky(*[Contention("busy")] * 20)
    with pytest.raises(Contention):
        await retrying(lambda: handler("x"), max_attempts=4, base_delay=0.0)
    assert handler.attempts == 4


async def test_a_conflict_is_the_answer_and_never_retried():
    handler = Flaky(Conflict("taken"))
    with pytest.raises(Conflict):
        await retrying(lambda: handler("x"), base_delay=0.0)
    assert handler.attempts == 1


async def test_other_errors_are_not_retried_either():
    handler = Flaky(InvalidValue("name", "blank"))
    with pytest.raises(InvalidValue):
        await retrying(lambda: handler("x"), base_delay=0.0)
    assert handler.attempts == 1


async def test_the_decorator_runs_the_whole_call_again_and_keeps_its_arguments():
    flaky = Flaky(Contention("busy"))

    @retried_on_contention
    async def use_case(command: str) -> str:
        return await flaky(command)

    assert await use_case("y") == "done: y"
    assert flaky.attempts == 2


async def test_the_decorator_gives_up_after_the_default_number_of_attempts():
    flaky = Flaky(*[Contention("busy")] * (MAX_ATTEMPTS + 5))

    @retried_on_contention
    async def use_case(command: str) -> str:
        return await flaky(command)

    with pytest.raises(Contention):
        await use_case("z")
    assert flaky.attempts == MAX_ATTEMPTS
