"""The unit of work: nothing is visible before commit, nothing survives without it."""

from __future__ import annotations

import pytest

from application.shared.unit_of_work import UnitOfWork
from domain.identity.user import User
from domain.shared.errors import DuplicateValue
from tests.contract.data import id_of, user
from tests.support.storage import Storage


def new_user(storage: Storage, name: str) -> User:
    return User.register(
        username=name,
        email=f"{name}@example.com",
        hashed_password="plain$Secret123",
        now=storage.clock.now(),
    )


async def stored_usernames(storage: Storage) -> list[str]:
    async with storage.make_uow() as uow:
        found = []
        for user_id in range(1, 20):
            stored = await uow.users.get(user_id)
            if stored is not None:
                found.append(stored.username)
        return found


async def test_committed_changes_are_visible_to_a_later_unit(storage: Storage) -> None:
    async with storage.make_uow() as uow:
        await uow.users.add(new_user(storage, "alice"))
        await uow.commit()

    assert await stored_usernames(storage) == ["alice"]


async def test_changes_are_invisible_to_readers_until_commit(storage: Storage) -> None:
    async with storage.make_uow() as uow:
        await uow.users.add(new_user(storage, "alice"))
        assert (await storage.users.counts()).total == 0
        await uow.commit()

    assert (await storage.users.counts()).total == 1


async def test_leaving_the_block_without_commit_discards_everything(storage: Storage) -> None:
    async with storage.make_uow() as uow:
        await uow.users.add(new_user(storage, "alice"))

    assert await stored_usernames(storage) == []


async def test_an_error_in_the_block_discards_everything_and_propagates(storage: Storage) -> None:
    async def fail_half_way() -> None:
        async with storage.make_uow() as uow:
            await uow.users.add(new_user(storage, "alice"))
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await fail_half_way()

    assert await stored_usernames(storage) == []


async def test_a_change_to_a_loaded_entity_is_lost_without_commit(storage: Storage) -> None:
    alice = await user(storage, "alice")
    async with storage.make_uow() as uow:
        loaded = await uow.users.get(id_of(alice))
        assert loaded is not None
        loaded.change_username("mallory", storage.clock.now())

    assert await stored_usernames(storage) == ["alice"]


async def test_rollback_discards_and_the_unit_stays_usable(storage: Storage) -> None:
    async with storage.make_uow() as uow:
        await uow.users.add(new_user(storage, "alice"))
        await uow.rollback()
        await uow.users.add(new_user(storage, "bob"))
        await uow.commit()

    assert await stored_usernames(storage) == ["bob"]


async def test_a_failed_savepoint_undoes_only_what_was_done_inside_it(storage: Storage) -> None:
    async def add_bob_and_fail(uow: UnitOfWork) -> None:
        async with uow.savepoint():
            await uow.users.add(new_user(storage, "bob"))
            raise RuntimeError("inside the savepoint")

    async with storage.make_uow() as uow:
        await uow.users.add(new_user(storage, "alice"))
        with pytest.raises(RuntimeError):
            await add_bob_and_fail(uow)
        await uow.users.add(new_user(storage, "carol"))
        await uow.commit()

    assert sorted(await stored_usernames(storage)) == ["alice", "carol"]


async def test_a_savepoint_left_normally_keeps_its_changes(storage: Storage) -> None:
    async with storage.make_uow() as uow:
        async with uow.savepoint():
            await uow.users.add(new_user(storage, "alice"))
        await uow.commit()

    assert await stored_usernames(storage) == ["alice"]


async def test_a_duplicate_inside_a_savepoint_leaves_the_unit_usable(storage: Storage) -> None:
    await user(storage, "alice")
    async with storage.make_uow() as uow:
        with pytest.raises(DuplicateValue):
            async with uow.savepoint():
                await uow.users.add(new_user(storage, "alice"))
        await uow.users.add(new_user(storage, "bob"))
        await uow.commit()

    assert sorted(await stored_usernames(storage)) == ["alice", "bob"]


async def test_a_change_that_breaks_uniqueness_is_refused_by_commit(storage: Storage) -> None:
    await user(storage, "alice")
    bob = await user(storage, "bob")

    async def rename_bob_to_alice() -> None:
        async with storage.make_uow() as uow:
            loaded = await uow.users.get(id_of(bob))
            assert loaded is not None
            loaded.change_username("alice", storage.clock.now())
            await uow.commit()

    with pytest.raises(DuplicateValue) as refused:
        await rename_bob_to_alice()

    assert (refused.value.entity, refused.value.field) == ("user", "username")
    assert sorted(await stored_usernames(storage)) == ["alice", "bob"]


async def test_a_unit_may_be_entered_again_after_it_exits(storage: Storage) -> None:
    uow = storage.make_uow()
    async with uow:
        await uow.users.add(new_user(storage, "alice"))
        await uow.commit()
    async with uow:
        await uow.users.add(new_user(storage, "bob"))
        await uow.commit()

    assert await stored_usernames(storage) == ["alice", "bob"]


async def test_repositories_refuse_to_work_outside_the_block(storage: Storage) -> None:
    uow = storage.make_uow()
    with pytest.raises(RuntimeError):
        await uow.users.get(1)


async def test_entering_a_unit_already_in_progress_is_refused(storage: Storage) -> None:
    uow = storage.make_uow()
    async with uow:
        with pytest.raises(RuntimeError):
            await uow.__aenter__()
