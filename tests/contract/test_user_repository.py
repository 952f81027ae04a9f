"""The users repository: ids, round trips, uniqueness, and the bulk clean-ups."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from application.identity.commands import DeactivateUser
from domain.identity.user import User
from domain.notifications.notification import Notification, NotificationKind
from domain.shared.errors import DuplicateValue
from tests.contract.data import id_of, order, product, store, user
from tests.support.storage import Storage


def draft(storage: Storage, name: str, email: str | None = None) -> User:
    return User.register(
        username=name,
        email=email or f"{name}@example.com",
        hashed_password="plain$Secret123",
        full_name=f"{name.title()} Example",
        now=storage.clock.now(),
    )


async def test_first_taken_names_one_stored_username_or_email_or_none(storage: Storage) -> None:
    await user(storage, "ann", email="ann@example.com")
    await user(storage, "bob", email="bob@example.com")

    async with storage.make_uow() as uow:
        taken = uow.users.first_taken
        assert await taken(["carl", "dave"], ["carl@example.com"]) is None
        assert await taken([], []) is None
        assert await taken(["carl", "bob"], ["x@example.com"]) == ("username", "bob")
        assert await taken(["carl"], ["bob@example.com"]) == ("email", "bob@example.com")
        # Of several: the user with the lowest id, its username before its email.
        assert await taken(["bob", "ann"], ["ann@example.com"]) == ("username", "ann")
        assert await taken(["bob"], ["ann@example.com"]) == ("email", "ann@example.com")
        # Compared as the unique constraints compare: exactly.
        assert await taken(["Ann", "BOB"], []) is None


async def test_an_added_user_gets_an_id_and_reads_back_unchanged(storage: Storage) -> None:
    alice = draft(storage, "alice")
    alice.bio = "Ünïcode bio ✓"
    alice.credit(Decimal("12.34"), storage.clock.now())
    async with storage.make_uow() as uow:
        await uow.users.add(alice)
        assert alice.id is not None
        await uow.commit()

    async with storage.make_uow() as uow:
        loaded = await uow.users.get(id_of(alice))

    assert loaded is not None
    assert (loaded.username, loaded.email, loaded.full_name, loaded.bio) == (
        "alice",
        "alice@example.com",
        "Alice Example",
        "Ünïcode bio ✓",
    )
    assert loaded.credits == Decimal("12.34")
    assert str(loaded.credits) == "12.34"
    assert (loaded.is_active, loaded.is_superuser) == (True, False)
    assert loaded.created_at == storage.clock.now()
    assert loaded.created_at.tzinfo is not None
    assert loaded.created_at.utcoffset() == timedelta(0)
    assert loaded.hashed_password == "plain$Secret123"


async def test_an_unknown_id_is_none(storage: Storage) -> None:
    async with storage.make_uow() as uow:
        assert await uow.users.get(999) is None


async def test_is_active_tells_active_inactive_and_unknown_users_apart(storage: Storage) -> None:
    alice, bob = draft(storage, "alice"), draft(storage, "bob")
    bob.deactivate(storage.clock.now())
    await store(storage, alice, bob)

    async with storage.make_uow() as uow:
        answers = [await uow.users.is_active(id_of(u)) for u in (alice, bob)]
        unknown = await uow.users.is_active(id_of(bob) + 1000)

    assert answers == [True, False]
    assert unknown is None


async def test_is_active_sees_this_units_own_change_before_the_commit(storage: Storage) -> None:
    alice = draft(storage, "alice")
    await store(storage, alice)

    async with storage.make_uow() as uow:
        loaded = await uow.users.get(id_of(alice))
        assert loaded is not None
        loaded.deactivate(storage.clock.now())

        assert await uow.users.is_active(id_of(alice)) is False


async def test_a_taken_username_is_a_duplicate_naming_the_username(storage: Storage) -> None:
    await user(storage, "alice")
    with pytest.raises(DuplicateValue) as refused:
        await store(storage, draft(storage, "alice", email="other@example.com"))

    assert (refused.value.entity, refused.value.field) == ("user", "username")


async def test_a_taken_email_is_a_duplicate_naming_the_email(storage: Storage) -> None:
    await user(storage, "alice")
    with pytest.raises(DuplicateValue) as refused:
        await store(storage, draft(storage, "alicia", email="alice@example.com"))

    assert (refused.value.entity, refused.value.field) == ("user", "email")


async def test_add_many_gives_each_user_an_id_in_the_order_given(storage: Storage) -> None:
    drafts = [draft(storage, name) for name in ("zoe", "adam", "mia")]
    async with storage.make_uow() as uow:
        await uow.users.add_many(drafts)
        await uow.commit()

    ids = [id_of(u) for u in drafts]
    assert ids == sorted(ids)
    async with storage.make_uow() as uow:
        for expected in drafts:
            loaded = await uow.users.get(id_of(expected))
            assert loaded is not None
            assert loaded.username == expected.username


async def test_add_many_with_one_taken_email_stores_none_of_them(storage: Storage) -> None:
    await user(storage, "alice")
    drafts = [draft(storage, "bob"), draft(storage, "carol", email="alice@example.com")]

    async def add_many() -> None:
        async with storage.make_uow() as uow:
            await uow.users.add_many(drafts)
            await uow.commit()

    with pytest.raises(DuplicateValue):
        await add_many()

    assert (await storage.users.counts()).total == 1


async def test_get_by_email_finds_the_user(storage: Storage) -> None:
    alice = await user(storage, "alice", email="Alice@Example.COM")
    async with storage.make_uow() as uow:
        found = await uow.users.get_by_email("alice@example.com")
        missing = await uow.users.get_by_email("nobody@example.com")

    assert found is not None
    assert id_of(found) == id_of(alice)
    assert missing is None


async def test_deactivating_stale_users_touches_only_active_users_not_updated_since(
    storage: Storage,
) -> None:
    old = await user(storage, "old")
    already_inactive = await user(storage, "gone")
    await storage.use_cases.deactivate_user()(DeactivateUser(id_of(already_inactive)))
    storage.clock.advance(days=40)
    fresh = await user(storage, "fresh")
    cutoff = storage.clock.now() - timedelta(days=30)
    now = storage.clock.advance(minutes=1)

    async with storage.make_uow() as uow:
        count = await uow.users.deactivate_not_updated_since(cutoff, now)
        await uow.commit()

    assert count == 1
    old_view = await storage.users.get(id_of(old))
    fresh_view = await storage.users.get(id_of(fresh))
    assert old_view is not None
    assert fresh_view is not None
    assert (old_view.is_active, old_view.updated_at) == (False, now)
    assert fresh_view.is_active is True


async def test_purging_deletes_inactive_users_without_orders_only(storage: Storage) -> None:
    buyer = await user(storage, "buyer")
    idle = await user(storage, "idle")
    active = await user(storage, "active")
    item = await product(storage, "Lamp")
    await order(storage, id_of(buyer), (id_of(item), 1))
    for inactive in (buyer, idle):
        await storage.use_cases.deactivate_user()(DeactivateUser(id_of(inactive)))
    async with storage.make_uow() as uow:
        await uow.notifications.add(
            Notification.create(
                kind=NotificationKind.ORDER_PLACED,
                user_id=id_of(idle),
                message="Hello",
                now=storage.clock.now(),
            )
        )
        await uow.commit()

    async with storage.make_uow() as uow:
        deleted = await uow.users.delete_inactive_without_orders()
        await uow.commit()

    assert deleted == 1
    assert await storage.users.get(id_of(idle)) is None
    assert await storage.users.get(id_of(buyer)) is not None
    assert await storage.users.get(id_of(active)) is not None
    async with storage.make_uow() as uow:
        # Their notifications went with them.
        assert await uow.notifications.list_for_user(id_of(idle)) == []
