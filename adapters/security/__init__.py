"""Security adapters: argon2id password hashing and JWT access tokens."""

from __future__ import annotations

from adapters.security.access_tokens import JwtAccessTokens
from adapters.security.password_hasher import Argon2PasswordHasher

__all__ = ["Argon2PasswordHasher", "JwtAccessTokens"]
