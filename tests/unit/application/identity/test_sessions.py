"""Sessions: signing in, refreshing, signing out, and who a bearer token is.

A wrong password and an unknown name get the same answer after the same work; five failures
in a row throttle the account; refresh tokens rotate, and a retired one presented again
revokes its family; an access token stops working when its account's password changes, when
the account is deactivated, and an admin's rights go with the account, not the token.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest

from adapters.memory import InMemoryStore, InMemoryUnitOfWork, InMemoryUserQueries
from adapters.security import JwtAccessTokens
from application.identity.commands import (
    Authenticate,
    DeactivateStaleUsers,
    DeactivateUser,
    LogIn,
    LogOut,
    PatchUser,
    PurgeInactiveUsers,
    Refresh,
)
from application.identity.handlers import (
    DeactivateStaleUsersHandler,
    DeactivateUserHandler,
    EditUserHandler,
    PurgeInactiveUsersHandler,
)
from application.identity.sessions import (
    AuthenticateHandler,
    InvalidCredentials,
    LogInHandler,
    LogOutHandler,
    ReadAccessTokenHandler,
    RefreshHandler,
    TokenPair,
    TooManyAttempts,
)
from application.shared.access import Principal, Role, Unauthenticated
from domain.identity.sessions import LoginThrottle, RefreshToken, hash_token
from domain.identity.user import User
from tests.support.actors import customer
from tests.support.fakes import PlainHasher
from tests.unit.seeding import PASSWORD, Seed, id_of

ACCESS_LIFETIME = timedelta(minutes=15)
REFRESH_LIFETIME = timedelta(days=14)
WRONG = "Wrong1234"


class SpyHasher(PlainHasher):
    """A cheap hasher that notes what it was asked to do. Its hashes name the profile they
    were made with (`profile$password`); one made with an older profile verifies, and needs
    a rehash. `while_verifying` runs in the middle of a `verify`, for races."""

    def __init__(self) -> None:
        self.profile = "plain"
        self.calls: list[str] = []
        self.while_verifying: Callable[[], Awaitable[None]] | None = None

    async def hash(self, password: str) -> str:
        self.calls.append("hash")
        return f"{self.profile}${password}"

    async def verify(self, hashed: str, password: str) -> bool:
        self.calls.append("verify")
        if self.while_verifying is not None:
            await self.while_verifying()
        _, dollar, plain = hashed.partition("$")
        return bool(dollar) and plain == password

    async def verify_nobody(self, password: str) -> bool:
        self.calls.append("verify_nobody")
        return False

    def needs_rehash(self, hashed: str) -> bool:
        return not hashed.startswith(f"{self.profile}$")


@pytest.fixture
def hasher() -> SpyHasher:
    """This module's hasher, which the `seed` fixture signs users up with too."""
    return SpyHasher()


@pytest.fixture
def tokens() -> JwtAccessTokens:
    return JwtAccessTokens("k" * 64, ACCESS_LIFETIME)


@pytest.fixture
def log_in(uow, clock, hasher, tokens) -> LogInHandler:
    return LogInHandler(uow, clock, hasher, tokens, REFRESH_LIFETIME)


@pytest.fixture
def refresh(uow, clock, tokens) -> RefreshHandler:
    return RefreshHandler(uow, clock, tokens, REFRESH_LIFETIME)


@pytest.fixture
def log_out(uow, clock) -> LogOutHandler:
    return LogOutHandler(uow, clock)


@pytest.fixture
def authenticate(store, clock, tokens) -> Callable[[Authenticate], Awaitable[Principal]]:
    """Who a bearer token is, in the gate's two steps: what the token says (genuine and
    unexpired), then whether its account may still act on it."""
    read = ReadAccessTokenHandler(clock, tokens)
    account = AuthenticateHandler(InMemoryUserQueries(store))

    async def authenticate(command: Authenticate) -> Principal:
        return await account(read(command))

    return authenticate


@pytest.fixture
async def ann(seed: Seed, hasher: SpyHasher) -> User:
    user = await seed.user("ann", "ann@example.com")
    hasher.calls.clear()
    return user


def stored_token(store: InMemoryStore, secret: str) -> RefreshToken:
    [token] = [t for t in store.rows(RefreshToken).values() if t.token_hash == hash_token(secret)]
    return token


def failures(store: InMemoryStore, account: str) -> int:
    found = [t.failures for t in store.rows(LoginThrottle).values() if t.account == account]
    return found[0] if found else 0


async def fail(log_in: LogInHandler, login: str, times: int = 1) -> None:
    for _ in range(times):
        with pytest.raises(InvalidCredentials):
            await log_in(LogIn(login, WRONG))


