"""User use cases: register (one or many), replace, patch, deactivate, and the clean-ups."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from adapters.memory import InMemoryStore, InMemoryUnitOfWork
from adapters.security import Argon2PasswordHasher
from application.identity.commands import (
    CreateAdmin,
    DeactivateStaleUsers,
    DeactivateUser,
    PatchUser,
    PurgeInactiveUsers,
    RegisterUser,
    RegisterUsers,
    ReplaceUser,
)
from application.identity.handlers import (
    CreateAdminHandler,
    DeactivateStaleUsersHandler,
    DeactivateUserHandler,
    EditUserHandler,
    PurgeInactiveUsersHandler,
    RegisterUserHandler,
    RegisterUsersHandler,
)
from application.shared.access import Forbidden
from domain.identity.sessions import RefreshToken
from domain.identity.user import User
from domain.shared.errors import DuplicateValue, InvalidValue, NotFound
from tests.support.actors import admin, anonymous, customer
from tests.support.fakes import PlainHasher, SteppingClock
from tests.unit.fakes import START
from tests.unit.seeding import PASSWORD, id_of

DAYS_14 = timedelta(days=14)


@pytest.fixture
def register(uow, clock, hasher) -> RegisterUserHandler:
    return RegisterUserHandler(uow, clock, hasher)


@pytest.fixture
def register_many(uow, clock, hasher) -> RegisterUsersHandler:
    return RegisterUsersHandler(uow, clock, hasher)


@pytest.fixture
def replace(uow, clock, hasher) -> EditUserHandler:
    return EditUserHandler(uow, clock, hasher)


@pytest.fixture
def patch(uow, clock, hasher) -> EditUserHandler:
    return EditUserHandler(uow, clock, hasher)


def stored(store: InMemoryStore, user: User) -> User:
    assert user.id is not None
    return store.rows(User)[user.id]


def a_registration(n: int = 1, **kw: Any) -> RegisterUser:
    fields: dict[str, Any] = {
        "username": f"user_{n}",
        "email": f"user{n}@example.com",
        "password": PASSWORD,
    }
    fields.update(kw)
    return RegisterUser(**fields)


# -- register ----------------------------------------------------------------------------
async def test_registering_stores_an_active_user_with_a_hashed_password(register, store, hasher):
    user = await register(anonymous(), a_registration(email="Ann@Example.com", full_name="Ann"))
    saved = stored(store, user)
    assert (saved.username, saved.email, saved.full_name) == ("user_1", "ann@example.com", "Ann")
    assert saved.is_active
    assert saved.created_at == START
    assert saved.hashed_password != PASSWORD
    assert await hasher.verify(saved.hashed_password, PASSWORD)


async def test_registering_a_taken_username_is_refused(register, store):
    await register(anonymous(), a_registration(1, username="ann"))
    with pytest.raises(DuplicateValue) as refused:
        await register(anonymous(), a_registration(2, username="ann"))
    assert (refused.value.entity, refused.value.field) == ("user", "username")
    assert len(store.rows(User)) == 1


async def test_registering_a_taken_email_in_other_case_is_refused(register, store):
    await register(anonymous(), a_registration(1, email="ann@example.com"))
    with pytest.raises(DuplicateValue) as refused:
        await register(anonymous(), a_registration(2, email="ANN@example.com"))
    assert refused.value.field == "email"
    assert len(store.rows(User)) == 1


async def test_registering_with_a_weak_password_is_refused_and_stores_nothing(register, store):
    with pytest.raises(InvalidValue) as refused:
        await register(anonymous(), a_registration(password="weakpass"))
    assert refused.value.field == "password"
    assert store.rows(User) == {}


# -- who may register an admin -----------------------------------------------------------
@pytest.mark.parametrize("caller", [anonymous(), customer(1)], ids=["anonymous", "customer"])
async def test_only_an_admin_may_register_an_admin(register, store, caller):
    with pytest.raises(Forbidden):
        await register(caller, a_registration(is_superuser=True))
    assert store.rows(User) == {}

    boss = await register(admin(), a_registration(is_superuser=True))

    assert stored(store, boss).is_superuser


async def test_anyone_may_sign_up_as_a_customer(register, store):
    first = await register(anonymous(), a_registration(1))
    second = await register(admin(), a_registration(2))

    assert [stored(store, u).is_superuser for u in (first, second)] == [False, False]


# -- register many -----------------------------------------------------------------------
async def test_registering_many_stores_them_all(register_many, store):
    users = await register_many(RegisterUsers(tuple(a_registration(n) for n in range(1, 4))))
    assert [u.username for u in users] == ["user_1", "user_2", "user_3"]
    assert sorted(store.rows(User)) == sorted(u.id for u in users)


async def test_a_duplicate_within_the_batch_refuses_the_whole_batch(register_many, store):
    batch = (a_registration(1), a_registration(2), a_registration(3, email="USER1@example.com"))
    with pytest.raises(DuplicateValue) as refused:
        await register_many(RegisterUsers(batch))
    assert refused.value.field == "email"
    assert store.rows(User) == {}


async def test_a_clash_with_a_stored_user_refuses_the_whole_batch(register_many, seed, store):
    await seed.user("taken")
    batch = (a_registration(1), a_registration(2, username="taken"))
    with pytest.raises(DuplicateValue):
        await register_many(RegisterUsers(batch))
    assert [u.username for u in store.rows(User).values()] == ["taken"]


async def test_one_invalid_user_refuses_the_whole_batch(register_many, store):
    with pytest.raises(InvalidValue):
        await register_many(RegisterUsers((a_registration(1), a_registration(2, username="x"))))
    assert store.rows(User) == {}


class CountingHasher(PlainHasher):
    def __init__(self) -> None:
        self.hashed = 0

    async def hash(self, password: str) -> str:
        self.hashed += 1
        return await super().hash(password)


@pytest.mark.parametrize(
    ("last", "refusal"),
    [
        pytest.param({"full_name": "Ann\nB"}, InvalidValue, id="invalid-field"),
        pytest.param({"password": "weakpass"}, InvalidValue, id="weak-password"),
        pytest.param({"username": "user_1"}, DuplicateValue, id="username-twice-in-batch"),
        pytest.param({"email": "USER1@example.com"}, DuplicateValue, id="email-twice-in-batch"),
        pytest.param({"username": "taken"}, DuplicateValue, id="username-taken"),
        pytest.param({"email": "Taken@example.com"}, DuplicateValue, id="email-taken"),
    ],
)
async def test_a_refused_batch_hashes_no_password(uow, clock, seed, store, last, refusal):
    await seed.user("taken", "taken@example.com")
    hasher = CountingHasher()
    batch = (*(a_registration(n) for n in range(1, 100)), a_registration(100, **last))

    with pytest.raises(refusal):
        await RegisterUsersHandler(uow, clock, hasher)(RegisterUsers(batch))

    assert hasher.hashed == 0
    assert [u.username for u in store.rows(User).values()] == ["taken"]


async def test_a_taken_username_or_email_is_named_in_the_refusal(register_many, seed):
    await seed.user("taken", "taken@example.com")
    batch = (a_registration(1), a_registration(2, email="TAKEN@example.com"))

    with pytest.raises(DuplicateValue) as refused:
        await register_many(RegisterUsers(batch))

    assert (refused.value.entity, refused.value.field) == ("user", "email")
    assert "taken@example.com" in refused.value.detail


@pytest.mark.parametrize("size", [0, 101])
async def test_a_batch_holds_1_to_100_users(register_many, size):
    with pytest.raises(InvalidValue):
        await register_many(RegisterUsers(tuple(a_registration(n) for n in range(size))))


# -- replace (PUT) -----------------------------------------------------------------------
async def test_replacing_a_user_sets_every_field(replace, seed, store, clock):
    user = await seed.user("ann")
    later = clock.advance(hours=1)
    await replace(
        admin(),
        ReplaceUser(
            user_id=id_of(user),
            username="ann_b",
            email="AnnB@example.com",
            full_name="Ann B",
            bio="Hello",
            is_active=False,
        ),
    )
    saved = stored(store, user)
    assert (saved.username, saved.email, saved.full_name, saved.bio, saved.is_active) == (
        "ann_b",
        "annb@example.com",
        "Ann B",
        "Hello",
        False,
    )
    assert saved.updated_at == later
    assert saved.hashed_password == user.hashed_password  # no password given: unchanged


async def test_replacing_with_a_password_re_hashes_it(replace, seed, store, hasher):
    user = await seed.user("ann")
    new_password = "Another456"
    await replace(
        admin(),
        ReplaceUser(
            id_of(user), "ann", user.email, None, None, is_active=True, password=new_password
        ),
    )
    saved = stored(store, user)
    assert saved.hashed_password not in (new_password, user.hashed_password)
    assert await hasher.verify(saved.hashed_password, new_password)
    assert not await hasher.verify(saved.hashed_password, PASSWORD)


async def test_replacing_an_unknown_user_is_not_found(replace):
    with pytest.raises(NotFound):
        await replace(
            admin(), ReplaceUser(99, "ann", "ann@example.com", None, None, is_active=True)
        )


async def test_replacing_with_a_taken_username_is_refused_and_changes_nothing(replace, seed, store):
    await seed.user("ann")
    bob = await seed.user("bob")
    with pytest.raises(DuplicateValue):
        await replace(admin(), ReplaceUser(id_of(bob), "ann", "new@example.com", "B", None, True))
    saved = stored(store, bob)
    assert (saved.username, saved.email, saved.full_name) == ("bob", bob.email, None)


# -- patch -------------------------------------------------------------------------------
async def test_patching_changes_only_the_fields_given(patch, seed, store):
    user = await seed.user("ann")
    await patch(admin(), PatchUser(id_of(user), full_name="Ann A"))
    saved = stored(store, user)
    assert (saved.username, saved.email, saved.full_name) == ("ann", user.email, "Ann A")
    await patch(admin(), PatchUser(id_of(user), bio="Reader"))
    assert (stored(store, user).full_name, stored(store, user).bio) == ("Ann A", "Reader")


async def test_patching_a_field_to_none_clears_it(patch, seed, store):
    user = await seed.user("ann")
    await patch(admin(), PatchUser(id_of(user), full_name="Ann A"))
    await patch(admin(), PatchUser(id_of(user), full_name=None))
    assert stored(store, user).full_name is None


async def test_patching_the_password_re_hashes_it(patch, seed, store, hasher):
    user = await seed.user("ann")
    await patch(admin(), PatchUser(id_of(user), password="Brand9New"))
    saved = stored(store, user)
    assert saved.hashed_password != "Brand9New"
    assert await hasher.verify(saved.hashed_password, "Brand9New")


async def test_patching_with_a_weak_password_is_refused(patch, seed, store):
    user = await seed.user("ann")
    with pytest.raises(InvalidValue):
        await patch(admin(), PatchUser(id_of(user), password="short"))
    assert stored(store, user).hashed_password == user.hashed_password


async def test_patching_to_a_taken_email_is_refused(patch, seed, store):
    ann = await seed.user("ann")
    bob = await seed.user("bob")
    with pytest.raises(DuplicateValue):
        await patch(admin(), PatchUser(id_of(bob), email=ann.email.upper()))
    assert stored(store, bob).email == bob.email


async def test_patching_an_unknown_user_is_not_found(patch):
    with pytest.raises(NotFound):
        await patch(admin(), PatchUser(42, bio="x"))


# -- who may edit, and what a customer must give -------------------------------------------
async def test_a_customer_editing_another_user_finds_no_one(patch, seed, store):
    ann, bob = await seed.user("ann"), await seed.user("bob")

    with pytest.raises(NotFound) as refused:
        await patch(customer(id_of(ann)), PatchUser(id_of(bob), full_name="Not Bob"))

    assert refused.value.entity == "user"
    assert stored(store, bob).full_name is None


async def test_a_customer_edits_their_own_profile_without_their_password(patch, seed, store):
    ann = await seed.user("ann")

    await patch(customer(id_of(ann)), PatchUser(id_of(ann), username="ann_b", bio="Reader"))

    assert (stored(store, ann).username, stored(store, ann).bio) == ("ann_b", "Reader")


@pytest.mark.parametrize("active", [False, True])
async def test_a_customer_may_not_change_whether_their_account_is_active(
    patch, seed, store, active
):
    ann = await seed.user("ann")

    with pytest.raises(Forbidden):
        await patch(customer(id_of(ann)), PatchUser(id_of(ann), is_active=active))

    assert stored(store, ann).is_active


@pytest.mark.parametrize(
    "change",
    [{"password": "Brand9New"}, {"email": "new@example.com"}],
    ids=["password", "email"],
)
@pytest.mark.parametrize("given", [None, "Wrong1234"], ids=["none", "wrong"])
async def test_changing_your_own_password_or_email_asks_for_the_current_password(
    patch, seed, store, change, given
):
    ann = await seed.user("ann")

    with pytest.raises(InvalidValue) as refused:
        await patch(customer(id_of(ann)), PatchUser(id_of(ann), current_password=given, **change))

    assert refused.value.field == "current_password"
    saved = stored(store, ann)
    assert (saved.email, saved.hashed_password) == (ann.email, ann.hashed_password)


async def test_with_the_current_password_your_own_password_and_email_change(
    patch, seed, store, hasher
):
    ann = await seed.user("ann")

    await patch(
        customer(id_of(ann)),
        PatchUser(
            id_of(ann), email="New@Example.com", password="Brand9New", current_password=PASSWORD
        ),
    )

    saved = stored(store, ann)
    assert saved.email == "new@example.com"
    assert await hasher.verify(saved.hashed_password, "Brand9New")


async def test_a_password_change_revokes_every_refresh_token_of_that_user_only(
    patch, seed, store, clock
):
    ann, bob = await seed.user("ann"), await seed.user("bob")
    async with InMemoryUnitOfWork(store) as uow:
        for owner in (ann, ann, bob):
            await uow.refresh_tokens.add(RefreshToken.issue(id_of(owner), START, DAYS_14)[0])
        await uow.commit()
    later = clock.advance(hours=1)

    await patch(
        customer(id_of(ann)),
        PatchUser(id_of(ann), password="Brand9New", current_password=PASSWORD),
    )

    by_owner = [(t.user_id, t.revoked_at) for t in store.rows(RefreshToken).values()]
    assert by_owner == [(ann.id, later), (ann.id, later), (bob.id, None)]
    assert stored(store, ann).token_generation == ann.token_generation + 1


async def test_a_profile_edit_revokes_no_refresh_token(patch, seed, store):
    ann = await seed.user("ann")
    async with InMemoryUnitOfWork(store) as uow:
        await uow.refresh_tokens.add(RefreshToken.issue(id_of(ann), START, DAYS_14)[0])
        await uow.commit()

    await patch(customer(id_of(ann)), PatchUser(id_of(ann), full_name="Ann A"))

    [token] = store.rows(RefreshToken).values()
    assert token.revoked_at is None
    assert stored(store, ann).token_generation == ann.token_generation


# -- admin accounts from the operator ----------------------------------------------------
@pytest.fixture
def create_admin(uow, clock, hasher) -> CreateAdminHandler:
    return CreateAdminHandler(uow, clock, hasher)


async def test_the_operator_creates_an_admin(create_admin, store, hasher):
    boss, created = await create_admin(CreateAdmin("boss", "Boss@Example.com", PASSWORD))

    saved = stored(store, boss)
    assert created is True
    assert (saved.username, saved.email, saved.is_superuser, saved.is_active) == (
        "boss",
        "boss@example.com",
        True,
        True,
    )
    assert await hasher.verify(saved.hashed_password, PASSWORD)


async def test_an_admin_already_there_is_the_answer_when_that_is_enough(create_admin, store):
    boss, _ = await create_admin(CreateAdmin("boss", "boss@example.com", PASSWORD))

    again, created = await create_admin(
        CreateAdmin("boss", "other@example.com", "Other1234", existing_ok=True)
    )

    assert (again.id, created) == (boss.id, False)
    assert len(store.rows(User)) == 1
    assert stored(store, boss).email == "boss@example.com"  # nothing was changed


async def test_an_admin_already_there_is_a_conflict_when_asked_for_a_new_one(create_admin, store):
    await create_admin(CreateAdmin("boss", "boss@example.com", PASSWORD))

    with pytest.raises(DuplicateValue) as refused:
        await create_admin(CreateAdmin("boss", "boss@example.com", PASSWORD))

    assert refused.value.field == "username"
    assert len(store.rows(User)) == 1


@pytest.mark.parametrize("existing_ok", [False, True])
async def test_a_customer_of_that_name_is_never_made_an_admin(
    create_admin, seed, store, existing_ok
):
    ann = await seed.user("ann")

    with pytest.raises(DuplicateValue):
        await create_admin(
            CreateAdmin("ann", "boss@example.com", PASSWORD, existing_ok=existing_ok)
        )

    assert not stored(store, ann).is_superuser
    assert len(store.rows(User)) == 1


async def test_an_admin_of_a_taken_email_is_refused(create_admin, seed, store):
    await seed.user("ann", "ann@example.com")

    with pytest.raises(DuplicateValue) as refused:
        await create_admin(CreateAdmin("boss", "ANN@example.com", PASSWORD, existing_ok=True))

    assert refused.value.field == "email"


async def test_an_admin_with_a_weak_password_is_refused(create_admin, store):
    with pytest.raises(InvalidValue) as refused:
        await create_admin(CreateAdmin("boss", "boss@example.com", "weak"))

    assert refused.value.field == "password"
    assert store.rows(User) == {}


# -- deactivate --------------------------------------------------------------------------
async def test_deleting_a_user_deactivates_it(uow, clock, seed, store):
    user = await seed.user()
    await DeactivateUserHandler(uow, clock)(DeactivateUser(id_of(user)))
    assert not stored(store, user).is_active


async def test_deactivating_an_unknown_user_is_not_found(uow, clock):
    with pytest.raises(NotFound):
        await DeactivateUserHandler(uow, clock)(DeactivateUser(7))


async def test_users_not_updated_for_n_days_are_deactivated(uow, clock, seed, store):
    old = await seed.user("old")
    already = await seed.user("already", active=False)
    clock.advance(days=20)
    recent = await seed.user("recent")
    clock.advance(days=15)
    count = await DeactivateStaleUsersHandler(uow, clock)(DeactivateStaleUsers(days=30))
    assert count == 1
    assert not stored(store, old).is_active
    assert stored(store, old).updated_at == clock.now()
    assert stored(store, recent).is_active
    assert stored(store, already).updated_at == START


@pytest.mark.parametrize("days", [0, -1, 36_501])
async def test_the_stale_period_is_1_to_36500_days(uow, clock, days):
    with pytest.raises(InvalidValue):
        await DeactivateStaleUsersHandler(uow, clock)(DeactivateStaleUsers(days=days))


async def test_purging_deletes_inactive_users_without_orders_only(uow, seed, store):
    product = await seed.product(stock=5)
    buyer = await seed.user("buyer")
    await seed.order(id_of(buyer), (id_of(product), 1))
    buyer = await DeactivateUserHandler(InMemoryUnitOfWork(store), seed.clock)(
        DeactivateUser(id_of(buyer))
    )
    idle = await seed.user("idle", active=False)
    active = await seed.user("active")
    count = await PurgeInactiveUsersHandler(uow)(PurgeInactiveUsers())
    assert count == 1
    assert idle.id not in store.rows(User)
    assert {buyer.id, active.id} <= set(store.rows(User))


async def test_the_clock_decides_the_cut_off_not_the_wall_clock(uow, seed, store):
    user = await seed.user()
    clock = SteppingClock(START + timedelta(days=2))
    assert await DeactivateStaleUsersHandler(uow, clock)(DeactivateStaleUsers(days=1)) == 1
    assert not stored(store, user).is_active


async def test_the_cheap_hasher_is_still_argon2id(hasher: Argon2PasswordHasher):
    assert (await hasher.hash(PASSWORD)).startswith("$argon2id$")
