"""No N+1: the statements a use case or a query sends do not grow with the rows it touches.

Statements are counted with an engine `before_cursor_execute` listener, so everything that
reaches the driver counts: BEGIN on SQLite, SAVEPOINTs, the lot.

On PostgreSQL every transaction and every read first names its store to the row-level security
policies (`set_config('storefront.store_id', ...)`): one statement more per transaction or
read than a database of one shop would send, never one more per row, and none for a savepoint
inside a transaction that has named it. Each test says how many transactions and reads its
use case takes, and checks that PostgreSQL named the store exactly once for each.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from adapters.sqlalchemy.tenancy import STORE_SETTING
from application.catalog.commands import DeleteCategory
from application.identity.commands import RegisterUser, RegisterUsers
from application.ordering.commands import PlaceOrder
from application.ordering.queries import ORDER_LIST
from domain.ordering.order import OrderLine
from tests.contract.data import category, id_of, product, user
from tests.support.actors import customer
from tests.support.storage import Storage


class StatementLog:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def __len__(self) -> int:
        return len(self.statements)

    def __call__(self, *args: Any) -> None:
        _connection, _cursor, statement, *_ = args
        self.statements.append(statement)

    def store_namings(self) -> int:
        return sum(f"set_config('{STORE_SETTING}'" in s for s in self.statements)


def named_the_store_once_each(storage: Storage, log: StatementLog, transactions: int) -> bool:
    """Whether PostgreSQL was told the store once per transaction or read (SQLite: never)."""
    return log.store_namings() == (transactions if storage.backend == "postgres" else 0)


@contextmanager
def counted(storage: Storage) -> Iterator[StatementLog]:
    assert storage.engine is not None
    log = StatementLog()
    event.listen(storage.engine.sync_engine, "before_cursor_execute", log)
    try:
        yield log
    finally:
        event.remove(storage.engine.sync_engine, "before_cursor_execute", log)


async def place(storage: Storage, user_id: int, product_ids: list[int]) -> StatementLog:
    with counted(storage) as log:
        await storage.use_cases.place_order()(
            customer(user_id), PlaceOrder(lines=tuple(OrderLine(p, 1) for p in product_ids))
        )
    return log


async def test_placing_an_order_costs_the_same_statements_for_1_or_30_lines(
    storage: Storage,
) -> None:
    buyer = await user(storage, "buyer")
    products = [id_of(await product(storage, f"Item {n}", stock=5)) for n in range(31)]

    one_line = await place(storage, id_of(buyer), products[:1])
    thirty_lines = await place(storage, id_of(buyer), products[1:])

    print(f"\n{storage.backend}: place order, 1 line: {len(one_line)} statements")
    print(f"{storage.backend}: place order, 30 lines: {len(thirty_lines)} statements")
    assert len(thirty_lines) == len(one_line)
    # One transaction; the notification's savepoint inside it does not name the store again.
    assert named_the_store_once_each(storage, one_line, 1)
    assert named_the_store_once_each(storage, thirty_lines, 1)
    # The 30 products are written back by one UPDATE, the 30 lines by one INSERT.
    assert sum(s.startswith("UPDATE products") for s in thirty_lines.statements) == 1
    assert sum(s.startswith("INSERT INTO order_items") for s in thirty_lines.statements) == 1


async def test_listing_1_or_100_orders_with_items_costs_the_same_statements(
    storage: Storage,
) -> None:
    buyer = await user(storage, "buyer")
    lamp = id_of(await product(storage, "Lamp", stock=1_000))
    desk = id_of(await product(storage, "Desk", stock=1_000))
    for _ in range(100):
        await storage.use_cases.place_order()(
            customer(id_of(buyer)), PlaceOrder(lines=(OrderLine(lamp, 1), OrderLine(desk, 2)))
        )

    with counted(storage) as one:
        single = await storage.orders.list(ORDER_LIST.query(page_size=1))
    with counted(storage) as hundred:
        full = await storage.orders.list(ORDER_LIST.query(page_size=100))

    print(f"\n{storage.backend}: list 1 order with items: {len(one)} statements")
    print(f"{storage.backend}: list 100 orders with items: {len(hundred)} statements")
    assert (len(single.items), len(full.items), full.total) == (1, 100, 100)
    assert all(len(o.items) == 2 for o in full.items)
    assert len(hundred) == len(one)
    assert named_the_store_once_each(storage, one, 1)
    assert named_the_store_once_each(storage, hundred, 1)


def registrations(stem: str, count: int) -> RegisterUsers:
    return RegisterUsers(
        tuple(
            RegisterUser(
                username=f"{stem}_{n}", email=f"{stem}{n}@example.com", password="Pass1234"
            )
            for n in range(count)
        )
    )


async def test_registering_1_or_100_users_costs_the_same_statements(storage: Storage) -> None:
    with counted(storage) as one:
        await storage.use_cases.register_users()(registrations("one", 1))
    with counted(storage) as hundred:
        await storage.use_cases.register_users()(registrations("many", 100))

    print(f"\n{storage.backend}: register 1 user in bulk: {len(one)} statements")
    print(f"{storage.backend}: register 100 users in bulk: {len(hundred)} statements")
    assert len(hundred) == len(one)
    # Two transactions: the names already taken are asked first, the users added after.
    assert named_the_store_once_each(storage, one, 2)
    assert named_the_store_once_each(storage, hundred, 2)
    # The names already taken are asked in one query, before any password is hashed.
    assert sum(s.startswith("SELECT users.username, users.email") for s in hundred.statements) == 1


async def test_deleting_a_category_of_1_or_30_products_costs_the_same_statements(
    storage: Storage,
) -> None:
    small, large = await category(storage, "Small"), await category(storage, "Large")
    await product(storage, "Only", category_id=id_of(small))
    for n in range(30):
        await product(storage, f"Item {n}", category_id=id_of(large))

    with counted(storage) as one:
        await storage.use_cases.delete_category()(DeleteCategory(id_of(small)))
    with counted(storage) as thirty:
        await storage.use_cases.delete_category()(DeleteCategory(id_of(large)))

    print(f"\n{storage.backend}: delete a category of 1 product: {len(one)} statements")
    print(f"{storage.backend}: delete a category of 30 products: {len(thirty)} statements")
    assert len(thirty) == len(one)
    assert named_the_store_once_each(storage, one, 1)
    assert named_the_store_once_each(storage, thirty, 1)
    # The 30 products leave it, with a new version each, in one UPDATE.
    assert sum(s.startswith("UPDATE products") for s in thirty.statements) == 1