# -- signing in --------------------------------------------------------------------------
async def test_signing_in_by_username_gives_a_pair_whose_access_token_is_the_user(
    log_in, authenticate, ann
):
    pair = await log_in(LogIn("ann", PASSWORD))

    assert isinstance(pair, TokenPair)
    assert pair.expires_in == 15 * 60
    assert await authenticate(Authenticate(pair.access_token)) == customer(id_of(ann))


async def test_signing_in_by_email_in_any_case_is_the_same_account(log_in, authenticate, ann):
    pair = await log_in(LogIn("Ann@Example.COM", PASSWORD))

    principal = await authenticate(Authenticate(pair.access_token))
    assert (principal.user_id, principal.role) == (ann.id, Role.CUSTOMER)


async def test_each_sign_in_starts_a_family_of_refresh_tokens_kept_as_hashes(log_in, store, ann):
    first = await log_in(LogIn("ann", PASSWORD))
    second = await log_in(LogIn("ann", PASSWORD))

    one, other = stored_token(store, first.refresh_token), stored_token(store, second.refresh_token)
    assert one.family != other.family
    assert (one.user_id, other.user_id) == (ann.id, ann.id)
    secrets = {first.refresh_token, second.refresh_token}
    assert not secrets & {t.token_hash for t in store.rows(RefreshToken).values()}


async def test_the_store_signed_in_to_is_the_principals(log_in, authenticate, ann):
    pair = await log_in(LogIn("ann", PASSWORD, store="outlet"))

    assert (await authenticate(Authenticate(pair.access_token))).store == "outlet"


async def test_a_wrong_password_and_an_unknown_name_are_the_same_refusal(log_in, hasher, ann):
    with pytest.raises(InvalidCredentials) as wrong_password:
        await log_in(LogIn("ann", WRONG))
    checked_for_ann = list(hasher.calls)
    hasher.calls.clear()
    with pytest.raises(InvalidCredentials) as unknown_name:
        await log_in(LogIn("nobody", PASSWORD))
    with pytest.raises(InvalidCredentials) as unknown_email:
        await log_in(LogIn("nobody@example.com", PASSWORD))

    assert wrong_password.value.detail == unknown_name.value.detail == unknown_email.value.detail
    assert type(wrong_password.value) is type(unknown_name.value)
    # The same work: an unknown name is verified against a stand-in hash.
    assert checked_for_ann == ["verify"]
    assert hasher.calls == ["verify_nobody", "verify_nobody"]


async def test_a_deactivated_account_does_not_sign_in_even_with_its_password(log_in, seed, store):
    gone = await seed.user("gone", active=False)

    with pytest.raises(InvalidCredentials):
        await log_in(LogIn("gone", PASSWORD))

    assert [t for t in store.rows(RefreshToken).values() if t.user_id == gone.id] == []
    assert failures(store, f"user:{id_of(gone)}") == 1


async def test_a_password_changed_while_the_old_one_was_verified_does_not_sign_in(
    log_in, hasher, clock, store, ann
):
    # Verifying takes a while and runs outside any transaction: the account may change
    # meanwhile, and the sign-in must then be refused, not granted on the old password.
    async def change_the_password() -> None:
        hasher.while_verifying = None
        edit = EditUserHandler(InMemoryUnitOfWork(store), clock, hasher)
        await edit(
            customer(id_of(ann)),
            PatchUser(id_of(ann), password="Newer1234", current_password=PASSWORD),
        )

    hasher.while_verifying = change_the_password

    with pytest.raises(InvalidCredentials):
        await log_in(LogIn("ann", PASSWORD))

    assert store.rows(RefreshToken) == {}


async def test_a_hash_of_an_older_profile_is_made_again_at_sign_in(
    log_in, authenticate, hasher, store, ann
):
    hasher.profile = "stronger"

    pair = await log_in(LogIn("ann", PASSWORD))

    saved = store.rows(User)[id_of(ann)]
    assert saved.hashed_password == f"stronger${PASSWORD}"
    assert hasher.calls == ["verify", "hash"]
    # The same password: not an edit, and the sessions go on.
    assert (saved.token_generation, saved.updated_at) == (ann.token_generation, ann.updated_at)
    assert (await authenticate(Authenticate(pair.access_token))).user_id == ann.id


async def test_a_hash_of_the_current_profile_is_left_alone(log_in, hasher, store, ann):
    await log_in(LogIn("ann", PASSWORD))

    assert hasher.calls == ["verify"]
    assert store.rows(User)[id_of(ann)].hashed_password == ann.hashed_password


