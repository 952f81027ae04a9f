"""Passwords hashed with argon2id (argon2-cffi), the memory-hard hash of RFC 9106.

Invariant: argon2 never runs on the event loop. A hash costs tenths of a second of CPU on
purpose; on the loop, a batch of them would stall every other request for as long. Each
hasher runs argon2 in its own bounded pool of threads, one per CPU this process may use:
argon2-cffi releases the GIL while it hashes, so the threads hash in parallel while the loop
serves other requests, and a flood of registrations queues in the pool instead of starting
more hashes than there are CPUs (each also holds `memory_cost` KiB while it runs).

The pool's threads run at a lower priority than the rest of the process (on Linux, where a
thread has its own): they keep every CPU busy while a queue of sign-ins lasts, and at the
same priority the loop would wait its turn behind them, so that a request that costs a
millisecond took tenths of a second. Lowered, the loop is served first, and the hashes still
get all the CPU time it leaves.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Final, Self

from argon2 import PasswordHasher as _Argon2
from argon2 import Type
from argon2.exceptions import Argon2Error
from argon2.profiles import RFC_9106_LOW_MEMORY

from application.shared.ports import PasswordHasher

__all__ = ["HASHING_NICENESS", "Argon2PasswordHasher"]

# How much nicer than the thread that starts them the hashing threads are (19 at most).
HASHING_NICENESS: Final = 10


def _lower_priority() -> None:
    """Make the calling thread HASHING_NICENESS nicer. Only Linux gives each thread its own
    niceness; elsewhere the same call would lower the whole process, so nothing is done."""
    if sys.platform != "linux":
        return
    thread = threading.get_native_id()
    try:
        niceness = os.getpriority(os.PRIO_PROCESS, thread)
        os.setpriority(os.PRIO_PROCESS, thread, niceness + HASHING_NICENESS)
    except OSError:  # not allowed here (a sandbox, say): hash at the same priority
        pass


def _usable_cpus() -> int:
    """The CPUs this process may run on (its affinity mask, where the platform has one)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


class Argon2PasswordHasher(PasswordHasher):
    """argon2id; by default the RFC 9106 low-memory profile (t=3, m=64 MiB, p=4)."""

    def __init__(
        self,
        time_cost: int = RFC_9106_LOW_MEMORY.time_cost,
        memory_cost: int = RFC_9106_LOW_MEMORY.memory_cost,
        parallelism: int = RFC_9106_LOW_MEMORY.parallelism,
        *,
        workers: int | None = None,
    ) -> None:
        self._argon2 = _Argon2(
            time_cost=time_cost,
            memory_cost=memory_cost,
            parallelism=parallelism,
            hash_len=RFC_9106_LOW_MEMORY.hash_len,
            salt_len=RFC_9106_LOW_MEMORY.salt_len,
            type=Type.ID,
        )
        self.workers = workers or _usable_cpus()
        # Made on first use with the same parameters: verifying against it costs what
        # verifying against a real user's hash costs.
        self._nobody: str | None = None
        # Threads start on first use and stay idle between hashes; they end with the process.
        self._pool = ThreadPoolExecutor(
            self.workers, thread_name_prefix="argon2", initializer=_lower_priority
        )

    @classmethod
    def for_tests(cls) -> Self:
        """A cheap profile (t=1, m=8 KiB, p=1) for tests only: still argon2id, but fast."""
        return cls(time_cost=1, memory_cost=8, parallelism=1)

    async def hash(self, password: str) -> str:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, self._argon2.hash, password)

    async def verify(self, hashed: str, password: str) -> bool:
        """True only for the password that made `hashed`; a malformed hash is just False."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, self._verify, hashed, password)

    async def verify_nobody(self, password: str) -> bool:
        if self._nobody is None:
            self._nobody = await self.hash(secrets.token_urlsafe(24))
        await self.verify(self._nobody, password)
        return False

    def needs_rehash(self, hashed: str) -> bool:
        try:
            return self._argon2.check_needs_rehash(hashed)
        except (Argon2Error, ValueError):
            return True

    def _verify(self, hashed: str, password: str) -> bool:
        try:
            return self._argon2.verify(hashed, password)
        except (Argon2Error, ValueError):
            # ValueError covers InvalidHashError and a hash that is not even ASCII.
            return False
