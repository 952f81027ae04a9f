"""Rules every piece of text obeys, and the slug derived from a name.

Every text field is one of two kinds, and says which where it is checked:

- single-line (names, titles, addresses, identifiers): no control character at all, and
  nothing that breaks or indents a line: no tab, LF, CR, NEL (U+0085), LINE SEPARATOR
  (U+2028) or PARAGRAPH SEPARATOR (U+2029).
- multi-line (descriptions, bios, messages): tabs, LF and CR are allowed; every other C0
  control character and DEL is refused, as in single-line text.

Both rules are published as patterns (`SINGLE_LINE_PATTERN`, `MULTI_LINE_PATTERN`) written so
that Python's `re` and JSON Schema read them alike; the HTTP schemas publish and apply these
very patterns, so the edge refuses exactly what the domain refuses.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Final

from domain.shared.errors import InvalidValue

__all__ = [
    "MULTI_LINE_PATTERN",
    "MULTI_LINE_REFUSED",
    "MULTI_LINE_RULE",
    "SINGLE_LINE_PATTERN",
    "SINGLE_LINE_REFUSED",
    "SINGLE_LINE_RULE",
    "Slug",
    "clean_text",
    "ensure_single_line",
    "has_control_characters",
    "optional_text",
]

# C0 controls but tab, LF and CR; and DEL: never part of any text.
_CONTROLS: Final = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
# What starts a new line or indents one: refused in single-line text only.
_LINE_BREAKS: Final = r"\t\n\r\x85\u2028\u2029"

# What each kind refuses, as the inside of a character class (for patterns built on them).
MULTI_LINE_REFUSED: Final = _CONTROLS
SINGLE_LINE_REFUSED: Final = _CONTROLS + _LINE_BREAKS

MULTI_LINE_PATTERN: Final = rf"^[^{MULTI_LINE_REFUSED}]*$"
SINGLE_LINE_PATTERN: Final = rf"^[^{SINGLE_LINE_REFUSED}]*$"

_REFUSED_IN_MULTI_LINE = re.compile(rf"[{_CONTROLS}]")
_REFUSED_IN_SINGLE_LINE = re.compile(rf"[{_CONTROLS}{_LINE_BREAKS}]")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

SINGLE_LINE_RULE: Final = "must be one line, without tabs, line breaks or control characters"
MULTI_LINE_RULE: Final = "must not contain control characters other than tabs and line breaks"


def has_control_characters(value: str) -> bool:
    """Whether `value` holds a control character other than tab, line feed or carriage return."""
    return _REFUSED_IN_MULTI_LINE.search(value) is not None


def _check_characters(value: str, field: str, *, multiline: bool) -> None:
    if multiline:
        if _REFUSED_IN_MULTI_LINE.search(value):
            raise InvalidValue(field, MULTI_LINE_RULE)
    elif _REFUSED_IN_SINGLE_LINE.search(value):
        raise InvalidValue(field, SINGLE_LINE_RULE)


def ensure_single_line(value: str, field: str) -> str:
    """`value` unchanged if it is single-line text; InvalidValue naming `field` if not.

    For value objects that trim their input: the check comes first, so that a trailing line
    break is refused rather than trimmed away."""
    _check_characters(value, field, multiline=False)
    return value


def clean_text(
    value: str, field: str, *, max_length: int, multiline: bool, min_length: int = 1
) -> str:
    """Refuse what the kind of text forbids, strip surrounding white space, enforce length.

    `multiline` is always given, so every field states which kind of text it holds."""
    _check_characters(value, field, multiline=multiline)
    text = value.strip()
    if len(text) < min_length:
        raise InvalidValue(
            field, "must not be blank" if min_length == 1 else f"needs {min_length}+ characters"
        )
    if len(text) > max_length:
        raise InvalidValue(field, f"must be at most {max_length} characters")
    return text


def optional_text(value: str | None, field: str, *, max_length: int, multiline: bool) -> str | None:
    """Like `clean_text`, but None and blank text both mean "no value"."""
    if value is None:
        return None
    text = clean_text(value, field, max_length=max_length, multiline=multiline, min_length=0)
    return text or None


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
        return cls(ensure_single_line(value, "slug").strip())

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
