"""Refresh tokens and sign-in throttles in storage, and what authentication reads of a user.

Refresh tokens are found by their hash, which is unique, and revoked by family or by user;
they go with their user. A throttle counts failures per account, and counts every one of
them when several workers record one at once. `UserQueries.standing` is read on every
authenticated request; `UserRepository.get_by_username` on every sign-in by name.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from application.identity.commands import (
    DeactivateStaleUsers,
    DeactivateUser,
    PatchUser,
    PurgeInactiveUsers,
    RegisterUser,
)
from application.identity.read_models import UserStanding
from domain.identity.sessions import RefreshToken, hash_token
from domain.shared.errors import DuplicateValue, NotFound
from tests.contract.data import PASSWORD, id_of, user
from tests.support.actors import admin
from tests.support.storage import Storage

LIFETIME = timedelta(days=14)
CONCURRENT_FAILURES = 20


def issued(storage: Storage, user_id: int, family: str | None = None) -> tuple[RefreshToken, str]:
    return RefreshToken.issue(user_id, storage.clock.now(), LIFETIME, family=family)


async def add(storage: Storage, *tokens: RefreshToken) -> None:
    async with storage.make_uow() as uow:
        for token in tokens:
            await uow.refresh_tokens.add(token)
        await uow.commit()


async def by_secret(storage: Storage, secret: str) -> RefreshToken | None:
    async with storage.make_uow() as uow:
        return await uow.refresh_tokens.get_by_hash(hash_token(secret))


# -- refresh tokens ----------------------------------------------------------------------
async def test_an_added_token_gets_an_id_and_reads_back_by_its_hash(storage: Storage) -> None:
    ann = await user(storage, "ann")
    token, secret = issued(storage, id_of(ann))

    await add(storage, token)
    loaded = await by_secret(storage, secret)

    assert token.id is not None
    assert loaded is not None
    assert (loaded.id, loaded.user_id, loaded.family, loaded.token_hash) == (
        token.id,
        ann.id,
        token.family,
        hash_token(secret),
    )
    assert (loaded.issued_at, loaded.expires_at) == (
        storage.clock.now(),
        storage.clock.now() + LIFETIME,
    )
    assert loaded.expires_at.utcoffset() == timedelta(0)
    assert (loaded.retired_at, loaded.revoked_at) == (None, None)
    assert await by_secret(storage, "never-issued") is None


async def test_a_retired_token_is_stored_retired(storage: Storage) -> None:
    ann = await user(storage, "ann")
    token, secret = issued(storage, id_of(ann))
    await add(storage, token)
    later = storage.clock.advance(minutes=5)

    async with storage.make_uow() as uow:
        loaded = await uow.refresh_tokens.get_by_hash(hash_token(secret))
        assert loaded is not None
        loaded.retire(later)
        await uow.commit()

    stored = await by_secret(storage, secret)
    assert stored is not None
    assert (stored.retired_at, stored.revoked_at) == (later, None)


async def test_two_tokens_of_one_hash_are_a_duplicate(storage: Storage) -> None:
    ann = await user(storage, "ann")
    token, secret = issued(storage, id_of(ann))
    twin, _ = issued(storage, id_of(ann))
    twin.token_hash = token.token_hash
    await add(storage, token)

    with pytest.raises(DuplicateValue) as refused:
        await add(storage, twin)

    assert (refused.value.entity, refused.value.field) == ("refresh token", "token_hash")
    found = await by_secret(storage, secret)
    assert found is not None
    assert found.family == token.family


async def test_a_token_of_a_user_that_is_not_there_is_not_found(storage: Storage) -> None:
    token, secret = issued(storage, 999)

    with pytest.raises(NotFound) as refused:
        await add(storage, token)

    assert (refused.value.entity, refused.value.key) == ("user", 999)
    assert await by_secret(storage, secret) is None


async def test_revoking_a_family_revokes_its_live_tokens_only(storage: Storage) -> None:
    ann = await user(storage, "ann")
    first, first_secret = issued(storage, id_of(ann))
    second, second_secret = issued(storage, id_of(ann), family=first.family)
    done, done_secret = issued(storage, id_of(ann), family=first.family)
    done.revoked_at = storage.clock.now()
    other, other_secret = issued(storage, id_of(ann))
    await add(storage, first, second, done, other)
    later = storage.clock.advance(minutes=1)

    async with storage.make_uow() as uow:
        assert await uow.refresh_tokens.revoke_family(first.family, later) == 2
        await uow.commit()
    async with storage.make_uow() as uow:
        assert await uow.refresh_tokens.revoke_family(first.family, later) == 0
        assert await uow.refresh_tokens.revoke_family("no-such-family", later) == 0

    revoked = [await by_secret(storage, s) for s in (first_secret, second_secret, done_secret)]
    assert [t.revoked_at for t in revoked if t] == [later, later, done.revoked_at]
    untouched = await by_secret(storage, other_secret)
    assert untouched is not None
    assert untouched.revoked_at is None


async def test_a_token_loaded_before_its_family_is_revoked_sees_the_revocation(
    storage: Storage,
) -> None:
    ann = await user(storage, "ann")
    token, secret = issued(storage, id_of(ann))
    await add(storage, token)
    later = storage.clock.advance(minutes=1)

    async with storage.make_uow() as uow:
        loaded = await uow.refresh_tokens.get_by_hash(hash_token(secret))
        assert loaded is not None
        await uow.refresh_tokens.revoke_family(token.family, later)
        again = await uow.refresh_tokens.get_by_hash(hash_token(secret))

        assert again is not None
        assert (loaded.revoked_at, again.revoked_at) == (later, later)


async def test_revoking_a_users_tokens_leaves_other_users_tokens_alone(storage: Storage) -> None:
    ann, bob = await user(storage, "ann"), await user(storage, "bob")
    made = [issued(storage, id_of(owner)) for owner in (ann, ann, bob)]
    await add(storage, *(token for token, _ in made))
    later = storage.clock.advance(minutes=1)

    async with storage.make_uow() as uow:
        assert await uow.refresh_tokens.revoke_all_of(id_of(ann), later) == 2
        await uow.commit()
    async with storage.make_uow() as uow:
        assert await uow.refresh_tokens.revoke_all_of(id_of(ann), later) == 0

    revoked = [await by_secret(storage, secret) for _, secret in made]
    assert [(t.user_id, t.revoked_at) for t in revoked if t] == [
        (ann.id, later),
        (ann.id, later),
        (bob.id, None),
    ]


async def test_an_unrevoked_change_is_lost_without_commit(storage: Storage) -> None:
    ann = await user(storage, "ann")
    token, secret = issued(storage, id_of(ann))
    await add(storage, token)

    async with storage.make_uow() as uow:
        await uow.refresh_tokens.revoke_family(token.family, storage.clock.now())

    stored = await by_secret(storage, secret)
    assert stored is not None
    assert stored.revoked_at is None


async def test_a_users_tokens_go_with_the_user(storage: Storage) -> None:
    ann, bob = await user(storage, "ann"), await user(storage, "bob")
    (anns, anns_secret), (bobs, bobs_secret) = (
        issued(storage, id_of(ann)),
        issued(storage, id_of(bob)),
    )
    await add(storage, anns, bobs)
    await storage.use_cases.deactivate_user()(DeactivateUser(id_of(ann)))

    assert await storage.use_cases.purge_inactive_users()(PurgeInactiveUsers()) == 1

    assert await by_secret(storage, anns_secret) is None
    assert await by_secret(storage, bobs_secret) is not None


# -- sign-in throttles -------------------------------------------------------------------
async def test_failures_are_counted_per_account_until_cleared(storage: Storage) -> None:
    start = storage.clock.now()
    later = start + timedelta(seconds=7)

    async with storage.make_uow() as uow:
        assert await uow.login_throttles.get("user:1") is None
        first = await uow.login_throttles.record_failure("user:1", start)
        assert (first.account, first.failures, first.last_failure_at) == ("user:1", 1, start)
        await uow.commit()
    async with storage.make_uow() as uow:
        # Read first, as a sign-in does: the failure recorded after it is in the answer.
        before = await uow.login_throttles.get("user:1")
        assert before is not None
        assert before.failures == 1
        second = await uow.login_throttles.record_failure("user:1", later)
        await uow.login_throttles.record_failure("name:nobody", later)
        await uow.commit()
    assert (second.failures, second.last_failure_at) == (2, later)

    async with storage.make_uow() as uow:
        ones = await uow.login_throttles.get("user:1")
        nobodys = await uow.login_throttles.get("name:nobody")
    assert ones is not None
    assert nobodys is not None
    assert (ones.failures, ones.last_failure_at, nobodys.failures) == (2, later, 1)
    assert ones.last_failure_at.utcoffset() == timedelta(0)

    async with storage.make_uow() as uow:
        await uow.login_throttles.clear("user:1")
        await uow.login_throttles.clear("name:never-failed")
        await uow.commit()
    async with storage.make_uow() as uow:
        assert await uow.login_throttles.get("user:1") is None
        assert await uow.login_throttles.get("name:nobody") is not None
        again = await uow.login_throttles.record_failure("user:1", later)
    assert again.failures == 1


async def test_a_failure_not_committed_is_not_counted(storage: Storage) -> None:
    async with storage.make_uow() as uow:
        await uow.login_throttles.record_failure("user:1", storage.clock.now())
        await uow.commit()
    async with storage.make_uow() as uow:
        await uow.login_throttles.record_failure("user:1", storage.clock.now())

    async with storage.make_uow() as uow:
        counted = await uow.login_throttles.get("user:1")
    assert counted is not None
    assert counted.failures == 1


async def test_failures_recorded_at_once_by_many_workers_are_all_counted(
    storage: Storage,
) -> None:
    async def one_failure() -> int:
        async with storage.make_uow() as uow:
            throttle = await uow.login_throttles.record_failure("user:1", storage.clock.now())
            await uow.commit()
        return throttle.failures

    seen = await asyncio.gather(*(one_failure() for _ in range(CONCURRENT_FAILURES)))

    async with storage.make_uow() as uow:
        counted = await uow.login_throttles.get("user:1")
    assert counted is not None
    assert counted.failures == CONCURRENT_FAILURES
    # Each worker saw the count with its own failure in it: no two saw the same count.
    assert sorted(seen) == list(range(1, CONCURRENT_FAILURES + 1))


# -- what authentication and sign-in read of a user --------------------------------------
async def test_standing_says_active_admin_and_generation(storage: Storage) -> None:
    ann = await user(storage, "ann")
    boss = await storage.use_cases.register_user()(
        admin(), RegisterUser("boss", "boss@example.com", PASSWORD, is_superuser=True)
    )

    assert await storage.users.standing(id_of(ann)) == UserStanding(True, False, 0)
    assert await storage.users.standing(id_of(boss)) == UserStanding(True, True, 0)
    assert await storage.users.standing(999) is None


async def test_a_new_password_and_a_deactivation_move_the_generation_on(
    storage: Storage,
) -> None:
    ann = await user(storage, "ann")

    await storage.use_cases.edit_user()(admin(), PatchUser(id_of(ann), password="Newer1234"))
    assert await storage.users.standing(id_of(ann)) == UserStanding(True, False, 1)
    await storage.use_cases.edit_user()(admin(), PatchUser(id_of(ann), full_name="Ann"))
    assert await storage.users.standing(id_of(ann)) == UserStanding(True, False, 1)
    await storage.use_cases.deactivate_user()(DeactivateUser(id_of(ann)))
    assert await storage.users.standing(id_of(ann)) == UserStanding(False, False, 2)


async def test_users_deactivated_as_stale_move_their_generation_on(storage: Storage) -> None:
    ann = await user(storage, "ann")
    storage.clock.advance(days=2)
    bob = await user(storage, "bob")

    assert await storage.use_cases.deactivate_stale_users()(DeactivateStaleUsers(days=1)) == 1

    assert await storage.users.standing(id_of(ann)) == UserStanding(False, False, 1)
    assert await storage.users.standing(id_of(bob)) == UserStanding(True, False, 0)


async def test_get_by_username_finds_exactly_that_name(storage: Storage) -> None:
    ann = await user(storage, "ann", email="ann@example.com")
    await user(storage, "Anna")

    async with storage.make_uow() as uow:
        found = await uow.users.get_by_username("ann")
        assert found is not None
        assert (found.id, found.username, found.email) == (ann.id, "ann", "ann@example.com")
        assert found.hashed_password == "plain$" + PASSWORD
        # Compared as the unique constraint compares: exactly.
        assert await uow.users.get_by_username("ANN") is None
        assert await uow.users.get_by_username("an") is None
        assert await uow.users.get_by_username("ann@example.com") is None
