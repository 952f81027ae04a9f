"""A store: one shop of the deployment, and the tenant every other record belongs to."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from domain.shared.errors import InvalidValue
from domain.shared.text import clean_text

__all__ = ["MAIN_STORE", "SLUG_PATTERN", "Store", "StoreSlug"]

MAIN_STORE = "main"
SLUG_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{1,48}[a-z0-9])$"
_SLUG = re.compile(SLUG_PATTERN)


@dataclass(frozen=True)
class StoreSlug:
    """3-50 lower-case letters, digits or hyphens, not starting or ending with a hyphen."""

    value: str

    def __post_init__(self) -> None:
        if not _SLUG.fullmatch(self.value):
            raise InvalidValue(
                "slug", "must be 3-50 lower-case letters, digits or hyphens, not at either end"
            )


@dataclass(eq=False)
class Store:
    slug: str
    name: str
    created_at: datetime
    is_active: bool = True
    id: int | None = field(default=None)

    @classmethod
    def open(cls, *, slug: str, name: str, now: datetime) -> Store:
        return cls(
            slug=StoreSlug(slug).value,
            name=clean_text(name, "name", max_length=100, multiline=False),
            created_at=now,
        )

    def deactivate(self) -> None:
        """Its data stays; it answers nothing until activated again."""
        self.is_active = False
