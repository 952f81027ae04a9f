"""Categories on the wire.

CategoryBase ─┬─ CategoryCreate                   POST /categories/
              └─ CategoryPublic ── CategoryNode   GET /categories/{id}, /categories/tree
CategoryUpdate: every field optional              PATCH /categories/{id}
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import MISSING, BaseModel, Field, Strict

from entrypoints.http.schemas.fields import (
    MULTI_LINE,
    REQUIRED_SINGLE_LINE,
    Id,
    Matches,
    PublicModel,
    RequestModel,
    UtcDatetime,
)

__all__ = [
    "SLUG_PATTERN",
    "CategoryCreate",
    "CategoryNode",
    "CategoryPublic",
    "CategoryUpdate",
    "Slug",
]

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

CategoryName = Annotated[str, Strict(), Field(min_length=1, max_length=100), REQUIRED_SINGLE_LINE]
Slug = Annotated[
    str,
    Strict(),
    Field(
        max_length=200,
        description="Lower-case letters and digits joined by single hyphens; derived from the "
        "name when not given.",
        examples=["home-garden"],
    ),
    Matches(SLUG_PATTERN, "must be lower-case letters and digits joined by single hyphens"),
]
CategoryDescription = Annotated[str, Strict(), Field(max_length=2000), MULTI_LINE]


class CategoryBase(BaseModel):
    name: CategoryName
    description: CategoryDescription | None = None
    parent_id: Id | None = None


class CategoryCreate(CategoryBase, RequestModel):
    slug: Slug | None = None


class CategoryUpdate(RequestModel):
    """Only the fields sent change. A new name brings a new derived slug unless one is sent;
    `parent_id: null` makes it a root category."""

    name: CategoryName | MISSING = MISSING
    slug: Slug | MISSING = MISSING
    description: CategoryDescription | MISSING | None = MISSING
    parent_id: Id | MISSING | None = MISSING

    def changes(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.model_fields_set}


class CategoryPublic(CategoryBase, PublicModel):
    id: int
    slug: str
    created_at: UtcDatetime


class CategoryNode(CategoryPublic):
    children: list[CategoryNode] = Field(default_factory=list)