# -- the throttle ------------------------------------------------------------------------
async def test_five_failures_in_a_row_throttle_the_account_for_30_seconds(
    log_in, hasher, store, ann
):
    await fail(log_in, "ann", times=5)
    hasher.calls.clear()

    with pytest.raises(TooManyAttempts) as throttled:
        await log_in(LogIn("ann", PASSWORD))  # the right password: not even looked at

    assert throttled.value.retry_after == timedelta(seconds=30)
    assert hasher.calls == []
    assert store.rows(RefreshToken) == {}
    assert failures(store, f"user:{id_of(ann)}") == 5


async def test_the_wait_runs_down_and_doubles_with_each_further_failure(log_in, clock, ann):
    await fail(log_in, "ann", times=5)
    clock.advance(seconds=12)
    with pytest.raises(TooManyAttempts) as waiting:
        await log_in(LogIn("ann", WRONG))
    assert waiting.value.retry_after == timedelta(seconds=18)

    clock.advance(seconds=18)
    await fail(log_in, "ann")  # the sixth: heard, and wrong

    with pytest.raises(TooManyAttempts) as throttled:
        await log_in(LogIn("ann", WRONG))
    assert throttled.value.retry_after == timedelta(seconds=60)


async def test_a_success_forgets_the_failures(log_in, clock, store, ann):
    await fail(log_in, "ann", times=5)
    clock.advance(seconds=30)

    await log_in(LogIn("ann", PASSWORD))
    assert failures(store, f"user:{id_of(ann)}") == 0

    await fail(log_in, "ann", times=4)  # four more are free again
    assert failures(store, f"user:{id_of(ann)}") == 4
    await log_in(LogIn("ann", PASSWORD))


async def test_failures_by_username_and_by_email_count_for_the_one_account(log_in, ann):
    await fail(log_in, "ann", times=3)
    await fail(log_in, "ann@example.com", times=2)

    with pytest.raises(TooManyAttempts):
        await log_in(LogIn("ann", PASSWORD))


async def test_an_unknown_name_is_throttled_like_an_account(log_in, store):
    await fail(log_in, "Nobody", times=5)

    with pytest.raises(TooManyAttempts) as throttled:
        await log_in(LogIn("nobody", PASSWORD))

    assert throttled.value.retry_after == timedelta(seconds=30)
    assert failures(store, "name:nobody") == 5


async def test_one_accounts_failures_do_not_throttle_another(log_in, seed, ann):
    await seed.user("bob")
    await fail(log_in, "ann", times=5)

    await log_in(LogIn("bob", PASSWORD))


# -- refreshing --------------------------------------------------------------------------
async def test_a_refresh_retires_the_token_and_hands_out_the_next_of_its_family(
    log_in, refresh, authenticate, clock, store, ann
):
    first = await log_in(LogIn("ann", PASSWORD))
    later = clock.advance(minutes=20)

    second = await refresh(Refresh(first.refresh_token))

    assert second.refresh_token != first.refresh_token
    old, new = stored_token(store, first.refresh_token), stored_token(store, second.refresh_token)
    assert (old.retired_at, new.retired_at) == (later, None)
    assert new.family == old.family
    assert new.expires_at == later + REFRESH_LIFETIME
    assert (await authenticate(Authenticate(second.access_token))).user_id == ann.id
    third = await refresh(Refresh(second.refresh_token))
    assert (await authenticate(Authenticate(third.access_token))).user_id == ann.id


async def test_a_retired_token_presented_again_revokes_its_whole_family(
    log_in, refresh, store, ann
):
    first = await log_in(LogIn("ann", PASSWORD))
    elsewhere = await log_in(LogIn("ann", PASSWORD))
    second = await refresh(Refresh(first.refresh_token))

    with pytest.raises(Unauthenticated):
        await refresh(Refresh(first.refresh_token))  # a copy: the thief's or the user's
    with pytest.raises(Unauthenticated):
        await refresh(Refresh(second.refresh_token))  # the newer one dies with it

    family = stored_token(store, first.refresh_token).family
    assert all(
        t.revoked_at is not None for t in store.rows(RefreshToken).values() if t.family == family
    )
    await refresh(Refresh(elsewhere.refresh_token))  # another sign-in's family lives on


async def test_an_unknown_refresh_token_is_refused(refresh, ann):
    with pytest.raises(Unauthenticated):
        await refresh(Refresh("not-a-token-we-issued"))


async def test_a_refresh_token_works_until_it_expires(log_in, refresh, clock, ann):
    early = await log_in(LogIn("ann", PASSWORD))
    late = await log_in(LogIn("ann", PASSWORD))

    clock.advance(days=14, seconds=-1)
    await refresh(Refresh(early.refresh_token))
    clock.advance(seconds=1)
    with pytest.raises(Unauthenticated):
        await refresh(Refresh(late.refresh_token))


