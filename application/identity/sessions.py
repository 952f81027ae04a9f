"""Signing in and staying signed in: the session use cases, and who a bearer token is.

    LogIn         name or email + password -> an access token and a refresh token
    Refresh       a refresh token -> the next pair; the old token is retired
    LogOut        a refresh token -> its whole family revoked
    ReadAccessToken  an access token -> what it says, if it is genuine and unexpired
    Authenticate  what a token says -> the `Principal` the use cases see, if its account, in
                  the token's store, may still act

A wrong password, an unknown name and a deactivated account get the same answer
(`InvalidCredentials`) after the same work: an unknown name is verified against a hash made
with the same parameters (`PasswordHasher.verify_nobody`). Failures are counted per account
in the database, so every worker sees them (`LoginThrottle`): past five in a row the account
answers `TooManyAttempts` without looking at the password, for longer after each further
failure, until a successful sign-in. Hashing and verifying never run inside a transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from application.identity.commands import Authenticate, LogIn, LogOut, Refresh
from application.identity.queries import UserQueries
from application.identity.tokens import AccessClaims, AccessTokens
from application.shared.access import Principal, Unauthenticated
from application.shared.errors import ApplicationError
from application.shared.ports import Clock, PasswordHasher
from application.shared.retry import retried_on_contention
from application.shared.unit_of_work import UnitOfWork
from domain.identity.sessions import RefreshToken, RefreshVerdict, hash_token
from domain.identity.user import Email, User
from domain.shared.errors import InvalidValue

__all__ = [
    "AuthenticateHandler",
    "InvalidCredentials",
    "LogInHandler",
    "LogOutHandler",
    "ReadAccessTokenHandler",
    "RefreshHandler",
    "TokenPair",
    "TooManyAttempts",
]


class InvalidCredentials(Unauthenticated):
    """The name and password do not sign anyone in; which of them is wrong is not said."""

    def __init__(self) -> None:
        super().__init__("the username or password is wrong")


class TooManyAttempts(ApplicationError):
    """Too many failed sign-ins in a row for this account: wait `retry_after` (429)."""

    def __init__(self, retry_after: timedelta) -> None:
        super().__init__("too many failed sign-ins for this account: try again later")
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class TokenPair:
    access_token: str
    expires_in: int  # seconds
    refresh_token: str


@dataclass(frozen=True)
class LogInHandler:
    uow: UnitOfWork
    clock: Clock
    hasher: PasswordHasher
    tokens: AccessTokens
    refresh_lifetime: timedelta

    async def __call__(self, command: LogIn) -> TokenPair:
        user, account = await self._look_up(command.login)
        if user is None:
            verified = await self.hasher.verify_nobody(command.password)
        else:
            verified = await self.hasher.verify(user.hashed_password, command.password)
        if not verified or user is None or not user.is_active:
            await self._fail(account)
            raise InvalidCredentials
        rehashed = (
            await self.hasher.hash(command.password)
            if self.hasher.needs_rehash(user.hashed_password)
            else None
        )
        return await self._sign_in(user, account, command.store, rehashed)

    @retried_on_contention
    async def _look_up(self, login: str) -> tuple[User | None, str]:
        """The account signing in (None when there is none) and its throttling key; a
        throttled account goes no further."""
        async with self.uow as uow:
            user = await _find(uow, login)
            account = f"user:{user.id}" if user is not None else f"name:{login.lower()}"
            throttle = await uow.login_throttles.get(account)
        if throttle is not None:
            wait = throttle.retry_after(self.clock.now())
            if wait is not None:
                raise TooManyAttempts(wait)
        return user, account

    @retried_on_contention
    async def _fail(self, account: str) -> None:
        async with self.uow as uow:
            await uow.login_throttles.record_failure(account, self.clock.now())
            await uow.commit()

    @retried_on_contention
    async def _sign_in(
        self, verified: User, account: str, store: str, rehashed: str | None
    ) -> TokenPair:
        now = self.clock.now()
        async with self.uow as uow:
            user = await uow.users.get(_id(verified))
            # The password verified is still the account's, and the account still active.
            if (
                user is None
                or not user.is_active
                or user.hashed_password != verified.hashed_password
            ):
                raise InvalidCredentials
            if rehashed is not None:
                user.rehash_password(rehashed)
            await uow.login_throttles.clear(account)
            refresh, secret = RefreshToken.issue(_id(user), now, self.refresh_lifetime)
            await uow.refresh_tokens.add(refresh)
            await uow.commit()
            generation = user.token_generation
        return self._pair(_id(verified), store, generation, secret)

    def _pair(self, user_id: int, store: str, generation: int, refresh: str) -> TokenPair:
        access = self.tokens.issue(user_id, store, generation, self.clock.now())
        return TokenPair(access, int(self.tokens.lifetime.total_seconds()), refresh)


@dataclass(frozen=True)
class RefreshHandler:
    """Trade a refresh token for the next pair. The token presented is retired; presented
    again, it revokes its family: whoever holds a copy, thief or user, must sign in again."""

    uow: UnitOfWork
    clock: Clock
    tokens: AccessTokens
    refresh_lifetime: timedelta

    @retried_on_contention
    async def __call__(self, command: Refresh) -> TokenPair:
        now = self.clock.now()
        async with self.uow as uow:
            token = await uow.refresh_tokens.get_by_hash(hash_token(command.refresh_token))
            if token is None:
                raise Unauthenticated("the refresh token is not valid")
            refusal = token.refusal(now)
            if refusal is RefreshVerdict.REUSED:
                await uow.refresh_tokens.revoke_family(token.family, now)
                await uow.commit()
            if refusal is not None:
                raise Unauthenticated("the refresh token is not valid: sign in again")
            user = await uow.users.get(token.user_id)
            if user is None or not user.is_active:
                raise Unauthenticated("the refresh token is not valid: sign in again")
            token.retire(now)
            following, secret = RefreshToken.issue(
                token.user_id, now, self.refresh_lifetime, family=token.family
            )
            await uow.refresh_tokens.add(following)
            await uow.commit()
            generation = user.token_generation
        access = self.tokens.issue(token.user_id, command.store, generation, now)
        return TokenPair(access, int(self.tokens.lifetime.total_seconds()), secret)


@dataclass(frozen=True)
class LogOutHandler:
    """Revoke the family of the refresh token given. An unknown token changes nothing and
    is not an error: signing out twice is signed out."""

    uow: UnitOfWork
    clock: Clock

    @retried_on_contention
    async def __call__(self, command: LogOut) -> None:
        async with self.uow as uow:
            token = await uow.refresh_tokens.get_by_hash(hash_token(command.refresh_token))
            if token is not None:
                await uow.refresh_tokens.revoke_family(token.family, self.clock.now())
                await uow.commit()


@dataclass(frozen=True)
class ReadAccessTokenHandler:
    """What a bearer token says, if it is genuine and unexpired (`Unauthenticated` if not).
    It names the store whose use cases then `Authenticate` it."""

    clock: Clock
    tokens: AccessTokens

    def __call__(self, command: Authenticate) -> AccessClaims:
        return self.tokens.read(command.token, self.clock.now())


@dataclass(frozen=True)
class AuthenticateHandler:
    """Who a genuine token is, asked on every request, in the token's store: its account
    must still be active and in the same generation of sessions. The role comes from the
    account, not from the token."""

    users: UserQueries

    async def __call__(self, claims: AccessClaims) -> Principal:
        standing = await self.users.standing(claims.user_id)
        if standing is None or not standing.is_active:
            raise Unauthenticated("the account is not active: sign in again")
        if standing.token_generation != claims.generation:
            raise Unauthenticated("the access token was revoked: sign in again")
        return Principal.user(claims.user_id, is_admin=standing.is_superuser, store=claims.store)


async def _find(uow: UnitOfWork, login: str) -> User | None:
    """The user a sign-in names, by email when it has an @, else by username."""
    if "@" in login:
        try:
            return await uow.users.get_by_email(Email.parse(login).value)
        except InvalidValue:
            return None
    return await uow.users.get_by_username(login)


def _id(user: User) -> int:
    assert user.id is not None, "a stored user has an id"
    return user.id
