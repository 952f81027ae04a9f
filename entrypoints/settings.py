"""Configuration from the environment and an optional `.env` file.

One setting, DATABASE_URL, picks the whole adapter set: `memory://` serves everything from the
in-memory adapters; `sqlite+aiosqlite://` and `postgresql+asyncpg://` URLs use SQLAlchemy. The
driver-less spellings `sqlite://`, `postgresql://` and `postgres://` are accepted and given the
async driver, so a URL copied from another tool still works.

Passwords inside URLs never reach a log line: `repr(settings)` masks them.

JWT_SECRET signs the access tokens (at least 32 bytes; `python -c "import secrets;
print(secrets.token_urlsafe(48))"` makes one). Without it the app makes one at each start and
warns: tokens then die with the process and are not shared between workers. It, the start-up
admin's password and the database URLs' passwords never reach a log line.

STOREFRONT_ADMIN_USERNAME, STOREFRONT_ADMIN_EMAIL and STOREFRONT_ADMIN_PASSWORD, all three
set, make sure at start-up that this admin exists (how `memory://` gets its first admin). The
password alone is allowed: it is where `create-admin` reads the password of the admin it
creates, named on its command line.

CORS_ORIGINS lists, comma-separated, the only origins whose pages may call the API from a
browser; unset, no cross-origin call is allowed. Each is written as a browser sends it,
`scheme://host[:port]`, so a trailing slash or a path (which would never match) is refused.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

__all__ = ["Backend", "Settings", "redact_url"]

Backend = Literal["memory", "sqlalchemy"]

_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "postgresql": "postgresql+asyncpg",
    "postgres": "postgresql+asyncpg",
}
_SUPPORTED_SCHEMES = ("memory", "sqlite+aiosqlite", "postgresql+asyncpg")
_ORIGIN = re.compile(r"https?://[^/\s?#]+")


def _with_async_driver(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise ValueError("must be a URL such as sqlite+aiosqlite:///./storefront.db or memory://")
    scheme = _DRIVERS.get(scheme.lower(), scheme.lower())
    if scheme not in _SUPPORTED_SCHEMES:
        raise ValueError(f"scheme must be one of {', '.join(_SUPPORTED_SCHEMES)}")
    return f"{scheme}://{rest}"


def redact_url(url: str) -> str:
    """The URL with its password replaced by `***`, fit for logs and error messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 literal keeps its brackets
        host = f"[{host}]"
    port = f":{parts.port}" if parts.port is not None else ""
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}{port}"))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        case_sensitive=False,
        extra="ignore",
        frozen=True,
        # A rejected URL may carry a password: never echo it in the error.
        hide_input_in_errors=True,
    )

    database_url: str = "sqlite+aiosqlite:///./storefront.db"
    read_replica_url: str | None = None
    db_pool_size: int = Field(default=5, ge=1)
    db_max_overflow: int = Field(default=10, ge=0)
    db_pool_timeout: float = Field(default=30.0, gt=0)
    db_pool_recycle: int = Field(default=1800, ge=-1)
    db_pool_pre_ping: bool = True
    db_echo: bool = False
    sqlite_busy_timeout_ms: int = Field(default=5000, ge=0)
    # Compiled statements kept per engine, least recently used first out (0: none kept).
    db_query_cache_size: int = Field(default=500, ge=0)
    # How long the answer to a request with an Idempotency-Key is kept for its retries.
    idempotency_ttl_seconds: int = Field(default=86400, ge=1)
    log_level: Literal["CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG"] = "INFO"
    # The largest request body read; a larger one is a 413 problem, refused unread.
    max_body_bytes: int = Field(default=1_048_576, ge=0)
    # Browser origins allowed to call the API (comma-separated in the environment).
    cors_origins: Annotated[tuple[str, ...], NoDecode] = ()
    # FastAPI's own OpenTelemetry instrumentation, for a deployment that configures an
    # OpenTelemetry SDK. Off, it costs nothing; on, every request checks for providers.
    otel_enabled: bool = False

    # -- access ----------------------------------------------------------------------------
    jwt_secret: SecretStr | None = Field(default=None, min_length=32)
    access_token_minutes: int = Field(default=15, ge=1, le=24 * 60)
    refresh_token_days: int = Field(default=14, ge=1, le=365)
    storefront_admin_username: str | None = None
    storefront_admin_email: str | None = None
    storefront_admin_password: SecretStr | None = None
    # -- stores ------------------------------------------------------------------------------
    # How long a worker keeps what it found of a store (a deactivation takes up to this).
    store_cache_seconds: float = Field(default=5.0, ge=0, le=3600)

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        return _with_async_driver(value.strip())

    @field_validator("read_replica_url")
    @classmethod
    def _read_replica_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        url = _with_async_driver(value.strip())
        if url.startswith("memory://"):
            raise ValueError("a read replica must be a SQL database")
        return url

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _cors_origins(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [origin.strip() for origin in value.split(",") if origin.strip()]
        for origin in value:
            if not _ORIGIN.fullmatch(origin):
                raise ValueError(
                    f"{origin!r} is not an origin: write scheme://host[:port], no path or slash"
                )
        return tuple(value)

    @field_validator("log_level", mode="before")
    @classmethod
    def _log_level(cls, value: Any) -> Any:
        return value.strip().upper() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _start_up_admin(self) -> Settings:
        named = [self.storefront_admin_username, self.storefront_admin_email]
        if any(value is not None for value in named) and not (
            all(value is not None for value in named) and self.storefront_admin_password is not None
        ):
            raise ValueError(
                "set all three of STOREFRONT_ADMIN_USERNAME, STOREFRONT_ADMIN_EMAIL and "
                "STOREFRONT_ADMIN_PASSWORD, or none (the password alone is create-admin's)"
            )
        return self

    @property
    def backend(self) -> Backend:
        return "memory" if self.database_url.startswith("memory://") else "sqlalchemy"

    def __repr_args__(self) -> Any:
        for name, value in super().__repr_args__():
            if name in {"database_url", "read_replica_url"} and isinstance(value, str):
                yield name, redact_url(value)
            else:
                yield name, value
