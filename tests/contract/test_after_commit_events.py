"""Events recorded on a unit of work reach their handlers after the commit, on every backend:
only if the transaction committed, each handler in a unit of work of its own, in the same
store, seeing what was committed; a handler's failure is logged and goes no further.

The handlers here are stand-ins that note what they saw; the real ones (notifications) are
tests/contract/test_items.py and the HTTP tests."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

import pytest
from dependency_injector import providers

from application.shared.events import EventBus
from application.shared.unit_of_work import UnitOfWork
from domain.identity.user import User
from domain.shared.errors import DuplicateValue
from domain.shared.events import Event
from tests.contract.data import id_of, user
from tests.support.storage import Storage


@dataclass(frozen=True, kw_only=True)
class Happened(Event):
    user_id: int


@dataclass
class Witness:
    """A handler noting each event it handles, and what its own unit of work then saw."""

    seen: list[tuple[int, str | None]] = field(default_factory=list)

    async def __call__(self, event: Happened, uow: UnitOfWork) -> None:
        async with uow:
            found = await uow.users.get(event.user_id)
            self.seen.append((event.user_id, found.full_name if found else None))
            await uow.commit()


@pytest.fixture
def witness(storage: Storage) -> Witness:
    witness = Witness()
    storage.container.event_bus.override(providers.Object(EventBus({Happened: (witness,)})))
    return witness


def happened(who: User, now: datetime) -> Happened:
    return Happened(user_id=id_of(who), occurred_at=now)


async def test_a_committed_event_is_handled_once_in_a_unit_of_work_that_sees_the_commit(
    storage: Storage, witness: Witness
) -> None:
    ann = await user(storage, "ann")

    async with storage.make_uow() as uow:
        found = await uow.users.get(id_of(ann))
        assert found is not None
        found.revise(storage.clock.now(), full_name="Ann Committed")
        uow.record(happened(ann, storage.clock.now()))
        await uow.commit()
        assert witness.seen == []  # not before the block is left

    assert witness.seen == [(id_of(ann), "Ann Committed")]


async def test_events_of_a_transaction_that_did_not_commit_are_dropped(
    storage: Storage, witness: Witness
) -> None:
    ann = await user(storage, "ann")

    # Left without a commit.
    async with storage.make_uow() as uow:
        uow.record(happened(ann, storage.clock.now()))
    # An error inside the block.
    with pytest.raises(RuntimeError):  # noqa: PT012 (the block is the transaction)
        async with storage.make_uow() as uow:
            uow.record(happened(ann, storage.clock.now()))
            raise RuntimeError("the use case failed")
    # Rolled back, then committed: the rollback took its events with it.
    async with storage.make_uow() as uow:
        uow.record(happened(ann, storage.clock.now()))
        await uow.rollback()
        await uow.commit()

    assert witness.seen == []


async def test_events_of_a_commit_the_storage_refused_are_dropped(
    storage: Storage, witness: Witness
) -> None:
    ann, bob = await user(storage, "ann"), await user(storage, "bob")

    with pytest.raises(DuplicateValue):  # noqa: PT012 (the block is the transaction)
        async with storage.make_uow() as uow:
            found = await uow.users.get(id_of(ann))
            assert found is not None
            found.username = "bob"  # refused only when written, at the commit
            uow.record(happened(bob, storage.clock.now()))
            await uow.commit()

    assert witness.seen == []
    assert (await storage.users.get(id_of(ann))) is not None


async def test_a_failing_handler_is_logged_and_the_next_one_still_runs(
    storage: Storage, caplog: pytest.LogCaptureFixture
) -> None:
    ann = await user(storage, "ann")
    witness = Witness()

    async def breaks(event: Happened, uow: UnitOfWork) -> None:
        raise RuntimeError("down")

    storage.container.event_bus.override(providers.Object(EventBus({Happened: (breaks, witness)})))
    with caplog.at_level(logging.ERROR, "application.shared.events"):
        async with storage.make_uow() as uow:
            uow.record(happened(ann, storage.clock.now()))
            await uow.commit()

    logged = [r for r in caplog.records if r.name == "application.shared.events"]
    assert [r.exc_info and str(r.exc_info[1]) for r in logged] == ["down"]
    assert witness.seen == [(id_of(ann), None)]


async def test_a_handler_works_in_the_store_of_the_transaction(storage: Storage) -> None:
    north = await storage.open_store("north")
    witness = Witness()
    storage.container.event_bus.override(providers.Object(EventBus({Happened: (witness,)})))
    ann = await user(north, "ann", full_name="Ann of the North")

    async with north.make_uow() as uow:
        uow.record(happened(ann, north.clock.now()))
        await uow.commit()

    assert witness.seen == [(id_of(ann), "Ann of the North")]
