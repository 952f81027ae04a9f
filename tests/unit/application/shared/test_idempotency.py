"""Idempotent use cases: a request with a key already answered is replayed, not executed."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from adapters.memory import InMemoryStore, InMemoryUnitOfWork
from application.catalog.commands import AdjustStock
from application.catalog.handlers import AdjustStockHandler
from application.ordering.commands import PayOrder, PlaceOrder
from application.ordering.handlers import PayOrderHandler, PlaceOrderHandler
from application.shared.errors import RequestInProgress
from application.shared.idempotency.request import (
    KEY_FIELD,
    IdempotentRequest,
    request_fingerprint,
)
from application.shared.idempotency.store import (
    IdempotencyRecord,
    IdempotencyStore,
    KeyReused,
    StoredOutcome,
)
from application.wallet.credit_payments import WalletCreditPayments
from domain.catalog.product import Product
from domain.ordering.order import Order, OrderLine, PaymentMethod
from domain.shared.errors import InsufficientStock, InvalidValue
from tests.support.actors import customer
from tests.support.fakes import CountingOrderNumbers, SteppingClock
from tests.unit.seeding import Seed, id_of


def keyed(key: str = "key-1", fingerprint: str = "f1", status: int = 201) -> IdempotentRequest:
    return IdempotentRequest(key=key, fingerprint=fingerprint, status_code=status)


def placing(product_id: int, quantity: int, key: IdempotentRequest) -> PlaceOrder:
    """The caller's own order of one product."""
    return PlaceOrder((OrderLine(product_id, quantity),), idempotency=key)


class CountingUnitOfWork(InMemoryUnitOfWork):
    """Counts the commits, to tell a replay (none) from an execution (one)."""

    def __init__(self, store: InMemoryStore) -> None:
        super().__init__(store)
        self.commits = 0

    async def commit(self) -> None:
        await super().commit()
        self.commits += 1


class HeldElsewhere(IdempotencyStore):
    """A store whose every key is held by another transaction that is still running."""

    async def claim(self, scope: str, key: str) -> IdempotencyRecord | None:
        raise RequestInProgress("still running")

    async def complete(
        self,
        scope: str,
        key: str,
        fingerprint: str,
        now: datetime,
        expires_at: datetime,
        render: Callable[[], StoredOutcome],
    ) -> None:
        raise AssertionError("a held key is never completed")


@pytest.fixture
def counting(store: InMemoryStore) -> CountingUnitOfWork:
    return CountingUnitOfWork(store)


@pytest.fixture
def place(
    counting: CountingUnitOfWork, clock: SteppingClock, order_numbers: CountingOrderNumbers
) -> PlaceOrderHandler:
    return PlaceOrderHandler(counting, clock, order_numbers)


async def test_a_retried_order_is_replayed_without_being_placed_again(
    seed: Seed, store: InMemoryStore, place: PlaceOrderHandler, counting: CountingUnitOfWork
) -> None:
    user, lamp = await seed.user(), await seed.product(stock=10)

    first = await place(customer(id_of(user)), placing(id_of(lamp), 2, keyed()))
    second = await place(customer(id_of(user)), placing(id_of(lamp), 2, keyed()))

    assert (first.replayed, second.replayed) == (False, True)
    assert second.body == first.body
    assert second.status_code == 201
    assert counting.commits == 1
    assert len(store.rows(Order)) == 1
    assert store.rows(Product)[id_of(lamp)].stock_quantity == 8


async def test_the_stored_answer_is_the_order_view_as_json(
    seed: Seed, store: InMemoryStore, place: PlaceOrderHandler
) -> None:
    user, lamp = await seed.user(), await seed.product(price="12.50", stock=10)

    answer = await place(customer(id_of(user)), placing(id_of(lamp), 2, keyed()))

    (order,) = store.rows(Order).values()
    view = json.loads(answer.body)
    assert view["id"] == order.id
    assert view["total_amount"] == "25.00"
    assert view["status"] == "pending"
    assert [item["id"] for item in view["items"]] == [item.id for item in order.items]
    assert datetime.fromisoformat(view["created_at"]) == order.created_at


