"""Passwords are hashed with argon2id, salted, and verified without ever raising."""

from __future__ import annotations

import pytest

from adapters.security import Argon2PasswordHasher

PASSWORD = "Secret123"


def test_a_hash_is_argon2id_and_never_the_password(hasher):
    hashed = hasher.hash(PASSWORD)
    assert hashed.startswith("$argon2id$")
    assert PASSWORD not in hashed


def test_hashes_are_salted(hasher):
    assert hasher.hash(PASSWORD) != hasher.hash(PASSWORD)


def test_only_the_right_password_verifies(hasher):
    hashed = hasher.hash(PASSWORD)
    assert hasher.verify(hashed, PASSWORD)
    assert not hasher.verify(hashed, "secret123")
    assert not hasher.verify(hashed, "")


@pytest.mark.parametrize(
    "hashed",
    ["", "not a hash", "$argon2id$v=19$m=8,t=1,p=1$é$é", "$2b$12$bcryptlookingthing", "\x00"],
)
def test_a_malformed_hash_does_not_verify_and_does_not_raise(hasher, hashed):
    assert hasher.verify(hashed, PASSWORD) is False


def test_a_truncated_hash_does_not_verify(hasher):
    assert not hasher.verify(hasher.hash(PASSWORD)[:-4], PASSWORD)


def test_the_test_profile_is_cheap_and_the_default_is_rfc_9106_low_memory():
    assert "$m=8,t=1,p=1$" in Argon2PasswordHasher.for_tests().hash(PASSWORD)
    default = Argon2PasswordHasher()
    hashed = default.hash(PASSWORD)
    assert "$m=65536,t=3,p=4$" in hashed
    assert default.verify(hashed, PASSWORD)


def test_a_hash_made_with_one_profile_verifies_with_another(hasher):
    # Parameters travel inside the hash, so changing the profile never locks anyone out.
    assert Argon2PasswordHasher(time_cost=2, memory_cost=16).verify(hasher.hash(PASSWORD), PASSWORD)
