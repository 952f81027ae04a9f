"""The envelope every list answers with: one page of items and where it sits in the whole."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from application.shared.listing import Page

__all__ = ["PagePublic"]

T = TypeVar("T")
S = TypeVar("S")


class PagePublic(BaseModel, Generic[T]):
    items: list[T]
    total: int
    page: int
    page_size: int
    total_pages: int
    has_next: bool
    has_previous: bool

    @classmethod
    def model_parametrized_name(cls, params: tuple[Any, ...]) -> str:
        # `UserPublicPage` reads better in /docs than `PagePublic[UserPublic]`.
        return f"{params[0].__name__}Page"

    @classmethod
    def of(cls, page: Page[S], convert: Callable[[S], T]) -> PagePublic[T]:
        return cls(
            items=[convert(item) for item in page.items],
            total=page.total,
            page=page.page,
            page_size=page.page_size,
            total_pages=page.total_pages,
            has_next=page.has_next,
            has_previous=page.has_previous,
        )