async def test_the_same_key_for_another_request_is_refused_and_changes_nothing(
    seed: Seed, store: InMemoryStore, place: PlaceOrderHandler
) -> None:
    user, lamp = await seed.user(), await seed.product(stock=10)
    await place(customer(id_of(user)), placing(id_of(lamp), 1, keyed(fingerprint="first")))

    with pytest.raises(KeyReused) as refused:
        await place(customer(id_of(user)), placing(id_of(lamp), 5, keyed(fingerprint="second")))

    assert refused.value.field == KEY_FIELD
    assert len(store.rows(Order)) == 1
    assert store.rows(Product)[id_of(lamp)].stock_quantity == 9


async def test_a_key_still_held_by_a_running_request_is_a_conflict_and_changes_nothing(
    seed: Seed, store: InMemoryStore, clock: SteppingClock, order_numbers: CountingOrderNumbers
) -> None:
    user, lamp = await seed.user(), await seed.product(stock=10)
    uow = InMemoryUnitOfWork(store)
    uow.idempotency = HeldElsewhere()

    with pytest.raises(RequestInProgress):
        await PlaceOrderHandler(uow, clock, order_numbers)(
            customer(id_of(user)), placing(id_of(lamp), 1, keyed())
        )

    assert store.rows(Order) == {}
    assert store.rows(Product)[id_of(lamp)].stock_quantity == 10


async def test_an_expired_key_is_executed_afresh_and_answers_its_retries_again(
    seed: Seed, store: InMemoryStore, clock: SteppingClock, place: PlaceOrderHandler
) -> None:
    user, lamp = await seed.user(), await seed.product(stock=10)
    first = await place(customer(id_of(user)), placing(id_of(lamp), 1, keyed()))

    clock.advance(hours=24)
    again = await place(customer(id_of(user)), placing(id_of(lamp), 1, keyed()))
    retried = await place(customer(id_of(user)), placing(id_of(lamp), 1, keyed()))

    assert again.replayed is False
    assert json.loads(again.body)["id"] != json.loads(first.body)["id"]
    assert (retried.replayed, retried.body) == (True, again.body)
    assert store.rows(Product)[id_of(lamp)].stock_quantity == 8


async def test_the_time_to_live_is_the_handlers_to_choose(
    seed: Seed, store: InMemoryStore, clock: SteppingClock, order_numbers: CountingOrderNumbers
) -> None:
    user, lamp = await seed.user(), await seed.product(stock=10)
    place = PlaceOrderHandler(
        InMemoryUnitOfWork(store), clock, order_numbers, idempotency_ttl=timedelta(minutes=5)
    )
    await place(customer(id_of(user)), placing(id_of(lamp), 1, keyed()))

    clock.advance(minutes=4, seconds=59)
    within = await place(customer(id_of(user)), placing(id_of(lamp), 1, keyed()))
    clock.advance(seconds=1)
    after = await place(customer(id_of(user)), placing(id_of(lamp), 1, keyed()))

    assert (within.replayed, after.replayed) == (True, False)
    assert len(store.rows(Order)) == 2


async def test_a_failed_request_leaves_no_record_so_its_retry_runs_again(
    seed: Seed, store: InMemoryStore, place: PlaceOrderHandler, clock: SteppingClock
) -> None:
    user, lamp = await seed.user(), await seed.product(stock=1)

    with pytest.raises(InsufficientStock):
        await place(customer(id_of(user)), placing(id_of(lamp), 3, keyed()))
    assert store.idempotency_keys == {}

    await AdjustStockHandler(InMemoryUnitOfWork(store), clock)(AdjustStock(id_of(lamp), 5))
    answer = await place(customer(id_of(user)), placing(id_of(lamp), 3, keyed()))
    assert answer.replayed is False
    assert store.rows(Product)[id_of(lamp)].stock_quantity == 3


async def test_the_same_key_in_two_operations_are_two_keys(
    seed: Seed, store: InMemoryStore, clock: SteppingClock, place: PlaceOrderHandler
) -> None:
    user, lamp = await seed.user(), await seed.product(stock=10)
    adjust = AdjustStockHandler(InMemoryUnitOfWork(store), clock)

    await place(customer(id_of(user)), placing(id_of(lamp), 1, keyed()))
    adjusted = await adjust(AdjustStock(id_of(lamp), 5, idempotency=keyed(status=200)))

    assert adjusted.replayed is False
    assert store.rows(Product)[id_of(lamp)].stock_quantity == 14


