"""Access tokens are HS256 JWTs: what one says comes back as it was issued, and anything
else (expired, unsigned, signed with another key or another algorithm, incomplete, or not a
token at all) is refused as `Unauthenticated`. Time is the application's clock, never the
machine's."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest

from adapters.security import JwtAccessTokens
from application.shared.access import Unauthenticated
from tests.unit.fakes import START

SECRET = "s" * 64  # long enough for HS512 too, so that only the algorithm differs
LIFETIME = timedelta(minutes=15)
LEEWAY = timedelta(seconds=5)


@pytest.fixture
def tokens() -> JwtAccessTokens:
    return JwtAccessTokens(SECRET, LIFETIME)


def claims(**changes: Any) -> dict[str, Any]:
    """The claims a token issued at START says, with `changes`; a change to None drops it."""
    given = {
        "sub": "42",
        "store": "main",
        "gen": 3,
        "iat": int(START.timestamp()),
        "exp": int((START + LIFETIME).timestamp()),
        "jti": "0" * 32,
    }
    given.update(changes)
    return {name: value for name, value in given.items() if value is not None}


def segment(part: dict[str, Any] | bytes) -> str:
    raw = part if isinstance(part, bytes) else json.dumps(part).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def hand_made(header: dict[str, Any], body: dict[str, Any], key: str | None) -> str:
    """A JWT put together by hand, its signature an HMAC-SHA256 with `key` (none without)."""
    signing_input = f"{segment(header)}.{segment(body)}"
    if key is None:
        return f"{signing_input}."
    signature = hmac.new(key.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{segment(signature)}"


def refused(tokens: JwtAccessTokens, token: str, now: datetime = START) -> Unauthenticated:
    with pytest.raises(Unauthenticated) as refusal:
        tokens.read(token, now)
    return refusal.value


# -- a genuine token ---------------------------------------------------------------------
def test_a_token_says_what_it_was_issued_with(tokens):
    token = tokens.issue(42, "main", 3, START)

    read = tokens.read(token, START)

    assert (read.user_id, read.store, read.generation) == (42, "main", 3)
    assert (read.issued_at, read.expires_at) == (START, START + LIFETIME)
    assert len(read.token_id) == 32
    assert tokens.read(tokens.issue(42, "main", 3, START), START).token_id != read.token_id


@pytest.mark.parametrize(
    "issued", [START, datetime(2100, 6, 1, tzinfo=UTC)], ids=["past", "future"]
)
def test_the_machines_clock_plays_no_part(tokens, issued):
    # Whatever the date on this machine, one of these would be expired or not yet issued by
    # it; both are read at the application's time.
    assert tokens.read(tokens.issue(42, "main", 0, issued), issued).user_id == 42


def test_a_token_is_an_hs256_jwt_with_every_claim(tokens):
    token = tokens.issue(42, "outlet", 3, START)

    assert jwt.get_unverified_header(token)["alg"] == "HS256"
    decoded = jwt.decode(token, SECRET, algorithms=["HS256"], options={"verify_exp": False})
    assert set(decoded) == {"sub", "store", "gen", "iat", "exp", "jti"}
    assert (decoded["sub"], decoded["store"], decoded["gen"]) == ("42", "outlet", 3)


# -- expiry and issue time -----------------------------------------------------------------
def test_a_token_expires_after_its_lifetime_give_or_take_the_leeway(tokens):
    token = tokens.issue(42, "main", 3, START)
    end = START + LIFETIME

    assert tokens.read(token, end + LEEWAY - timedelta(seconds=1)).user_id == 42
    assert "expired" in refused(tokens, token, end + LEEWAY).detail
    assert "expired" in refused(tokens, token, end + timedelta(days=1)).detail


def test_a_token_issued_in_the_future_is_refused(tokens):
    early = tokens.issue(42, "main", 3, START + LEEWAY + timedelta(seconds=1))
    within = tokens.issue(42, "main", 3, START + LEEWAY)

    refused(tokens, early, START)
    assert tokens.read(within, START).user_id == 42


# -- forgeries -----------------------------------------------------------------------------
def test_an_unsigned_token_is_refused(tokens):
    refused(tokens, jwt.encode(claims(), None, algorithm="none"))
    refused(tokens, hand_made({"alg": "none", "typ": "JWT"}, claims(), None))
    # Even with a valid HS256 signature attached, "none" is not accepted.
    refused(tokens, hand_made({"alg": "none", "typ": "JWT"}, claims(), SECRET))


def test_a_token_signed_with_another_key_is_refused(tokens):
    refused(tokens, jwt.encode(claims(), "t" * 32, algorithm="HS256"))
    other = JwtAccessTokens("t" * 32, LIFETIME)
    refused(tokens, other.issue(42, "main", 3, START))


def test_a_token_of_another_algorithm_is_refused_even_with_our_key(tokens):
    refused(tokens, jwt.encode(claims(), SECRET, algorithm="HS512"))
    refused(tokens, jwt.encode(claims(), SECRET, algorithm="HS384"))
    # The confusion attack: an HMAC made with our key, under a public-key algorithm's name.
    refused(tokens, hand_made({"alg": "RS256", "typ": "JWT"}, claims(), SECRET))
    refused(tokens, hand_made({"alg": "ES256", "typ": "JWT"}, claims(), SECRET))


def test_the_hand_made_tokens_are_well_made(tokens):
    # The same hand, with the right header, makes a token that is accepted: the refusals
    # above are about their algorithms, not about the way they were put together.
    assert tokens.read(hand_made({"alg": "HS256", "typ": "JWT"}, claims(), SECRET), START)


def test_a_token_altered_after_signing_is_refused(tokens):
    header, _, signature = tokens.issue(42, "main", 3, START).split(".")
    promoted = segment(claims(sub="1"))

    refused(tokens, f"{header}.{promoted}.{signature}")


@pytest.mark.parametrize("missing", ["sub", "store", "gen", "iat", "exp", "jti"])
def test_a_token_missing_a_claim_is_refused(tokens, missing):
    assert tokens.read(jwt.encode(claims(), SECRET, algorithm="HS256"), START)

    refused(tokens, jwt.encode(claims(**{missing: None}), SECRET, algorithm="HS256"))


@pytest.mark.parametrize(
    "change",
    [
        {"sub": "forty-two"},
        {"sub": 42},
        {"gen": "three"},
        {"gen": [3]},
        {"iat": "yesterday"},
        {"exp": 10**20},
    ],
    ids=["sub-not-a-number", "sub-not-a-string", "gen-text", "gen-list", "iat-text", "exp-huge"],
)
def test_a_token_with_a_claim_of_the_wrong_kind_is_refused(tokens, change):
    refused(tokens, jwt.encode(claims(**change), SECRET, algorithm="HS256"))


@pytest.mark.parametrize(
    "garbage",
    ["", "garbage", "a.b.c", "a.b", "...", "Bearer x", "é.é.é", "eyJ" * 100],
)
def test_garbage_is_refused(tokens, garbage):
    refused(tokens, garbage)


# -- the key -------------------------------------------------------------------------------
@pytest.mark.parametrize("secret", ["", "s" * 31, "é" * 15])
def test_a_signing_key_shorter_than_32_bytes_is_refused(secret):
    with pytest.raises(ValueError, match="32 bytes"):
        JwtAccessTokens(secret, LIFETIME)


@pytest.mark.parametrize("secret", ["s" * 32, "é" * 16])
def test_a_signing_key_of_32_bytes_is_enough(secret):
    tokens = JwtAccessTokens(secret, LIFETIME)

    assert tokens.read(tokens.issue(1, "main", 0, START), START).user_id == 1