async def test_deactivating_a_user_revokes_their_refresh_tokens(
    log_in, refresh, uow, clock, store, ann
):
    pair = await log_in(LogIn("ann", PASSWORD))

    await DeactivateUserHandler(uow, clock)(DeactivateUser(id_of(ann)))

    assert stored_token(store, pair.refresh_token).revoked_at == clock.now()
    with pytest.raises(Unauthenticated):
        await refresh(Refresh(pair.refresh_token))


async def test_a_user_deactivated_as_stale_cannot_refresh_either(
    log_in, refresh, uow, clock, store, ann
):
    pair = await log_in(LogIn("ann", PASSWORD))
    clock.advance(days=3)
    assert await DeactivateStaleUsersHandler(uow, clock)(DeactivateStaleUsers(days=1)) == 1
    # That clean-up leaves the tokens be: the account's state refuses them.
    assert stored_token(store, pair.refresh_token).revoked_at is None

    with pytest.raises(Unauthenticated):
        await refresh(Refresh(pair.refresh_token))
    assert stored_token(store, pair.refresh_token).retired_at is None


# -- signing out -------------------------------------------------------------------------
async def test_signing_out_revokes_the_family_of_the_token_given(
    log_in, refresh, log_out, store, ann
):
    first = await log_in(LogIn("ann", PASSWORD))
    elsewhere = await log_in(LogIn("ann", PASSWORD))
    second = await refresh(Refresh(first.refresh_token))

    await log_out(LogOut(first.refresh_token))  # a retired one of the family will do

    with pytest.raises(Unauthenticated):
        await refresh(Refresh(second.refresh_token))
    await refresh(Refresh(elsewhere.refresh_token))


async def test_signing_out_twice_or_with_an_unknown_token_is_no_error(log_in, log_out, ann):
    pair = await log_in(LogIn("ann", PASSWORD))

    await log_out(LogOut(pair.refresh_token))
    await log_out(LogOut(pair.refresh_token))
    await log_out(LogOut("not-a-token-we-issued"))


# -- who a bearer token is ---------------------------------------------------------------
async def test_a_new_password_ends_the_access_tokens_and_refresh_tokens_issued_before(
    log_in, refresh, authenticate, uow, clock, hasher, ann
):
    before = await log_in(LogIn("ann", PASSWORD))
    edit = EditUserHandler(uow, clock, hasher)

    await edit(
        customer(id_of(ann)),
        PatchUser(id_of(ann), password="Newer1234", current_password=PASSWORD),
    )

    with pytest.raises(Unauthenticated, match="revoked"):
        await authenticate(Authenticate(before.access_token))
    with pytest.raises(Unauthenticated):
        await refresh(Refresh(before.refresh_token))
    after = await log_in(LogIn("ann", "Newer1234"))
    assert (await authenticate(Authenticate(after.access_token))).user_id == ann.id


async def test_a_deactivated_accounts_access_token_is_refused_at_once(
    log_in, authenticate, uow, clock, ann
):
    pair = await log_in(LogIn("ann", PASSWORD))

    await DeactivateUserHandler(uow, clock)(DeactivateUser(id_of(ann)))

    with pytest.raises(Unauthenticated, match="not active"):
        await authenticate(Authenticate(pair.access_token))


async def test_an_access_token_of_an_account_that_is_gone_is_refused(
    log_in, authenticate, clock, store, ann
):
    pair = await log_in(LogIn("ann", PASSWORD))
    await DeactivateUserHandler(InMemoryUnitOfWork(store), clock)(DeactivateUser(id_of(ann)))
    assert await PurgeInactiveUsersHandler(InMemoryUnitOfWork(store))(PurgeInactiveUsers()) == 1

    with pytest.raises(Unauthenticated):
        await authenticate(Authenticate(pair.access_token))


async def test_an_expired_or_forged_access_token_is_refused(log_in, authenticate, clock, ann):
    pair = await log_in(LogIn("ann", PASSWORD))
    forged = JwtAccessTokens("f" * 64, ACCESS_LIFETIME).issue(id_of(ann), "main", 0, clock.now())

    with pytest.raises(Unauthenticated):
        await authenticate(Authenticate(forged))
    clock.advance(minutes=16)
    with pytest.raises(Unauthenticated, match="expired"):
        await authenticate(Authenticate(pair.access_token))


async def test_the_role_is_read_from_the_account_on_every_request(
    log_in, authenticate, seed, store
):
    boss = await seed.user("boss", superuser=True)
    pair = await log_in(LogIn("boss", PASSWORD))
    assert (await authenticate(Authenticate(pair.access_token))).role is Role.ADMIN

    async with InMemoryUnitOfWork(store) as uow:
        demoted = await uow.users.get(id_of(boss))
        assert demoted is not None
        demoted.is_superuser = False
        await uow.commit()

    assert await authenticate(Authenticate(pair.access_token)) == customer(id_of(boss))
