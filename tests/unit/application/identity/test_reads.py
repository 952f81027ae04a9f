"""Accounts as a caller sees them: a customer reads their own account only; another account
is not found, exactly like one that does not exist. An admin reads any."""

from __future__ import annotations

import pytest

from adapters.memory import InMemoryUserQueries
from application.identity.reads import UserReads
from application.shared.access import Unauthenticated
from domain.shared.errors import NotFound
from tests.support.actors import admin, anonymous, customer
from tests.unit.seeding import id_of


@pytest.fixture
def reads(store) -> UserReads:
    return UserReads(InMemoryUserQueries(store))


async def test_a_customer_reads_their_own_account_by_id_email_or_as_me(reads, seed):
    ann = await seed.user("ann", "ann@example.com")
    as_ann = customer(id_of(ann))

    assert (await reads.get(as_ann, id_of(ann))).username == "ann"
    assert (await reads.get_by_email(as_ann, "ANN@example.com")).id == ann.id
    assert (await reads.me(as_ann)).id == ann.id


async def test_another_account_is_not_found_exactly_like_a_missing_one(reads, seed):
    ann = await seed.user("ann", "ann@example.com")
    bob = await seed.user("bob", "bob@example.com")
    as_ann = customer(id_of(ann))

    with pytest.raises(NotFound) as other:
        await reads.get(as_ann, id_of(bob))
    with pytest.raises(NotFound) as missing:
        await reads.get(admin(), 999)
    with pytest.raises(NotFound) as other_email:
        await reads.get_by_email(as_ann, "bob@example.com")
    with pytest.raises(NotFound) as missing_email:
        await reads.get_by_email(admin(), "nobody@example.com")

    assert other.value.detail == NotFound("user", id_of(bob)).detail
    assert missing.value.detail == NotFound("user", 999).detail
    assert other_email.value.detail == NotFound("user", "bob@example.com", by="email").detail
    assert missing_email.value.detail.startswith("user with email")


async def test_an_admin_reads_any_account(reads, seed):
    bob = await seed.user("bob", "bob@example.com")

    assert (await reads.get(admin(), id_of(bob))).username == "bob"
    assert (await reads.get_by_email(admin(), "bob@example.com")).id == bob.id


async def test_nobody_signed_in_has_no_account_to_read(reads, seed):
    await seed.user("ann")

    with pytest.raises(Unauthenticated):
        await reads.me(anonymous())
    with pytest.raises(NotFound):
        await reads.get(anonymous(), 1)
