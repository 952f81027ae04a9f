"""What a command carries when its caller sent an idempotency key."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Final

from domain.shared.errors import InvalidValue

__all__ = ["KEY_FIELD", "MAX_KEY_LENGTH", "IdempotentRequest", "request_fingerprint"]

# The input that carries the key, named as the client sends it.
KEY_FIELD: Final = "Idempotency-Key"
MAX_KEY_LENGTH: Final = 255
# Printable ASCII; no surrounding blanks, which HTTP would strip on the way.
_KEY = re.compile(r"[!-~](?:[ -~]{0,253}[!-~])?")


def request_fingerprint(method: str, path: str, body: object) -> str:
    """sha256 of the method, the path and the body as canonical JSON (sorted keys, no blanks)."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{method.upper()}\n{path}\n{canonical}".encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class IdempotentRequest:
    """The key, the request's fingerprint, and the status a success is answered with.

    The status is stored with the answer, so that a replay says exactly what the first
    answer said."""

    key: str
    fingerprint: str
    status_code: int

    def __post_init__(self) -> None:
        if not _KEY.fullmatch(self.key):
            raise InvalidValue(KEY_FIELD, f"must be 1-{MAX_KEY_LENGTH} printable ASCII characters")
