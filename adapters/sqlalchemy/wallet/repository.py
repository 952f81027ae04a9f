"""The wallet repositories over the unit of work's session.

A wallet is a user's `credits`. `lock` locks the users' rows in ascending id order in one
statement (`FOR UPDATE OF users` on PostgreSQL; on SQLite the unit of work's `BEGIN
IMMEDIATE` already holds the only write lock), then reads the balance each one's latest
ledger entry ends on: two statements, however many wallets. `save` writes each balance with
an UPDATE guarded by the balance it was loaded with, and appends the new entries through the
ORM. These statements keep to the session's store by naming it (`keeps_to_store`); row-level
security checks it again.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import Select, Update, bindparam, func, select, update

from adapters.sqlalchemy.errors import storage_errors
from adapters.sqlalchemy.identity.tables import users
from adapters.sqlalchemy.repository import SqlAlchemyRepository
from adapters.sqlalchemy.tenancy import keeps_to_store, session_store
from adapters.sqlalchemy.wallet.tables import ledger_entries
from application.shared.errors import Contention
from domain.shared.money import ZERO
from domain.wallet.repository import (
    CreditGrantRepository,
    TransferRepository,
    WalletRepository,
)
from domain.wallet.transfer import Transfer
from domain.wallet.wallet import CreditGrant, Wallet

__all__ = [
    "SqlAlchemyCreditGrantRepository",
    "SqlAlchemyTransferRepository",
    "SqlAlchemyWalletRepository",
]


@cache
def _lock() -> Select[Any]:
    """The wallets of `:user_ids`, locked in ascending id order."""
    statement = (
        select(users.c.id, users.c.credits, users.c.is_active)
        .where(
            users.c.store_id == bindparam("store"),
            users.c.id.in_(bindparam("user_ids", expanding=True)),
        )
        .order_by(users.c.id)
        .with_for_update(of=users)
    )
    locking: Select[Any] = keeps_to_store(statement)
    return locking


@cache
def _latest_balances() -> Select[Any]:
    """The balance the latest ledger entry of each of `:user_ids` ends on."""
    latest = (
        select(func.max(ledger_entries.c.id))
        .where(
            ledger_entries.c.store_id == bindparam("store"),
            ledger_entries.c.user_id.in_(bindparam("user_ids", expanding=True)),
        )
        .group_by(ledger_entries.c.user_id)
    )
    statement = select(ledger_entries.c.user_id, ledger_entries.c.balance_after).where(
        ledger_entries.c.id.in_(latest)
    )
    reading: Select[Any] = keeps_to_store(statement)
    return reading


@cache
def _write_balance() -> Update:
    """The new balance, written only over the one it was loaded with."""
    statement = (
        update(users)
        .where(
            users.c.store_id == bindparam("store"),
            users.c.id == bindparam("user_id"),
            users.c.credits == bindparam("loaded", type_=users.c.credits.type),
        )
        .values(credits=bindparam("balance", type_=users.c.credits.type))
    )
    guarded: Update = keeps_to_store(statement)
    return guarded


class SqlAlchemyWalletRepository(SqlAlchemyRepository, WalletRepository):
    async def lock(self, user_ids: Collection[int]) -> dict[int, Wallet]:
        session = self._session
        parameters = {"store": session_store(session), "user_ids": sorted(set(user_ids))}
        async with storage_errors():
            rows = list(await session.execute(_lock(), parameters))
            # Read once the locks are held, in a statement of its own: on PostgreSQL a
            # statement that waited for a lock sees the locked rows as they are now, but
            # anything else as it was when it started, before the movement it waited for.
            found = await session.execute(_latest_balances(), parameters)
            latest: dict[int, Decimal] = {row.user_id: row.balance_after for row in found}
        return {
            row.id: Wallet(
                user_id=row.id,
                balance=row.credits,
                ledger_balance=latest.get(row.id, ZERO),
                is_active=row.is_active,
            )
            for row in rows
        }

    async def save(self, wallets: Iterable[Wallet]) -> None:
        session = self._session
        store = session_store(session)
        moved = sorted((w for w in wallets if w.new_entries), key=lambda w: w.user_id)
        async with storage_errors():
            for wallet in moved:
                result = await session.execute(
                    _write_balance(),
                    {
                        "store": store,
                        "user_id": wallet.user_id,
                        "loaded": wallet.opening_balance,
                        "balance": wallet.balance,
                    },
                )
                if result.rowcount != 1:  # type: ignore[attr-defined]
                    raise Contention(f"the credits of user {wallet.user_id} changed meanwhile")
            session.add_all([entry for wallet in moved for entry in wallet.new_entries])
            await session.flush()
        for wallet in moved:
            wallet.stored()


class SqlAlchemyTransferRepository(SqlAlchemyRepository, TransferRepository):
    async def add(self, transfer: Transfer) -> None:
        await self._add(transfer)


class SqlAlchemyCreditGrantRepository(SqlAlchemyRepository, CreditGrantRepository):
    async def add(self, grant: CreditGrant) -> None:
        await self._add(grant)
