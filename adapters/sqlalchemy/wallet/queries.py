"""The wallet's read side in SQL.

Each answer is one statement (a page past the end of a list, two). The reconciliation is two
statements however many users the store has: the users checked, then those whose credits are
not the sum of their ledger or not the balance their latest entry ends on, found by a join
over one grouped pass of the ledger.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, bindparam, cast, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sqlalchemy.identity import tables as identity_tables
from adapters.sqlalchemy.list_queries import ListCompiler, fetch_page
from adapters.sqlalchemy.read_side import AnyRow, ReadSide, money_sum, money_total
from adapters.sqlalchemy.schema import STORE_ID
from adapters.sqlalchemy.tenancy import scoped
from adapters.sqlalchemy.wallet import tables as wallet_tables
from application.shared.listing import ListQuery, Page
from application.wallet.queries import LEDGER_LIST, TRANSFER_LIST, WalletQueries
from application.wallet.read_models import (
    BalanceView,
    LedgerDifference,
    LedgerEntryView,
    Reconciliation,
    TransferView,
)
from domain.shared.money import ZERO

__all__ = ["SqlAlchemyWalletQueries"]

# The store's rows only (adapters/sqlalchemy/tenancy.py): every read below selects from these.
users = scoped(identity_tables.users)
ledger_entries = scoped(wallet_tables.ledger_entries)
transfers = scoped(wallet_tables.transfers)

_ENTRY_COLUMNS = tuple(ledger_entries.c[name] for name in LEDGER_LIST.fields)
_TRANSFER_COLUMNS = (*(transfers.c[name] for name in TRANSFER_LIST.fields), transfers.c.note)
_LEDGER = ListCompiler(
    LEDGER_LIST, ledger_entries, {n: ledger_entries.c[n] for n in LEDGER_LIST.fields}
)
_TRANSFERS = ListCompiler(
    TRANSFER_LIST, transfers, {n: transfers.c[n] for n in TRANSFER_LIST.fields}
)


def _entry(row: AnyRow) -> LedgerEntryView:
    return LedgerEntryView(
        id=row.id,
        user_id=row.user_id,
        amount=row.amount,
        balance_after=row.balance_after,
        kind=row.kind.value,
        reference_id=row.reference_id,
        created_at=row.created_at,
    )


def _transfer(row: AnyRow) -> TransferView:
    return TransferView(
        id=row.id,
        from_user_id=row.from_user_id,
        to_user_id=row.to_user_id,
        amount=row.amount,
        note=row.note,
        status=row.status.value,
        created_at=row.created_at,
    )


def _party(user_id: int) -> ColumnElement[bool]:
    return or_(transfers.c.from_user_id == user_id, transfers.c.to_user_id == user_id)


async def _party_page(
    connection: AsyncConnection, query: ListQuery, party: int
) -> tuple[list[AnyRow], int]:
    """`fetch_page` over the transfers `party` sent or received."""
    dialect = connection.dialect.name
    page = _TRANSFERS.page(_TRANSFER_COLUMNS, query, dialect).where(_party(party))
    rows = list(await connection.execute(page))
    if rows:
        return rows, int(rows[0].total_count)
    if query.page.offset == 0:
        return rows, 0
    total = await connection.scalar(_TRANSFERS.count(query, dialect).where(_party(party)))
    return rows, int(total or 0)


def _checked(after: int, limit: int | None) -> Select[Any]:
    """The ids of the users checked: above `after`, the first `limit` of them."""
    ids = select(users.c.id).where(users.c.id > after).order_by(users.c.id)
    return ids if limit is None else ids.limit(limit)


class SqlAlchemyWalletQueries(ReadSide, WalletQueries):
    async def balance(self, user_id: int) -> BalanceView | None:
        async with self._connection() as connection:
            credits = (
                await connection.execute(select(users.c.credits).where(users.c.id == user_id))
            ).scalar()
        return None if credits is None else BalanceView(user_id, credits)

    async def ledger(self, query: ListQuery) -> Page[LedgerEntryView]:
        async with self._connection() as connection:
            rows, total = await fetch_page(connection, _LEDGER, _ENTRY_COLUMNS, query)
        return Page([_entry(r) for r in rows], total, query.page.page, query.page.page_size)

    async def transfer(self, transfer_id: int) -> TransferView | None:
        statement = select(*_TRANSFER_COLUMNS).where(transfers.c.id == transfer_id)
        async with self._connection() as connection:
            row = (await connection.execute(statement)).first()
        return None if row is None else _transfer(row)

    async def transfers(self, query: ListQuery, *, party: int | None) -> Page[TransferView]:
        async with self._connection() as connection:
            if party is None:
                rows, total = await fetch_page(connection, _TRANSFERS, _TRANSFER_COLUMNS, query)
            else:
                rows, total = await _party_page(connection, query, party)
        return Page([_transfer(r) for r in rows], total, query.page.page, query.page.page_size)

    async def reconcile(self, *, after: int = 0, limit: int | None = None) -> Reconciliation:
        checked = _checked(after, limit).subquery("checked")
        span = select(func.count(), func.max(checked.c.id))
        sums = (
            select(
                ledger_entries.c.user_id,
                money_sum(ledger_entries.c.amount, self._dialect).label("total"),
                func.max(ledger_entries.c.id).label("last_id"),
            )
            .group_by(ledger_entries.c.user_id)
            .subquery("sums")
        )
        # The latest entries, a second view of the store's ledger (scoped's `:store_id`).
        latest = (
            select(wallet_tables.ledger_entries)
            .where(wallet_tables.ledger_entries.c.store_id == bindparam(STORE_ID))
            .subquery("latest")
        )
        exact = self._exact
        differs = or_(
            exact(users.c.credits) != func.coalesce(sums.c.total, 0),
            exact(users.c.credits) != exact(func.coalesce(latest.c.balance_after, 0)),
        )
        async with self._connection() as connection:
            count, last_user_id = (await connection.execute(span)).one()
            if not count:
                return Reconciliation(0, None, ())
            rows = await connection.execute(
                select(users.c.id, users.c.credits, sums.c.total, latest.c.balance_after)
                .outerjoin(sums, sums.c.user_id == users.c.id)
                .outerjoin(latest, latest.c.id == sums.c.last_id)
                .where(users.c.id > after, users.c.id <= last_user_id, differs)
                .order_by(users.c.id)
            )
            differences = tuple(self._differences(rows))
        return Reconciliation(int(count), int(last_user_id), differences)

    def _exact(self, amount: ColumnElement[Any]) -> ColumnElement[Any]:
        """An amount as `money_sum` reads: itself on PostgreSQL, whole cents on SQLite (which
        keeps amounts as floating point), so that equal amounts compare equal."""
        if self._dialect == "sqlite":
            return cast(func.round(amount * 100), Integer)
        return amount

    def _differences(self, rows: Any) -> Iterator[LedgerDifference]:
        for row in rows:
            total = ZERO if row.total is None else money_total(row.total, self._dialect)
            yield LedgerDifference(row.id, row.credits, total, row.balance_after)
