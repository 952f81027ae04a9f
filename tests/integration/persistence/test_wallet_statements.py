"""The wallet's statements do not grow with the rows: a transfer costs the same however long
the two ledgers are, and the reconciliation the same for a handful of users or many.

Counted as tests/integration/persistence/test_statement_counts.py counts (everything that
reaches the driver), on SQLite and PostgreSQL."""

from __future__ import annotations

from decimal import Decimal

from application.identity.commands import CreateAdmin, RegisterUser, RegisterUsers
from application.shared.access import Principal
from application.wallet.commands import GrantCredits, TransferCredits
from tests.contract.data import PASSWORD, id_of, user
from tests.integration.persistence.test_statement_counts import (
    StatementLog,
    counted,
    named_the_store_once_each,
)
from tests.support.actors import customer
from tests.support.storage import Storage


async def _boss(storage: Storage) -> Principal:
    made, _ = await storage.use_cases.create_admin()(CreateAdmin("boss", "b@example.com", PASSWORD))
    return Principal.user(id_of(made), is_admin=True)


async def _transfer(storage: Storage, sender: int, recipient: int) -> StatementLog:
    with counted(storage) as log:
        await storage.use_cases.transfer_credits()(
            customer(sender), TransferCredits(recipient, Decimal("0.01"))
        )
    return log


async def test_a_transfer_costs_the_same_statements_however_long_the_ledgers(
    storage: Storage,
) -> None:
    boss = await _boss(storage)
    ann, bob = id_of(await user(storage, "ann")), id_of(await user(storage, "bob"))
    await storage.use_cases.grant_credits()(boss, GrantCredits(ann, Decimal("100.00"), "x"))

    first = await _transfer(storage, ann, bob)
    for _ in range(40):
        await _transfer(storage, ann, bob)
    later = await _transfer(storage, ann, bob)

    print(f"\n{storage.backend}: transfer: {len(first)} statements, after 40 more: {len(later)}")
    assert len(later) == len(first)
    # The transfer's transaction, and the recipient's notification's after its commit.
    assert named_the_store_once_each(storage, later, 2)
    # Both wallets locked in one statement, their balances written one UPDATE each.
    assert sum("FOR UPDATE" in s for s in later.statements) == (
        1 if storage.backend == "postgres" else 0
    )
    assert sum(s.startswith("UPDATE users") for s in later.statements) == 2


async def test_the_reconciliation_costs_the_same_statements_for_3_or_60_users(
    storage: Storage,
) -> None:
    boss = await _boss(storage)
    few = [id_of(await user(storage, f"few{n}")) for n in range(2)]
    for user_id in few:
        await storage.use_cases.grant_credits()(boss, GrantCredits(user_id, Decimal("1.00"), "x"))
    queries = storage.use_cases.wallet_queries()

    with counted(storage) as small:
        before = await queries.reconcile()
    made = await storage.use_cases.register_users()(
        RegisterUsers(
            tuple(RegisterUser(f"many{n}", f"many{n}@example.com", PASSWORD) for n in range(57))
        ),
    )
    for one in made[:20]:
        await storage.use_cases.grant_credits()(
            boss, GrantCredits(id_of(one), Decimal("2.00"), "x")
        )
    with counted(storage) as large:
        after = await queries.reconcile()

    print(f"\n{storage.backend}: reconcile {before.users_checked} users: {len(small)} statements")
    print(f"{storage.backend}: reconcile {after.users_checked} users: {len(large)} statements")
    assert (before.users_checked, after.users_checked) == (3, 60)
    assert after.differences == ()
    assert len(large) == len(small)
    assert named_the_store_once_each(storage, large, 1)
