"""Access tokens as JWTs signed with HMAC-SHA256 (PyJWT).

    {"sub": "42", "store": "main", "gen": 0, "iat": ..., "exp": ..., "jti": "..."}

The algorithm is pinned on decode (`algorithms=["HS256"]`): a token that names another one,
`none` included, is refused before its signature is looked at, and so is one signed with any
other key. Every claim is required. Expiry is checked against the application's clock, not
the library's, so that it is the same clock everywhere (and tests can move it); `iat` in the
future is refused too.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import Final

import jwt

from application.identity.tokens import AccessClaims, AccessTokens
from application.shared.access import Unauthenticated

__all__ = ["JwtAccessTokens"]

ALGORITHM: Final = "HS256"
_CLAIMS: Final = ("sub", "store", "gen", "iat", "exp", "jti")
# Clocks of two workers may differ by this much.
_LEEWAY: Final = timedelta(seconds=5)
# HS256 keys shorter than the hash are weak (RFC 7518 §3.2).
MIN_SECRET_BYTES: Final = 32


class JwtAccessTokens(AccessTokens):
    def __init__(self, secret: str, lifetime: timedelta) -> None:
        if len(secret.encode()) < MIN_SECRET_BYTES:
            raise ValueError(f"the signing secret must be at least {MIN_SECRET_BYTES} bytes")
        self._secret = secret
        self.lifetime = lifetime

    def issue(self, user_id: int, store: str, generation: int, now: datetime) -> str:
        claims = {
            "sub": str(user_id),
            "store": store,
            "gen": generation,
            "iat": int(now.timestamp()),
            "exp": int((now + self.lifetime).timestamp()),
            "jti": secrets.token_hex(16),
        }
        return jwt.encode(claims, self._secret, algorithm=ALGORITHM)

    def read(self, token: str, now: datetime) -> AccessClaims:
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                # Expiry and issue time are checked below, against the application's clock.
                options={"require": list(_CLAIMS), "verify_exp": False, "verify_iat": False},
            )
            issued_at = datetime.fromtimestamp(int(claims["iat"]), UTC)
            expires_at = datetime.fromtimestamp(int(claims["exp"]), UTC)
            read = AccessClaims(
                user_id=int(claims["sub"]),
                store=str(claims["store"]),
                generation=int(claims["gen"]),
                issued_at=issued_at,
                expires_at=expires_at,
                token_id=str(claims["jti"]),
            )
        except (jwt.InvalidTokenError, ValueError, TypeError, OverflowError, OSError) as error:
            raise Unauthenticated("the access token is not valid") from error
        if now >= read.expires_at + _LEEWAY:
            raise Unauthenticated("the access token has expired: refresh it or sign in again")
        if read.issued_at > now + _LEEWAY:
            raise Unauthenticated("the access token is not valid")
        return read
