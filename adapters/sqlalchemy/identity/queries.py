"""The users read side in SQL."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

from sqlalchemy import bindparam, case, func, select

from adapters.sqlalchemy.identity import tables as identity_tables
from adapters.sqlalchemy.list_queries import ListCompiler, fetch_page
from adapters.sqlalchemy.ordering import tables as ordering_tables
from adapters.sqlalchemy.read_side import AnyRow, ReadSide, money_sum, money_total
from adapters.sqlalchemy.tenancy import scoped
from application.identity.queries import USER_LIST, UserQueries
from application.identity.read_models import TopSpender, UserCounts, UserStanding, UserView
from application.shared.listing import ListQuery, Page
from domain.ordering.order import OrderStatus
from domain.shared.errors import InvalidValue

__all__ = ["SqlAlchemyUserQueries"]

# The store's rows only (adapters/sqlalchemy/tenancy.py): every read below selects from these.
users = scoped(identity_tables.users)
orders = scoped(ordering_tables.orders)

_COLUMNS = (
    users.c.id,
    users.c.username,
    users.c.email,
    users.c.full_name,
    users.c.bio,
    users.c.is_active,
    users.c.is_superuser,
    users.c.credits,
    users.c.created_at,
    users.c.updated_at,
)
_STANDING = select(users.c.is_active, users.c.is_superuser, users.c.token_generation).where(
    users.c.id == bindparam("id")
)
_LIST = ListCompiler(
    USER_LIST,
    users,
    {name: users.c[name] for name in USER_LIST.fields},
    search_columns=(users.c.username, users.c.email, users.c.full_name),
)


def _view(row: AnyRow) -> UserView:
    return UserView(
        id=row.id,
        username=row.username,
        email=row.email,
        full_name=row.full_name,
        bio=row.bio,
        is_active=bool(row.is_active),
        is_superuser=bool(row.is_superuser),
        credits=row.credits,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


class SqlAlchemyUserQueries(ReadSide, UserQueries):
    async def get(self, user_id: int) -> UserView | None:
        async with self._connection() as connection:
            row = (await connection.execute(select(*_COLUMNS).where(users.c.id == user_id))).first()
        return None if row is None else _view(row)

    async def standing(self, user_id: int) -> UserStanding | None:
        # Every authenticated request asks this first: one prepared statement on the
        # driver where there is one (adapters/sqlalchemy/read_side.py).
        statements = self._statements
        if statements is not None:
            statement = statements.get("standing", lambda: _STANDING)
            records = await self._driver_fetch(statement, {"id": user_id})
            row: Any = records[0] if records else None
        else:
            async with self._connection() as connection:
                row = (await connection.execute(_STANDING, {"id": user_id})).first()
        if row is None:
            return None
        is_active, is_superuser, token_generation = row
        return UserStanding(bool(is_active), bool(is_superuser), token_generation)

    async def get_by_email(self, email: str) -> UserView | None:
        # Stored emails are lower-case already (the domain's Email), so equality suffices.
        statement = select(*_COLUMNS).where(users.c.email == email.lower())
        async with self._connection() as connection:
            row = (await connection.execute(statement)).first()
        return None if row is None else _view(row)

    async def list(self, query: ListQuery) -> Page[UserView]:
        async with self._connection() as connection:
            rows, total = await fetch_page(connection, _LIST, _COLUMNS, query)
        return Page([_view(row) for row in rows], total, query.page.page, query.page.page_size)

    async def counts(self) -> UserCounts:
        statement = select(func.count(), func.count(case((users.c.is_active.is_(True), 1))))
        async with self._connection() as connection:
            total, active = (await connection.execute(statement)).one()
        return UserCounts(total=int(total), active=int(active))

    async def top_spenders(self, limit: int) -> Sequence[TopSpender]:
        if limit <= 0:
            return []
        spent = money_sum(orders.c.total_amount, self._dialect).label("spent")
        statement = (
            select(
                users.c.id,
                users.c.username,
                users.c.email,
                func.count(orders.c.id).label("order_count"),
                spent,
            )
            .select_from(users.join(orders, orders.c.user_id == users.c.id))
            .where(orders.c.status != OrderStatus.CANCELLED)
            .group_by(users.c.id, users.c.username, users.c.email)
            .order_by(spent.desc(), users.c.id.asc())
            .limit(limit)
        )
        async with self._connection() as connection:
            rows = list(await connection.execute(statement))
        return [
            TopSpender(
                user_id=row.id,
                username=row.username,
                email=row.email,
                order_count=int(row.order_count),
                total_spent=money_total(row.spent, self._dialect),
            )
            for row in rows
        ]

    async def export(self, batch_size: int) -> AsyncIterator[Sequence[UserView]]:
        if batch_size < 1:
            raise InvalidValue("batch_size", "must be at least 1")
        after = 0
        while True:
            # Keyset paging on the id: each batch is a short read of its own, so a slow
            # consumer holds no transaction open, and rows never repeat or go missing.
            statement = (
                select(*_COLUMNS).where(users.c.id > after).order_by(users.c.id).limit(batch_size)
            )
            async with self._connection() as connection:
                rows = list(await connection.execute(statement))
            if not rows:
                return
            after = rows[-1].id
            yield [_view(row) for row in rows]