async def test_a_retried_payment_is_replayed_instead_of_refused(
    seed: Seed, store: InMemoryStore, clock: SteppingClock
) -> None:
    user, lamp = await seed.user(), await seed.product(stock=10)
    order = await seed.order(id_of(user), (id_of(lamp), 1))
    pay = PayOrderHandler(InMemoryUnitOfWork(store), clock, WalletCreditPayments())
    command = PayOrder(id_of(order), PaymentMethod.CARD, idempotency=keyed())

    first = await pay(customer(id_of(user)), command)
    second = await pay(customer(id_of(user)), command)

    assert second.replayed is True
    assert second.body == first.body
    assert json.loads(first.body)["id"] == store.rows(Order)[id_of(order)].payments[0].id
    assert len(store.rows(Order)[id_of(order)].payments) == 1


async def test_a_retried_stock_adjustment_moves_the_stock_once(
    seed: Seed, store: InMemoryStore, clock: SteppingClock
) -> None:
    lamp = await seed.product(stock=10)
    adjust = AdjustStockHandler(InMemoryUnitOfWork(store), clock)
    command = AdjustStock(id_of(lamp), -4, idempotency=keyed(status=200))

    first = await adjust(command)
    second = await adjust(command)

    assert (second.replayed, second.status_code, second.body) == (True, 200, first.body)
    assert json.loads(first.body)["stock_quantity"] == 6
    assert store.rows(Product)[id_of(lamp)].stock_quantity == 6


async def test_without_a_key_the_answer_is_fresh_every_time(
    seed: Seed, store: InMemoryStore, clock: SteppingClock
) -> None:
    lamp = await seed.product(stock=10)
    adjust = AdjustStockHandler(InMemoryUnitOfWork(store), clock)

    first = await adjust(AdjustStock(id_of(lamp), 1))
    second = await adjust(AdjustStock(id_of(lamp), 1))

    assert (first.replayed, second.replayed) == (False, False)
    assert json.loads(second.body)["stock_quantity"] == 12


async def test_a_fresh_answer_carries_its_view_and_the_json_a_replay_would_carry(
    seed: Seed, store: InMemoryStore, clock: SteppingClock
) -> None:
    lamp = await seed.product(stock=10)
    adjust = AdjustStockHandler(InMemoryUnitOfWork(store), clock)

    keyless = await adjust(AdjustStock(id_of(lamp), 1))
    first = await adjust(AdjustStock(id_of(lamp), 1, idempotency=keyed(status=200)))
    replay = await adjust(AdjustStock(id_of(lamp), 1, idempotency=keyed(status=200)))

    assert keyless.result.stock_quantity == 11
    assert json.loads(keyless.body)["stock_quantity"] == 11
    assert first.result.stock_quantity == 12
    assert replay.body == first.body
    with pytest.raises(ValueError, match="JSON only"):
        _ = replay.result
    assert store.rows(Product)[id_of(lamp)].stock_quantity == 12


@pytest.mark.parametrize("key", ["", "k" * 256, "tab\there", "é", " leading", "trailing "])
def test_a_key_must_be_1_to_255_printable_ascii_characters(key: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        keyed(key=key)

    assert refused.value.field == KEY_FIELD


@pytest.mark.parametrize("key", ["a", "k" * 255, "order 2026-11-23 #1", "~!@{}"])
def test_printable_ascii_keys_are_accepted(key: str) -> None:
    assert keyed(key=key).key == key


def test_the_fingerprint_ignores_the_order_of_body_keys_but_not_values_paths_or_methods() -> None:
    one = request_fingerprint("POST", "/orders/", {"a": 1, "b": [1, 2]})

    assert request_fingerprint("post", "/orders/", {"b": [1, 2], "a": 1}) == one
    assert request_fingerprint("POST", "/orders/", {"a": 1, "b": [2, 1]}) != one
    assert request_fingerprint("POST", "/orders/2", {"a": 1, "b": [1, 2]}) != one
    assert request_fingerprint("PUT", "/orders/", {"a": 1, "b": [1, 2]}) != one
