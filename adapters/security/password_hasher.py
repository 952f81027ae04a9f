"""Passwords hashed with argon2id (argon2-cffi), the memory-hard hash of RFC 9106."""

from __future__ import annotations

from typing import Self

from argon2 import PasswordHasher as _Argon2
from argon2 import Type
from argon2.exceptions import Argon2Error
from argon2.profiles import RFC_9106_LOW_MEMORY

from application.shared.ports import PasswordHasher

__all__ = ["Argon2PasswordHasher"]


class Argon2PasswordHasher(PasswordHasher):
    """argon2id; by default the RFC 9106 low-memory profile (t=3, m=64 MiB, p=4)."""

    def __init__(
        self,
        time_cost: int = RFC_9106_LOW_MEMORY.time_cost,
        memory_cost: int = RFC_9106_LOW_MEMORY.memory_cost,
        parallelism: int = RFC_9106_LOW_MEMORY.parallelism,
    ) -> None:
        self._argon2 = _Argon2(
            time_cost=time_cost,
            memory_cost=memory_cost,
            parallelism=parallelism,
            hash_len=RFC_9106_LOW_MEMORY.hash_len,
            salt_len=RFC_9106_LOW_MEMORY.salt_len,
            type=Type.ID,
        )

    @classmethod
    def for_tests(cls) -> Self:
        """A cheap profile (t=1, m=8 KiB, p=1) for tests only: still argon2id, but fast."""
        return cls(time_cost=1, memory_cost=8, parallelism=1)

    def hash(self, password: str) -> str:
        return self._argon2.hash(password)

    def verify(self, hashed: str, password: str) -> bool:
        """True only for the password that made `hashed`; a malformed hash is just False."""
        try:
            return self._argon2.verify(hashed, password)
        except (Argon2Error, ValueError):
            # ValueError covers InvalidHashError and a hash that is not even ASCII.
            return False
