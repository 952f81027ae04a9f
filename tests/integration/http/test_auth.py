"""/auth and the bearer token: signing in, staying signed in, signing out, and which tokens
are refused.

Tokens here are taken and sent by hand, through the anonymous client, so that each test sees
exactly what the server answers to the very token it holds. Each test signs up customers of
its own: failed sign-ins are counted per account.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import jwt
import pytest

from tests.integration.http.api import (
    JWT_SECRET,
    PASSWORD,
    Api,
    MovableClock,
    assert_problem,
    field_errors,
    token_pair,
)

WRONG_PASSWORD = "WrongPass123"
NEW_PASSWORD = "AnotherPass456"
ACCESS_TOKEN_LIFETIME = timedelta(minutes=15)  # the default ACCESS_TOKEN_MINUTES


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _sign_in(api: Api, login: str, password: str) -> httpx.Response:
    return await api.anonymous.post("/auth/token", data={"username": login, "password": password})


async def _me(api: Api, access_token: str) -> httpx.Response:
    return await api.anonymous.get("/users/me", headers=bearer(access_token))


async def _refresh(api: Api, refresh_token: str) -> httpx.Response:
    return await api.anonymous.post("/auth/refresh", json={"refresh_token": refresh_token})


def assert_refused(response: httpx.Response) -> dict[str, Any]:
    """A 401 that asks for a bearer token."""
    problem = assert_problem(response, 401, "unauthenticated")
    assert response.headers["www-authenticate"] == "Bearer"
    return problem


# ------------------------------------------------------------------------------ signing in
async def test_a_customer_signs_in_with_their_username_or_their_email_in_any_case(
    api: Api,
) -> None:
    customer = await api.customer()

    by_name = await token_pair(api.anonymous, customer.user["username"])
    by_email = await token_pair(api.anonymous, customer.user["email"].upper())

    for pair in (by_name, by_email):
        me = await _me(api, pair["access_token"])
        assert me.status_code == 200, me.text
        assert me.json()["id"] == customer.id


async def test_the_token_answer_is_an_oauth2_bearer_pair_that_no_cache_keeps(api: Api) -> None:
    customer = await api.customer()

    response = await api.anonymous.post(
        "/auth/token",
        data={
            "username": customer.user["username"],
            "password": PASSWORD,
            "grant_type": "password",
        },
    )

    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    pair = response.json()
    assert set(pair) == {"access_token", "token_type", "expires_in", "refresh_token"}
    assert pair["token_type"] == "bearer"
    assert pair["expires_in"] == ACCESS_TOKEN_LIFETIME.total_seconds()
    assert pair["refresh_token"] != pair["access_token"]
    assert jwt.get_unverified_header(pair["access_token"])["alg"] == "HS256"
    claims = jwt.decode(pair["access_token"], JWT_SECRET, algorithms=["HS256"])
    assert set(claims) == {"sub", "store", "gen", "iat", "exp", "jti"}
    assert (claims["sub"], claims["store"]) == (str(customer.id), "main")
    assert claims["exp"] - claims["iat"] == ACCESS_TOKEN_LIFETIME.total_seconds()


async def test_a_grant_type_other_than_password_is_a_422(api: Api) -> None:
    customer = await api.customer()

    response = await api.anonymous.post(
        "/auth/token",
        data={
            "username": customer.user["username"],
            "password": PASSWORD,
            "grant_type": "client_credentials",
        },
    )

    assert field_errors(assert_problem(response, 422)) == {"grant_type"}


async def test_an_unknown_name_a_wrong_password_and_a_deactivated_account_sound_alike(
    api: Api,
) -> None:
    customer = await api.customer()
    gone = await api.customer()
    await api.client.delete(f"/users/{gone.id}")

    unknown = await _sign_in(api, api.unique("nobody"), PASSWORD)
    wrong = await _sign_in(api, customer.user["username"], WRONG_PASSWORD)
    deactivated = await _sign_in(api, gone.user["username"], PASSWORD)

    # Nothing in the answer tells which names exist, or which accounts are closed.
    assert_refused(unknown)
    assert unknown.json() == wrong.json() == deactivated.json()
    assert unknown.headers["www-authenticate"] == wrong.headers["www-authenticate"]
    assert unknown.headers["www-authenticate"] == deactivated.headers["www-authenticate"]


async def test_five_failed_sign_ins_in_a_row_make_an_account_wait_longer_each_time(
    api: Api, movable_clock: MovableClock
) -> None:
    customer = await api.customer()
    name = customer.user["username"]
    movable_clock.stop()  # the waits are counted from the instant of each failure

    five = [await _sign_in(api, name, WRONG_PASSWORD) for _ in range(5)]
    sixth = await _sign_in(api, name, WRONG_PASSWORD)
    right_too_soon = await _sign_in(api, name, PASSWORD)
    movable_clock.shift = timedelta(seconds=31)
    seventh = await _sign_in(api, name, WRONG_PASSWORD)
    eighth = await _sign_in(api, name, WRONG_PASSWORD)

    for failed in five:
        assert_refused(failed)
    assert_problem(sixth, 429, "too-many-attempts")
    assert sixth.headers["retry-after"] == "30"
    # While the account waits, not even the right password is looked at.
    assert_problem(right_too_soon, 429, "too-many-attempts")
    assert_refused(seventh)
    assert_problem(eighth, 429, "too-many-attempts")
    assert eighth.headers["retry-after"] == "60"


async def test_a_successful_sign_in_forgets_the_failures_before_it(
    api: Api, movable_clock: MovableClock
) -> None:
    customer = await api.customer()
    name = customer.user["username"]
    movable_clock.stop()
    for _ in range(6):
        await _sign_in(api, name, WRONG_PASSWORD)

    movable_clock.shift = timedelta(seconds=31)
    signed_in = await _sign_in(api, name, PASSWORD)
    five_more = [await _sign_in(api, name, WRONG_PASSWORD) for _ in range(5)]
    sixth = await _sign_in(api, name, WRONG_PASSWORD)

    assert signed_in.status_code == 200, signed_in.text
    for failed in five_more:
        assert_refused(failed)
    assert_problem(sixth, 429, "too-many-attempts")
    assert sixth.headers["retry-after"] == "30"


async def test_a_name_that_does_not_exist_is_made_to_wait_alike(
    api: Api, movable_clock: MovableClock
) -> None:
    nobody = api.unique("nobody")
    movable_clock.stop()

    answers = [await _sign_in(api, nobody, WRONG_PASSWORD) for _ in range(6)]

    for refused in answers[:5]:
        assert_refused(refused)
    assert_problem(answers[5], 429, "too-many-attempts")
    assert answers[5].headers["retry-after"] == "30"


async def test_one_accounts_failures_do_not_make_another_wait(
    api: Api, movable_clock: MovableClock
) -> None:
    throttled, other = await api.customer(), await api.customer()
    movable_clock.stop()
    for _ in range(6):
        await _sign_in(api, throttled.user["username"], WRONG_PASSWORD)

    response = await _sign_in(api, other.user["username"], PASSWORD)

    assert response.status_code == 200, response.text


# ------------------------------------------------------------------------------ the account
async def test_a_deactivated_users_tokens_are_refused_from_the_next_request(api: Api) -> None:
    customer = await api.customer()
    pair = await token_pair(api.anonymous, customer.user["username"])
    before = await _me(api, pair["access_token"])

    deactivated = await api.client.delete(f"/users/{customer.id}")

    assert before.status_code == 200
    assert deactivated.status_code == 204
    assert_refused(await _me(api, pair["access_token"]))
    assert_refused(await _refresh(api, pair["refresh_token"]))


async def test_a_user_deactivated_for_staleness_is_signed_out(
    api: Api, movable_clock: MovableClock
) -> None:
    movable_clock.shift = -timedelta(days=400)
    customer = await api.customer()
    movable_clock.shift = timedelta(0)
    # Signing in is no update of the account: it stays stale.
    pair = await token_pair(api.anonymous, customer.user["username"])

    swept = await api.client.post("/users/maintenance/deactivate-stale", params={"days": 365})

    assert swept.json()["deactivated"] >= 1
    assert (await api.client.get(f"/users/{customer.id}")).json()["is_active"] is False
    assert_refused(await _me(api, pair["access_token"]))
    assert_refused(await _refresh(api, pair["refresh_token"]))


async def test_a_new_password_needs_the_current_one(api: Api) -> None:
    customer = await api.customer()
    pair = await token_pair(api.anonymous, customer.user["username"])
    headers = bearer(pair["access_token"])

    without = await api.anonymous.patch(
        "/users/me", json={"password": NEW_PASSWORD}, headers=headers
    )
    wrong = await api.anonymous.patch(
        "/users/me",
        json={"password": NEW_PASSWORD, "current_password": WRONG_PASSWORD},
        headers=headers,
    )

    assert field_errors(assert_problem(without, 422)) == {"current_password"}
    assert field_errors(assert_problem(wrong, 422)) == {"current_password"}
    # Nothing changed: the session goes on, and the password is the old one.
    assert (await _me(api, pair["access_token"])).status_code == 200
    assert_refused(await _sign_in(api, customer.user["username"], NEW_PASSWORD))


async def test_a_new_password_ends_every_session_of_the_account(api: Api) -> None:
    customer = await api.customer()
    name = customer.user["username"]
    this, other = await token_pair(api.anonymous, name), await token_pair(api.anonymous, name)

    changed = await api.anonymous.patch(
        "/users/me",
        json={"password": NEW_PASSWORD, "current_password": PASSWORD},
        headers=bearer(this["access_token"]),
    )

    assert changed.status_code == 200, changed.text
    for session in (this, other):
        assert_refused(await _me(api, session["access_token"]))
        assert_refused(await _refresh(api, session["refresh_token"]))
    assert_refused(await _sign_in(api, name, PASSWORD))
    fresh = await token_pair(api.anonymous, name, NEW_PASSWORD)
    assert (await _me(api, fresh["access_token"])).status_code == 200


# ------------------------------------------------------------------------------ refreshing
async def test_a_refresh_token_is_traded_for_a_new_pair_and_so_on(api: Api) -> None:
    customer = await api.customer()
    first = await token_pair(api.anonymous, customer.user["username"])

    response = await _refresh(api, first["refresh_token"])

    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    second = response.json()
    assert set(second) == set(first)
    assert second["access_token"] != first["access_token"]
    assert second["refresh_token"] != first["refresh_token"]
    me = await _me(api, second["access_token"])
    assert me.json()["id"] == customer.id
    third = await _refresh(api, second["refresh_token"])
    assert third.status_code == 200, third.text


async def test_a_retired_refresh_token_used_again_revokes_its_whole_family(api: Api) -> None:
    customer = await api.customer()
    name = customer.user["username"]
    first = await token_pair(api.anonymous, name)
    elsewhere = await token_pair(api.anonymous, name)  # another sign-in, another family
    second = (await _refresh(api, first["refresh_token"])).json()

    reused = await _refresh(api, first["refresh_token"])

    # A copy of a token was used: whoever holds the newest one must sign in again too.
    assert_refused(reused)
    assert_refused(await _refresh(api, second["refresh_token"]))
    assert (await _refresh(api, elsewhere["refresh_token"])).status_code == 200


async def test_a_refresh_token_that_was_never_issued_is_a_401(api: Api) -> None:
    assert_refused(await _refresh(api, "not-a-token-we-issued"))


async def test_signing_out_revokes_the_sign_in_and_may_be_repeated(api: Api) -> None:
    customer = await api.customer()
    name = customer.user["username"]
    pair = await token_pair(api.anonymous, name)
    elsewhere = await token_pair(api.anonymous, name)

    out = await api.anonymous.post("/auth/logout", json={"refresh_token": pair["refresh_token"]})
    again = await api.anonymous.post("/auth/logout", json={"refresh_token": pair["refresh_token"]})

    assert (out.status_code, again.status_code) == (204, 204)
    assert_refused(await _refresh(api, pair["refresh_token"]))
    assert (await _refresh(api, elsewhere["refresh_token"])).status_code == 200


# ------------------------------------------------------------------------------ the bearer
async def test_an_access_token_is_refused_once_it_has_expired(
    api: Api, movable_clock: MovableClock
) -> None:
    customer = await api.customer()
    pair = await token_pair(api.anonymous, customer.user["username"])

    movable_clock.shift = ACCESS_TOKEN_LIFETIME - timedelta(minutes=1)
    nearly = await _me(api, pair["access_token"])
    movable_clock.shift = ACCESS_TOKEN_LIFETIME + timedelta(minutes=1)
    expired = await _me(api, pair["access_token"])

    assert nearly.status_code == 200
    assert "expired" in assert_refused(expired)["detail"]


async def test_only_a_token_signed_with_the_apps_key_is_taken(api: Api) -> None:
    customer = await api.customer()
    pair = await token_pair(api.anonymous, customer.user["username"])
    claims = jwt.decode(pair["access_token"], options={"verify_signature": False})
    header, _, signature = pair["access_token"].split(".")
    other_users = jwt.encode({**claims, "sub": "1"}, JWT_SECRET, algorithm="HS256").split(".")

    resigned = jwt.encode(claims, JWT_SECRET, algorithm="HS256")
    unsigned = jwt.encode(claims, None, algorithm="none")
    other_key = jwt.encode(claims, "another-key-of-at-least-32-bytes!", algorithm="HS256")
    altered = f"{header}.{other_users[1]}.{signature}"  # someone else's claims, our signature

    # The same claims, signed with the app's key, are taken: only the signature differs.
    assert (await _me(api, resigned)).json()["id"] == customer.id
    for forged in (unsigned, other_key, altered):
        assert_refused(await _me(api, forged))


@pytest.mark.parametrize(
    "authorization",
    [
        pytest.param("Basic dXNlcjpwYXNz", id="basic"),
        pytest.param("Token abc.def.ghi", id="another-scheme"),
        pytest.param("Bearer", id="no-token"),
        pytest.param("Bearer    ", id="blank-token"),
        pytest.param("Bearer not-a-jwt", id="not-a-jwt"),
        pytest.param("Bearer " + "a" * 5000, id="far-too-long"),
    ],
)
@pytest.mark.parametrize("path", ["/users/me", "/products/"])
async def test_a_malformed_authorization_header_is_a_401_asking_for_a_bearer_token(
    api: Api, authorization: str, path: str
) -> None:
    # Where no token is needed too (/products/): a client that sends one means to sign in.
    response = await api.anonymous.get(path, headers={"Authorization": authorization})

    assert_refused(response)


async def test_a_bad_token_is_a_401_even_where_no_token_is_needed(api: Api) -> None:
    without = await api.anonymous.get("/products/")
    with_a_bad_one = await api.anonymous.get("/products/", headers=bearer("not-a-jwt"))

    # A client that believes it is signed in must hear that it is not.
    assert without.status_code == 200
    assert_refused(with_a_bad_one)
