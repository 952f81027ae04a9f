"""The in-memory twin of `UserQueries`: users as committed, and what they spent on orders."""

from __future__ import annotations

import heapq
from collections.abc import AsyncIterator, Sequence
from decimal import Decimal

from adapters.memory.identity.views import user_view
from adapters.memory.listing import list_page
from adapters.memory.read_side import InMemoryQueries, money
from application.identity.queries import UserQueries
from application.identity.read_models import TopSpender, UserCounts, UserStanding, UserView
from application.shared.listing import ListQuery, Page
from domain.identity.user import User
from domain.ordering.order import Order, OrderStatus
from domain.shared.errors import InvalidValue
from domain.shared.money import ZERO

__all__ = ["InMemoryUserQueries"]


class InMemoryUserQueries(InMemoryQueries, UserQueries):
    async def get(self, user_id: int) -> UserView | None:
        user = self._store.rows(User).get(user_id)
        return None if user is None else user_view(user)

    async def standing(self, user_id: int) -> UserStanding | None:
        user = self._store.rows(User).get(user_id)
        if user is None:
            return None
        return UserStanding(user.is_active, user.is_superuser, user.token_generation)

    async def get_by_email(self, email: str) -> UserView | None:
        wanted = email.lower()
        users = self._store.rows(User).values()
        found = next((u for u in users if u.email.lower() == wanted), None)
        return None if found is None else user_view(found)

    async def list(self, query: ListQuery) -> Page[UserView]:
        users = self._store.rows(User).values()
        return list_page((user_view(u) for u in users), query, search=_user_matches)

    async def counts(self) -> UserCounts:
        users = self._store.rows(User).values()
        return UserCounts(total=len(users), active=sum(1 for u in users if u.is_active))

    async def top_spenders(self, limit: int) -> Sequence[TopSpender]:
        spent: dict[int, tuple[int, Decimal]] = {}
        for order in self._store.rows(Order).values():
            if order.status is not OrderStatus.CANCELLED:
                count, total = spent.get(order.user_id, (0, ZERO))
                spent[order.user_id] = (count + 1, total + order.total_amount)
        ranked = sorted(spent.items(), key=lambda entry: (-entry[1][1], entry[0]))
        users = self._store.rows(User)
        return [
            TopSpender(
                user_id=user_id,
                username=users[user_id].username,
                email=users[user_id].email,
                order_count=count,
                total_spent=money(total),
            )
            for user_id, (count, total) in ranked[: max(limit, 0)]
            if user_id in users
        ]

    async def export(self, batch_size: int) -> AsyncIterator[Sequence[UserView]]:
        if batch_size < 1:
            raise InvalidValue("batch_size", "must be at least 1")
        users = self._store.rows(User)
        after = 0
        while True:
            # Keyset paging, as the SQL adapter does: users committed meanwhile still appear
            # in id order, none twice.
            keys = heapq.nsmallest(batch_size, (k for k in users if k > after))
            batch = [user_view(users[k]) for k in keys if k in users]
            if not keys:
                return
            after = keys[-1]
            if batch:
                yield batch


def _user_matches(user: UserView, term: str) -> bool:
    wanted = term.lower()
    return any(
        wanted in text.lower() for text in (user.username, user.email, user.full_name) if text
    )
