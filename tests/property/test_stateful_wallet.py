"""Credits are conserved, whatever sequence of grants, transfers, credit payments and cancels
runs, on the fake and on SQL alike.

A hypothesis state machine drives two storages side by side — the fake, and SQLite or
PostgreSQL — with the same random wallet use cases, and checks after every step, on each:
the credits of all users are what was granted less what paid orders still hold (nothing lost,
nothing invented), no balance is below zero, the reconciliation finds every balance explained
by its ledger; and that both sides answered alike and hold the same balances. Built like
tests/property/test_stateful_storage.py: one `asyncio.Runner` per machine, an engine of its
own; users and orders are named by their index, each side keeping its own ids.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Coroutine
from decimal import Decimal
from typing import Any, ClassVar

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from application.catalog.commands import CreateProduct
from application.identity.commands import CreateAdmin, RegisterUser
from application.ordering.commands import ChangeOrderStatus, PayOrder, PlaceOrder
from application.shared.access import Principal
from application.shared.errors import ApplicationError
from application.wallet.commands import GrantCredits, TransferCredits
from domain.ordering.order import OrderLine, OrderStatus, PaymentMethod
from domain.shared.errors import DomainError
from tests.property.sql_sides import OpenSql, postgres_side, sqlite_side
from tests.property.test_stateful_storage import PARITY
from tests.support.actors import anonymous, customer
from tests.support.storage import Storage, memory_storage, seeded_memory_store, sql_storage

USERS = 4
PRICE = Decimal("7.50")
ZERO = Decimal("0.00")
amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("60.00"), places=2)
users = st.integers(min_value=0, max_value=USERS - 1)


class Side:
    """One storage, and the ids it gave the machine's users, product and orders."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self.admin = Principal.user(0, is_admin=True)
        self.users: list[int] = []
        self.product = 0
        self.orders: list[int] = []


class WalletConservation(RuleBasedStateMachine):
    open_sql: ClassVar[OpenSql]

    def __init__(self) -> None:
        super().__init__()
        self.runner = asyncio.Runner()
        self.engine, self.cleanup = self.runner.run(type(self).open_sql())
        memory = memory_storage(self.runner.run(seeded_memory_store()))
        self.sides = (Side(memory), Side(sql_storage(self.engine)))
        self.granted = ZERO
        self.held: dict[int, Decimal] = {}  # paid orders not cancelled: what they hold

    def teardown(self) -> None:
        try:
            self.runner.run(self.engine.dispose())
        finally:
            self.runner.close()
            self.cleanup()

    def both(self, step: Callable[[Side], Coroutine[Any, Any, Any]]) -> str | None:
        """Run `step` on each side; both must succeed, or fail with the same kind of error.
        None on success, else the error's class name."""
        outcomes: list[str | None] = []
        for side in self.sides:
            try:
                self.runner.run(step(side))
                outcomes.append(None)
            except (DomainError, ApplicationError) as error:
                outcomes.append(type(error).__name__)
        assert outcomes[0] == outcomes[1], outcomes
        return outcomes[0]

    @initialize()
    def open_accounts(self) -> None:
        async def make(side: Side) -> None:
            cases = side.storage.use_cases
            boss, _ = await cases.create_admin()(
                CreateAdmin("boss", "boss@example.com", "Pass1234")
            )
            assert boss.id is not None
            side.admin = Principal.user(boss.id, is_admin=True)
            for n in range(USERS):
                made = await cases.register_user()(
                    anonymous(), RegisterUser(f"user{n}", f"user{n}@example.com", "Pass1234")
                )
                assert made.id is not None
                side.users.append(made.id)
            lamp = await cases.create_product()(
                CreateProduct(name="Lamp", sku="LAMP", price=PRICE, stock_quantity=100_000)
            )
            assert lamp.id is not None
            side.product = lamp.id

        assert self.both(make) is None

    @rule(user=users, amount=amounts)
    def grant(self, user: int, amount: Decimal) -> None:
        async def step(side: Side) -> None:
            command = GrantCredits(side.users[user], amount, "machine")
            await side.storage.use_cases.grant_credits()(side.admin, command)

        assert self.both(step) is None
        self.granted += amount

    @rule(sender=users, recipient=users, amount=amounts)
    def transfer(self, sender: int, recipient: int, amount: Decimal) -> None:
        async def step(side: Side) -> None:
            await side.storage.use_cases.transfer_credits()(
                customer(side.users[sender]), TransferCredits(side.users[recipient], amount)
            )

        refused = self.both(step)
        assert refused in (None, "InsufficientCredits", "InvalidValue"), refused
        assert (refused == "InvalidValue") == (sender == recipient)

    @rule(user=users, quantity=st.integers(min_value=1, max_value=4))
    def pay_an_order_with_credits(self, user: int, quantity: int) -> None:
        async def step(side: Side) -> None:
            cases = side.storage.use_cases
            placed = await cases.place_order()(
                customer(side.users[user]),
                PlaceOrder(lines=(OrderLine(side.product, quantity),)),
            )
            side.orders.append(placed.result.id)
            await cases.pay_order()(
                customer(side.users[user]), PayOrder(placed.result.id, PaymentMethod.CREDITS)
            )

        refused = self.both(step)
        assert refused in (None, "InsufficientCredits"), refused
        if refused is None:
            self.held[len(self.sides[0].orders) - 1] = PRICE * quantity

    @precondition(lambda self: bool(self.sides[0].orders))
    @rule(data=st.data())
    def cancel_an_order(self, data: st.DataObject) -> None:
        index = data.draw(st.integers(min_value=0, max_value=len(self.sides[0].orders) - 1))

        async def step(side: Side) -> None:
            command = ChangeOrderStatus(side.orders[index], OrderStatus.CANCELLED)
            await side.storage.use_cases.change_order_status()(side.admin, command)

        refused = self.both(step)
        assert refused in (None, "InvalidTransition"), refused
        if refused is None:
            self.held.pop(index, None)  # its credits came back, if it was paid with them

    @invariant()
    def credits_are_conserved_and_explained(self) -> None:
        balances = []
        for side in self.sides:
            queries = side.storage.use_cases.wallet_queries()

            async def read(side: Side = side, queries: Any = queries) -> list[Decimal]:
                found = [await queries.balance(user_id) for user_id in side.users]
                return [view.balance for view in found if view is not None]

            mine = self.runner.run(read())
            reconciled = self.runner.run(queries.reconcile())
            assert len(mine) == len(side.users)
            assert sum(mine, ZERO) == self.granted - sum(self.held.values(), ZERO)
            assert min(mine, default=ZERO) >= ZERO
            assert reconciled.differences == ()
            balances.append(mine)
        assert balances[0] == balances[1]


# Five runs of 15 steps per backend keep the suite quick; STOREFRONT_PARITY_EXAMPLES=500
# searches harder.
WALLET = settings(
    PARITY,
    max_examples=int(os.environ.get("STOREFRONT_PARITY_EXAMPLES", "5")),
    stateful_step_count=15,
)


def test_sqlite_and_the_fake_conserve_credits() -> None:
    class SqliteWallet(WalletConservation):
        open_sql = staticmethod(sqlite_side("storefront-wallet-"))

    run_state_machine_as_test(SqliteWallet, settings=WALLET)


@pytest.mark.postgres
def test_postgres_and_the_fake_conserve_credits(postgres_url: str, postgres_app_url: str) -> None:
    class PostgresWallet(WalletConservation):
        open_sql = staticmethod(postgres_side(postgres_url, postgres_app_url))

    run_state_machine_as_test(PostgresWallet, settings=WALLET)
