"""Passwords are hashed with argon2id, salted, verified without ever raising, and never on
the event loop."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable

import pytest

from adapters.security import Argon2PasswordHasher

PASSWORD = "Secret123"


async def test_a_hash_is_argon2id_and_never_the_password(hasher):
    hashed = await hasher.hash(PASSWORD)
    assert hashed.startswith("$argon2id$")
    assert PASSWORD not in hashed


async def test_hashes_are_salted(hasher):
    assert await hasher.hash(PASSWORD) != await hasher.hash(PASSWORD)


async def test_only_the_right_password_verifies(hasher):
    hashed = await hasher.hash(PASSWORD)
    assert await hasher.verify(hashed, PASSWORD) is True
    assert await hasher.verify(hashed, "secret123") is False
    assert await hasher.verify(hashed, "") is False


@pytest.mark.parametrize(
    "hashed",
    ["", "not a hash", "$argon2id$v=19$m=8,t=1,p=1$é$é", "$2b$12$bcryptlookingthing", "\x00"],
)
async def test_a_malformed_hash_does_not_verify_and_does_not_raise(hasher, hashed):
    assert await hasher.verify(hashed, PASSWORD) is False


async def test_a_truncated_hash_does_not_verify(hasher):
    assert await hasher.verify((await hasher.hash(PASSWORD))[:-4], PASSWORD) is False


async def test_the_test_profile_is_cheap_and_the_default_is_rfc_9106_low_memory():
    assert "$m=8,t=1,p=1$" in await Argon2PasswordHasher.for_tests().hash(PASSWORD)
    default = Argon2PasswordHasher()
    hashed = await default.hash(PASSWORD)
    assert "$m=65536,t=3,p=4$" in hashed
    assert await default.verify(hashed, PASSWORD) is True


async def test_a_hash_made_with_one_profile_verifies_with_another(hasher):
    # Parameters travel inside the hash, so changing the profile never locks anyone out.
    other = Argon2PasswordHasher(time_cost=2, memory_cost=16)
    assert await other.verify(await hasher.hash(PASSWORD), PASSWORD) is True


async def turns_of_another_task_while(work: Awaitable[object]) -> int:
    """How often another task ran while `work` was awaited."""
    turns = 0

    async def other_request() -> None:
        nonlocal turns
        while True:
            turns += 1
            await asyncio.sleep(0)

    other = asyncio.create_task(other_request())
    await work
    other.cancel()
    return turns


async def test_hashing_and_verifying_leave_the_event_loop_free_for_other_tasks(
    hasher: Argon2PasswordHasher,
) -> None:
    hashed = await hasher.hash(PASSWORD)

    # Work done on the loop would finish before the other task ever ran.
    assert await turns_of_another_task_while(hasher.hash(PASSWORD)) > 0
    assert await turns_of_another_task_while(hasher.verify(hashed, PASSWORD)) > 0


def test_the_hashing_pool_has_one_thread_per_usable_cpu():
    assert Argon2PasswordHasher().workers == len(os.sched_getaffinity(0))
    assert Argon2PasswordHasher(workers=3).workers == 3


async def test_signing_in_as_nobody_never_verifies_but_does_the_work_of_verifying(
    hasher: Argon2PasswordHasher,
) -> None:
    # An unknown name costs what a wrong password costs, so that timing tells no names.
    assert await hasher.verify_nobody(PASSWORD) is False
    assert await hasher.verify_nobody("") is False
    assert await turns_of_another_task_while(hasher.verify_nobody(PASSWORD)) > 0


async def test_a_hash_made_with_other_parameters_needs_to_be_made_again(
    hasher: Argon2PasswordHasher,
) -> None:
    other = Argon2PasswordHasher(time_cost=2, memory_cost=16, parallelism=1)

    assert hasher.needs_rehash(await hasher.hash(PASSWORD)) is False
    assert hasher.needs_rehash(await other.hash(PASSWORD)) is True
    assert other.needs_rehash(await hasher.hash(PASSWORD)) is True


@pytest.mark.parametrize("hashed", ["", "not a hash", "$2b$12$bcryptlookingthing"])
def test_what_is_not_an_argon2_hash_needs_to_be_made_again(hasher, hashed):
    assert hasher.needs_rehash(hashed) is True
