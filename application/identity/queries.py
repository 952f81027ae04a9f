"""The users read side: the port and the whitelist of its list."""

from __future__ import annotations

import abc
from collections.abc import AsyncIterator, Sequence

from application.identity.read_models import TopSpender, UserCounts, UserStanding, UserView
from application.shared.listing import FieldKind, FieldSpec, ListQuery, ListSchema, Page

__all__ = ["USER_LIST", "UserQueries"]

USER_LIST = ListSchema(
    fields={
        "id": FieldSpec(FieldKind.INT),
        "username": FieldSpec(FieldKind.TEXT),
        "email": FieldSpec(FieldKind.TEXT),
        "full_name": FieldSpec(FieldKind.TEXT, nullable=True),
        "is_active": FieldSpec(FieldKind.BOOL),
        "is_superuser": FieldSpec(FieldKind.BOOL),
        "credits": FieldSpec(FieldKind.DECIMAL),
        "created_at": FieldSpec(FieldKind.DATETIME),
        "updated_at": FieldSpec(FieldKind.DATETIME),
    },
    searchable=True,  # `search` matches username, email or full_name, case-insensitively
)


class UserQueries(abc.ABC):
    @abc.abstractmethod
    async def get(self, user_id: int) -> UserView | None: ...

    @abc.abstractmethod
    async def standing(self, user_id: int) -> UserStanding | None:
        """Whether the account is active, an admin, and in which generation of sessions:
        asked on every authenticated request, so an adapter answers it cheaply."""

    @abc.abstractmethod
    async def get_by_email(self, email: str) -> UserView | None:
        """`email` is compared case-insensitively."""

    @abc.abstractmethod
    async def list(self, query: ListQuery) -> Page[UserView]: ...

    @abc.abstractmethod
    async def counts(self) -> UserCounts: ...

    @abc.abstractmethod
    async def top_spenders(self, limit: int) -> Sequence[TopSpender]:
        """Users by money spent on non-cancelled orders, highest first (ties: lower id first);
        users without such orders are left out."""

    @abc.abstractmethod
    def export(self, batch_size: int) -> AsyncIterator[Sequence[UserView]]:
        """Every user in id order, in batches of at most `batch_size`, never all in memory."""
