"""Sessions on the wire: the OAuth2 password form in, a token pair out."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, Strict

from entrypoints.http.schemas.fields import PublicModel, RequestModel

__all__ = ["RefreshTokenBody", "TokenPairPublic"]

RefreshTokenText = Annotated[
    str, Strict(), Field(min_length=1, max_length=200, description="The opaque refresh token.")
]


class TokenPairPublic(PublicModel):
    access_token: str = Field(description="A signed JWT: send it as `Authorization: Bearer`.")
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 (the OAuth2 token type)
    expires_in: int = Field(description="Seconds until the access token expires.")
    refresh_token: str = Field(
        description="Trade it once at /auth/refresh for the next pair; keep it secret."
    )


class RefreshTokenBody(RequestModel):
    refresh_token: RefreshTokenText
