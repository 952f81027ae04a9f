"""A category of products; categories form a tree."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime

from domain.shared.errors import CycleDetected
from domain.shared.patch import UNSET, Maybe, Unset
from domain.shared.text import Slug, clean_text, optional_text

__all__ = ["Category"]


def _name(value: str) -> str:
    return clean_text(value, "name", max_length=100, multiline=False)


def _description(value: str | None) -> str | None:
    return optional_text(value, "description", max_length=2000, multiline=True)


@dataclass(eq=False)
class Category:
    name: str
    slug: str
    created_at: datetime
    description: str | None = None
    parent_id: int | None = None
    id: int | None = field(default=None)

    @classmethod
    def create(
        cls,
        *,
        name: str,
        now: datetime,
        slug: str | None = None,
        description: str | None = None,
        parent_id: int | None = None,
    ) -> Category:
        name = _name(name)
        return cls(
            name=name,
            slug=Slug.given_or_derived(slug, name).value,
            description=_description(description),
            parent_id=parent_id,
            created_at=now,
        )

    def revise(
        self,
        *,
        name: Maybe[str] = UNSET,
        slug: Maybe[str] = UNSET,
        description: Maybe[str | None] = UNSET,
    ) -> None:
        """Change the given fields; fields left UNSET keep their value.

        A new name brings a slug derived from it, unless a slug is given too."""
        if not isinstance(name, Unset):
            self.rename(name, None if isinstance(slug, Unset) else slug)
        elif not isinstance(slug, Unset):
            self.change_slug(slug)
        if not isinstance(description, Unset):
            self.describe(description)

    def rename(self, name: str, slug: str | None = None) -> None:
        """A new name; the slug follows it unless one is given."""
        self.name = _name(name)
        self.slug = Slug.given_or_derived(slug, self.name).value

    def change_slug(self, slug: str) -> None:
        self.slug = Slug.parse(slug).value

    def describe(self, description: str | None) -> None:
        self.description = _description(description)

    def move_under(self, parent_id: int | None, parent_ancestry: Collection[int]) -> None:
        """Re-parent this category.

        `parent_ancestry` holds the new parent's id and the ids of all its ancestors; the
        move is refused if this category is among them, since the tree would then loop.
        """
        if (
            parent_id is not None
            and self.id is not None
            and (parent_id == self.id or self.id in parent_ancestry)
        ):
            raise CycleDetected(
                f"category {self.id} cannot be placed under {parent_id}: "
                "it would become its own ancestor"
            )
        self.parent_id = parent_id
