"""A tag: a name posts are grouped by, unique per store whatever its letter case."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from domain.shared.errors import InvalidValue
from domain.shared.text import Slug, clean_text

__all__ = ["MAX_TAGS", "MAX_TAG_NAME", "Tag", "distinct_tag_names", "tag_key"]

MAX_TAG_NAME = 50
MAX_TAGS = 10  # on one post


def _name(value: str) -> str:
    return clean_text(value, "tags", max_length=MAX_TAG_NAME, multiline=False)


def tag_key(name: str) -> str:
    """What two tag names are compared by: `Python` and `PYTHON` are one tag."""
    return _name(name).casefold()


def distinct_tag_names(names: Iterable[str]) -> list[str]:
    """The names of a post's tags, checked, the first spelling of each tag kept, in the
    order given; more than `MAX_TAGS` distinct tags is refused."""
    kept: dict[str, str] = {}
    for raw in names:
        name = _name(raw)
        kept.setdefault(name.casefold(), name)
    if len(kept) > MAX_TAGS:
        raise InvalidValue("tags", f"a post has at most {MAX_TAGS} tags")
    return list(kept.values())


@dataclass(eq=False)
class Tag:
    """`name` as first written; `name_key`, the name as tags are compared (case-folded),
    is what is unique; `slug` is derived from the name and unique too."""

    name: str
    name_key: str
    slug: str
    created_at: datetime
    id: int | None = field(default=None)

    @classmethod
    def create(cls, *, name: str, now: datetime) -> Tag:
        name = _name(name)
        return cls(
            name=name, name_key=name.casefold(), slug=Slug.from_name(name).value, created_at=now
        )
