"""Sessions: refresh tokens and their families, the sign-in throttle, and the user's token
generation, which a new password or a deactivation moves on."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest

from domain.identity.sessions import LoginThrottle, RefreshToken, RefreshVerdict, hash_token
from domain.identity.user import User
from tests.unit.fakes import START

LIFETIME = timedelta(days=14)


def a_token() -> RefreshToken:
    token, _ = RefreshToken.issue(7, START, LIFETIME)
    return token


def a_user() -> User:
    return User.register(
        username="alice", email="alice@example.com", hashed_password="hash-1", now=START
    )


def throttle(failures: int) -> LoginThrottle:
    return LoginThrottle(account="user:7", failures=failures, last_failure_at=START)


# -- refresh tokens ----------------------------------------------------------------------
def test_a_token_is_kept_as_the_hash_of_its_secret_which_only_the_client_gets():
    token, secret = RefreshToken.issue(7, START, LIFETIME)

    assert token.token_hash == hash_token(secret)
    assert secret not in (token.token_hash, token.family)
    assert (token.user_id, token.issued_at, token.expires_at) == (7, START, START + LIFETIME)
    assert (token.retired_at, token.revoked_at, token.id) == (None, None, None)


def test_every_sign_in_starts_a_family_and_every_refresh_continues_one():
    first, first_secret = RefreshToken.issue(7, START, LIFETIME)
    other, other_secret = RefreshToken.issue(7, START, LIFETIME)
    following, following_secret = RefreshToken.issue(7, START, LIFETIME, family=first.family)

    assert len({first_secret, other_secret, following_secret}) == 3
    assert first.family != other.family
    assert following.family == first.family
    assert len(first.family) == 32  # the column's width


def test_the_hash_is_the_sha256_of_the_secret_in_hex():
    assert hash_token("abc") == hashlib.sha256(b"abc").hexdigest()
    assert len(hash_token("abc")) == 64  # the column's width
    assert hash_token("abc") != hash_token("abd")


def test_a_fresh_token_may_be_used_until_the_moment_it_expires():
    token = a_token()

    assert token.refusal(START) is None
    assert token.refusal(START + LIFETIME - timedelta(microseconds=1)) is None
    assert token.refusal(START + LIFETIME) is RefreshVerdict.EXPIRED


def test_a_retired_token_presented_again_is_a_reuse():
    token = a_token()

    token.retire(START + timedelta(minutes=5))

    assert token.retired_at == START + timedelta(minutes=5)
    assert token.refusal(START + timedelta(minutes=6)) is RefreshVerdict.REUSED


def test_a_reused_token_is_a_reuse_even_once_it_has_expired():
    # A copy presented late is still a sign that the token was copied.
    token = a_token()
    token.retire(START)

    assert token.refusal(START + LIFETIME * 2) is RefreshVerdict.REUSED


def test_a_revoked_token_is_revoked_whether_or_not_it_was_used():
    used, unused = a_token(), a_token()
    used.retire(START)
    used.revoked_at = unused.revoked_at = START + timedelta(minutes=1)

    # Revoked, not reused: presenting it again does not revoke its family a second time.
    assert used.refusal(START + timedelta(minutes=2)) is RefreshVerdict.REVOKED
    assert unused.refusal(START + timedelta(minutes=2)) is RefreshVerdict.REVOKED


# -- the sign-in throttle ----------------------------------------------------------------
@pytest.mark.parametrize("failures", [0, 1, 4])
def test_the_first_failures_cost_no_wait(failures):
    assert throttle(failures).wait() == timedelta(0)
    assert throttle(failures).retry_after(START) is None


@pytest.mark.parametrize(
    ("failures", "seconds"),
    [(5, 30), (6, 60), (7, 120), (8, 240), (11, 1920), (12, 3600), (13, 3600), (1_000, 3600)],
)
def test_from_the_fifth_failure_the_wait_doubles_up_to_an_hour(failures, seconds):
    assert throttle(failures).wait() == timedelta(seconds=seconds)


def test_the_wait_counts_from_the_last_failure():
    five = throttle(5)

    assert five.retry_after(START) == timedelta(seconds=30)
    assert five.retry_after(START + timedelta(seconds=12)) == timedelta(seconds=18)
    assert five.retry_after(START + timedelta(seconds=30)) is None
    assert five.retry_after(START + timedelta(hours=1)) is None


# -- the user's generation of sessions ---------------------------------------------------
def test_a_new_password_ends_every_session():
    user = a_user()

    user.revise(START + timedelta(hours=1), hashed_password="hash-2")

    assert (user.hashed_password, user.token_generation) == ("hash-2", 1)


def test_a_deactivation_ends_every_session_and_a_reactivation_starts_none():
    user = a_user()

    user.revise(START, is_active=False)
    assert user.token_generation == 1
    user.revise(START, is_active=True)
    assert user.token_generation == 1
    user.deactivate(START)
    assert user.token_generation == 2


@pytest.mark.parametrize(
    "edit",
    [
        {"username": "alice_b"},
        {"email": "new@example.com"},
        {"full_name": "Alice B"},
        {"bio": "Hello"},
        {"is_active": True},
        {"hashed_password": "hash-1"},  # the same password: no change at all
    ],
)
def test_a_profile_edit_keeps_the_sessions(edit):
    user = a_user()

    user.revise(START + timedelta(hours=1), **edit)

    assert user.token_generation == 0


def test_a_stronger_hash_of_the_same_password_keeps_the_sessions():
    user = a_user()

    user.rehash_password("hash-1-stronger")

    assert (user.hashed_password, user.token_generation, user.updated_at) == (
        "hash-1-stronger",
        0,
        START,
    )


def test_the_single_field_changes_end_sessions_as_revise_does():
    user = a_user()

    user.change_password("hash-2", START)
    assert user.token_generation == 1
    user.change_profile(full_name="Alice", bio=None, now=START)
    assert user.token_generation == 1
    user.set_active(False, START)
    user.set_active(False, START)  # already inactive: nothing more to end
    assert user.token_generation == 2
