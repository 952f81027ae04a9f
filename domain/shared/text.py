"""Rules every piece of text obeys, and the slug derived from a name."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from domain.shared.errors import InvalidValue

__all__ = ["Slug", "clean_text", "optional_text"]

# The ASCII control characters but tab, line feed and carriage return, and DEL: NUL, escape,
# backspace... Tab and line breaks are text (a comment may span lines). Other Unicode controls
# (U+0080-U+009F) are not refused.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def clean_text(value: str, field: str, *, max_length: int, min_length: int = 1) -> str:
    """Strip surrounding white space and enforce length; refuse the ASCII control characters
    other than tab, line feed and carriage return (NUL, escape, DEL...)."""
    if _CONTROL.search(value):
        raise InvalidValue(field, "must not contain control characters")
    text = value.strip()
    if len(text) < min_length:
        raise InvalidValue(
            field, "must not be blank" if min_length == 1 else f"needs {min_length}+ characters"
        )
    if len(text) > max_length:
        raise InvalidValue(field, f"must be at most {max_length} characters")
    return text


def optional_text(value: str | None, field: str, *, max_length: int) -> str | None:
    """Like `clean_text`, but None and blank text both mean "no value"."""
    if value is None:
        return None
    if _CONTROL.search(value):
        raise InvalidValue(field, "must not contain control characters")
    text = value.strip()
    if not text:
        return None
    if len(text) > max_length:
        raise InvalidValue(field, f"must be at most {max_length} characters")
    return text


@dataclass(frozen=True)
class Slug:
    """Lower-case ASCII words joined by single hyphens: `home-garden`."""

    value: str

    MAX_LENGTH = 200

    def __post_init__(self) -> None:
        if len(self.value) > self.MAX_LENGTH or not _SLUG.fullmatch(self.value):
            raise InvalidValue(
                "slug", "must be lower-case letters and digits joined by single hyphens"
            )

    @classmethod
    def parse(cls, value: str) -> Slug:
        return cls(value.strip())

    @classmethod
    def from_name(cls, name: str) -> Slug:
        """Derive a slug: `Home & Garden` -> `home-garden`, `Café Crème` -> `cafe-creme`."""
        ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
        words = re.findall(r"[a-z0-9]+", ascii_name.lower())
        slug = "-".join(words)[: cls.MAX_LENGTH].strip("-")
        if not slug:
            raise InvalidValue("slug", "cannot be derived from the name; give one explicitly")
        return cls(slug)

    @classmethod
    def given_or_derived(cls, given: str | None, name: str) -> Slug:
        return cls.parse(given) if given is not None else cls.from_name(name)

    def __str__(self) -> str:
        return self.value
