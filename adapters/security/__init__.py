"""Security adapters: the argon2id implementation of the password-hasher port."""

from __future__ import annotations

from adapters.security.password_hasher import Argon2PasswordHasher

__all__ = ["Argon2PasswordHasher"]
