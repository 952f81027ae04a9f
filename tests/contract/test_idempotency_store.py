"""The idempotency store: records live and die with their unit of work, on every backend."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from application.shared.errors import RequestInProgress
from application.shared.idempotency.store import KeyReused, StoredOutcome
from tests.contract.conftest import BACKENDS
from tests.support.storage import Storage

SCOPE = "place_order"
DAY = timedelta(days=1)


def outcome(body: str = '{"id":1}', status: int = 201) -> StoredOutcome:
    return StoredOutcome(status_code=status, body=body)


async def record(
    storage: Storage,
    key: str,
    fingerprint: str = "f1",
    answer: StoredOutcome | None = None,
    *,
    scope: str = SCOPE,
    ttl: timedelta = DAY,
) -> None:
    now = storage.clock.now()
    async with storage.make_uow() as uow:
        assert await uow.idempotency.begin(scope, key, fingerprint, now) is None
        await uow.idempotency.complete(
            scope, key, fingerprint, now, now + ttl, lambda: answer or outcome()
        )
        await uow.commit()


async def begin(
    storage: Storage, key: str, fingerprint: str = "f1", *, scope: str = SCOPE
) -> StoredOutcome | None:
    async with storage.make_uow() as uow:
        return await uow.idempotency.begin(scope, key, fingerprint, storage.clock.now())


async def test_a_committed_answer_is_found_by_a_later_unit(storage: Storage) -> None:
    body = '{"id":7,"total_amount":"25.00","note":"caf\u00e9"}'
    await record(storage, "k1", answer=outcome(body, 201))

    assert await begin(storage, "k1") == StoredOutcome(201, body)


async def test_an_answer_that_is_not_committed_is_not_kept(storage: Storage) -> None:
    now = storage.clock.now()
    async with storage.make_uow() as uow:
        await uow.idempotency.begin(SCOPE, "k1", "f1", now)
        await uow.idempotency.complete(SCOPE, "k1", "f1", now, now + DAY, outcome)

    assert await begin(storage, "k1") is None


async def test_an_answer_rolled_back_with_its_unit_is_not_kept(storage: Storage) -> None:
    now = storage.clock.now()
    async with storage.make_uow() as uow:
        await uow.idempotency.begin(SCOPE, "k1", "f1", now)
        await uow.idempotency.complete(SCOPE, "k1", "f1", now, now + DAY, outcome)
        await uow.rollback()
        await uow.commit()

    assert await begin(storage, "k1") is None


async def test_the_same_key_with_another_fingerprint_is_refused(storage: Storage) -> None:
    await record(storage, "k1", "f1")

    with pytest.raises(KeyReused):
        await begin(storage, "k1", "f2")


async def test_keys_of_different_scopes_are_different_keys(storage: Storage) -> None:
    await record(storage, "k1", "f1", outcome('{"order":1}'), scope="place_order")

    assert await begin(storage, "k1", "other", scope="adjust_stock") is None
    await record(storage, "k1", "other", outcome('{"product":1}', 200), scope="adjust_stock")
    assert await begin(storage, "k1", "f1") == outcome('{"order":1}')


async def test_an_expired_answer_is_ignored_and_replaced(storage: Storage) -> None:
    await record(storage, "k1", "f1", outcome('{"first":true}'), ttl=timedelta(minutes=1))
    storage.clock.advance(minutes=2)

    assert await begin(storage, "k1", "f2") is None
    await record(storage, "k1", "f2", outcome('{"second":true}'))
    assert await begin(storage, "k1", "f2") == outcome('{"second":true}')


async def test_the_answer_is_rendered_once(storage: Storage) -> None:
    rendered: list[StoredOutcome] = []

    def render() -> StoredOutcome:
        rendered.append(outcome())
        return rendered[-1]

    now = storage.clock.now()
    async with storage.make_uow() as uow:
        await uow.idempotency.begin(SCOPE, "k1", "f1", now)
        await uow.idempotency.complete(SCOPE, "k1", "f1", now, now + DAY, render)
        await uow.commit()

    assert len(rendered) == 1


# SQLite and memory let one writer in at a time, so there a second unit waits instead
# (the next test); PostgreSQL refuses a held key at once.
@pytest.mark.parametrize("storage", [p for p in BACKENDS if p.id == "postgres"], indirect=True)
async def test_on_postgres_a_key_held_by_a_running_unit_is_refused_at_once(
    storage: Storage,
) -> None:
    now = storage.clock.now()
    async with storage.make_uow() as first:
        assert await first.idempotency.begin(SCOPE, "k1", "f1", now) is None

        with pytest.raises(RequestInProgress):
            await begin(storage, "k1")

        await first.idempotency.complete(SCOPE, "k1", "f1", now, now + DAY, outcome)
        await first.commit()

    assert await begin(storage, "k1") == outcome()


@pytest.mark.parametrize("storage", [p for p in BACKENDS if p.id != "postgres"], indirect=True)
async def test_where_writers_take_turns_a_second_unit_waits_and_finds_the_answer(
    storage: Storage,
) -> None:
    now = storage.clock.now()
    async with storage.make_uow() as first:
        assert await first.idempotency.begin(SCOPE, "k1", "f1", now) is None
        # Started while the first unit holds the key; it cannot get in before the commit.
        second = asyncio.create_task(begin(storage, "k1"))
        await first.idempotency.complete(SCOPE, "k1", "f1", now, now + DAY, outcome)
        await first.commit()

    assert await second == outcome()
