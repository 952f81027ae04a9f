"""The content read side: ports and the whitelists of their lists.

A post in the trash is invisible to every method but `trash`: the adapters see to it, each in
one place."""

from __future__ import annotations

import abc

from application.content.read_models import PostView, TagView
from application.shared.listing import FieldKind, FieldSpec, ListQuery, ListSchema, Page, SortKey
from domain.content.post import PostStatus

__all__ = ["POST_LIST", "TAG_LIST", "TRASH_LIST", "PostQueries", "TagQueries"]

POST_LIST = ListSchema(
    fields={
        "id": FieldSpec(FieldKind.INT),
        "title": FieldSpec(FieldKind.TEXT),
        "slug": FieldSpec(FieldKind.TEXT),
        "status": FieldSpec(FieldKind.CHOICE, choices=tuple(s.value for s in PostStatus)),
        "author_id": FieldSpec(FieldKind.INT),
        "view_count": FieldSpec(FieldKind.INT),
        "published_at": FieldSpec(FieldKind.DATETIME, nullable=True),
        "version": FieldSpec(FieldKind.INT),
        "created_at": FieldSpec(FieldKind.DATETIME),
        "updated_at": FieldSpec(FieldKind.DATETIME),
    },
    searchable=True,
)

TRASH_LIST = ListSchema(
    fields={**POST_LIST.fields, "deleted_at": FieldSpec(FieldKind.DATETIME)},
    default_sort=(SortKey("deleted_at", descending=True),),
    searchable=True,
)

TAG_LIST = ListSchema(
    fields={
        "id": FieldSpec(FieldKind.INT),
        "name": FieldSpec(FieldKind.TEXT),
        "slug": FieldSpec(FieldKind.TEXT),
        "created_at": FieldSpec(FieldKind.DATETIME),
    },
    default_sort=(SortKey("name"),),
)


class PostQueries(abc.ABC):
    @abc.abstractmethod
    async def get(self, post_id: int) -> PostView | None: ...

    @abc.abstractmethod
    async def get_by_slug(self, slug: str) -> PostView | None: ...

    @abc.abstractmethod
    async def list(self, query: ListQuery, *, tag: str | None = None) -> Page[PostView]:
        """Posts not in the trash; with `tag`, those having the tag of that slug. `search`
        finds a piece of text in the title or the content, ignoring case."""

    @abc.abstractmethod
    async def trash(self, query: ListQuery) -> Page[PostView]:
        """The posts in the trash (filterable by `deleted_at` too)."""


class TagQueries(abc.ABC):
    @abc.abstractmethod
    async def get_by_slug(self, slug: str) -> TagView | None: ...

    @abc.abstractmethod
    async def list(self, query: ListQuery) -> Page[TagView]:
        """Tags, each with the count of its published posts not in the trash."""
