"""Lock contention is retried; a conflict of state is the answer.

    @retried_on_contention
    async def __call__(self, command: PlaceOrder) -> ...:
        async with self.uow as uow:      # one attempt = one transaction
            ...
            await uow.commit()

`Contention` (a deadlock, a serialization failure, a busy SQLite) means the database gave up
on the transaction, not that the request was wrong: the attempt was rolled back whole, so it
is run again, a bounded number of times with jittered back-off. A `Conflict` (too little
stock, a stale version, a taken name) is never retried: it is what the caller must hear.
"""

from __future__ import annotations

import asyncio
import functools
import random
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Final, ParamSpec, TypeVar

from application.shared.errors import Contention

__all__ = ["BASE_DELAY", "MAX_ATTEMPTS", "retried_on_contention", "retrying"]

MAX_ATTEMPTS: Final = 8
BASE_DELAY: Final = 0.005  # seconds; the back-off doubles per attempt, then is jittered

P = ParamSpec("P")
R = TypeVar("R")


async def retrying(
    attempt: Callable[[], Awaitable[R]],
    *,
    max_attempts: int = MAX_ATTEMPTS,
    base_delay: float = BASE_DELAY,
) -> R:
    """`attempt()`, run again after `Contention`, at most `max_attempts` times in all."""
    for number in range(1, max_attempts + 1):
        try:
            return await attempt()
        except Contention:
            if number == max_attempts:
                raise
            # Full jitter: spread the retries so the same transactions do not collide again.
            await asyncio.sleep(random.uniform(0, base_delay * 2**number))  # noqa: S311
    raise AssertionError("unreachable")  # pragma: no cover


def retried_on_contention(
    use_case: Callable[P, Coroutine[Any, Any, R]],
) -> Callable[P, Coroutine[Any, Any, R]]:
    """Decorate a use case whose every call is one whole transaction: see `retrying`."""

    @functools.wraps(use_case)
    async def retried(*args: P.args, **kwargs: P.kwargs) -> R:
        return await retrying(lambda: use_case(*args, **kwargs))

    return retried
