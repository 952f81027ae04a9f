"""The base of every write use case: one transaction per attempt, retried on contention.

A handler's `handle` runs one `async with uow:` block and commits explicitly. Lock contention
(`Contention`: a deadlock, a serialization failure, a busy SQLite) rolls the whole attempt
back, so the handler simply runs it again, a bounded number of times with jittered back-off.
A real conflict of state (`Conflict`) is never retried: it is the answer.
"""

from __future__ import annotations

import abc
import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from application.shared.errors import Contention

__all__ = ["Handler"]

C = TypeVar("C")
R = TypeVar("R")
T = TypeVar("T")


class Handler(abc.ABC, Generic[C, R]):
    max_attempts: int = 8
    base_delay: float = 0.005

    async def __call__(self, command: C) -> R:
        return await self.retrying(self.handle, command)

    async def retrying(self, once: Callable[[C], Awaitable[T]], command: C) -> T:
        """`once(command)`, run again after contention, at most `max_attempts` times."""
        for attempt in range(1, self.max_attempts + 1):
            try:
                return await once(command)
            except Contention:
                if attempt == self.max_attempts:
                    raise
                # Full jitter: spread retries so the same transactions do not collide again.
                await asyncio.sleep(random.uniform(0, self.base_delay * 2**attempt))  # noqa: S311
        raise AssertionError("unreachable")  # pragma: no cover

    @abc.abstractmethod
    async def handle(self, command: C) -> R:
        """Run the use case once, in one unit of work."""
