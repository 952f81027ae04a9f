"""Wallet use cases on the in-memory unit of work: grants, transfers (idempotent, all or
nothing), credit payments of orders and their refunds, and the reads as a caller sees them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from adapters.memory import InMemoryStore, InMemoryUnitOfWork
from adapters.memory.wallet.queries import InMemoryWalletQueries
from application.ordering.commands import ChangeOrderStatus, PayOrder
from application.ordering.handlers import ChangeOrderStatusHandler, PayOrderHandler
from application.shared.access import Forbidden, Principal
from application.shared.idempotency.request import IdempotentRequest
from application.wallet.commands import GrantCredits, TransferCredits
from application.wallet.credit_payments import WalletCreditPayments
from application.wallet.handlers import GrantCreditsHandler, TransferCreditsHandler
from application.wallet.queries import LEDGER_LIST, TRANSFER_LIST
from application.wallet.reads import Direction, WalletReads
from domain.ordering.order import OrderStatus, PaymentMethod
from domain.shared.errors import (
    Inactive,
    InsufficientCredits,
    InvalidTransition,
    InvalidValue,
    NotFound,
)
from tests.support.actors import customer
from tests.unit.seeding import Seed, id_of


@pytest.fixture
async def boss(seed: Seed) -> Principal:
    return Principal.user(id_of(await seed.user(superuser=True)), is_admin=True)


@pytest.fixture
def grant(uow, clock) -> GrantCreditsHandler:
    return GrantCreditsHandler(uow, clock)


@pytest.fixture
def transfer(uow, clock) -> TransferCreditsHandler:
    return TransferCreditsHandler(uow, clock)


@pytest.fixture
def reads(store: InMemoryStore) -> WalletReads:
    return WalletReads(InMemoryWalletQueries(store))


async def balance(reads: WalletReads, user_id: int) -> Decimal:
    return (await reads.balance(customer(user_id))).balance


async def test_only_an_admin_grants_and_only_to_a_user_of_the_store(
    seed: Seed, grant: GrantCreditsHandler, boss: Principal, reads: WalletReads
) -> None:
    ann = id_of(await seed.user())

    made = await grant(boss, GrantCredits(ann, Decimal("12.00"), "Welcome"))

    assert (made.user_id, made.amount, made.balance_after, made.granted_by) == (
        ann,
        Decimal("12.00"),
        Decimal("12.00"),
        boss.user_id,
    )
    with pytest.raises(Forbidden):
        await grant(customer(ann), GrantCredits(ann, Decimal("1.00"), "Mine"))
    with pytest.raises(NotFound):
        await grant(boss, GrantCredits(2_000_000_001, Decimal("1.00"), "Nobody"))
    assert await balance(reads, ann) == Decimal("12.00")


async def test_a_transfer_moves_the_credits_and_explains_both_balances(
    seed: Seed,
    grant: GrantCreditsHandler,
    transfer: TransferCreditsHandler,
    boss: Principal,
    reads: WalletReads,
) -> None:
    ann, bob = id_of(await seed.user()), id_of(await seed.user())
    await grant(boss, GrantCredits(ann, Decimal("10.00"), "x"))

    answer = await transfer(customer(ann), TransferCredits(bob, Decimal("3.00"), "thanks"))

    assert (answer.result.from_user_id, answer.result.to_user_id) == (ann, bob)
    assert (await balance(reads, ann), await balance(reads, bob)) == (
        Decimal("7.00"),
        Decimal("3.00"),
    )
    bobs = await reads.ledger(customer(bob), LEDGER_LIST.query())
    assert [(e.kind, e.reference_id) for e in bobs.items] == [("transfer_in", answer.result.id)]
    sent = await reads.transfers(customer(ann), TRANSFER_LIST.query(), Direction.SENT)
    received = await reads.transfers(customer(ann), TRANSFER_LIST.query(), Direction.RECEIVED)
    assert ([t.id for t in sent.items], received.total) == ([answer.result.id], 0)


async def test_a_refused_transfer_changes_nothing(
    seed: Seed,
    grant: GrantCreditsHandler,
    transfer: TransferCreditsHandler,
    boss: Principal,
    reads: WalletReads,
) -> None:
    ann, bob = id_of(await seed.user()), id_of(await seed.user())
    gone = id_of(await seed.user(active=False))
    await grant(boss, GrantCredits(ann, Decimal("5.00"), "x"))

    for to, amount, refusal in (
        (bob, "5.01", InsufficientCredits),
        (gone, "1.00", Inactive),
        (ann, "1.00", InvalidValue),
        (2_000_000_001, "1.00", NotFound),
        (bob, "0.00", InvalidValue),
    ):
        with pytest.raises(refusal):
            await transfer(customer(ann), TransferCredits(to, Decimal(amount)))

    assert (await balance(reads, ann), await balance(reads, bob)) == (
        Decimal("5.00"),
        Decimal("0.00"),
    )
    assert (await reads.transfers(customer(ann), TRANSFER_LIST.query())).total == 0


async def test_a_keyed_transfer_retried_moves_the_money_once(
    seed: Seed,
    grant: GrantCreditsHandler,
    transfer: TransferCreditsHandler,
    boss: Principal,
    reads: WalletReads,
) -> None:
    ann, bob = id_of(await seed.user()), id_of(await seed.user())
    await grant(boss, GrantCredits(ann, Decimal("5.00"), "x"))
    key = IdempotentRequest(key="k-1", fingerprint="same-body", status_code=201)
    command = TransferCredits(bob, Decimal("2.00"), idempotency=key)

    first = await transfer(customer(ann), command)
    again = await transfer(customer(ann), command)

    assert (first.replayed, again.replayed, again.body) == (False, True, first.body)
    assert await balance(reads, bob) == Decimal("2.00")


async def test_a_transfer_is_read_by_its_parties_and_admins_only(
    seed: Seed,
    grant: GrantCreditsHandler,
    transfer: TransferCreditsHandler,
    boss: Principal,
    reads: WalletReads,
) -> None:
    ann, bob, eve = [id_of(await seed.user()) for _ in range(3)]
    await grant(boss, GrantCredits(ann, Decimal("5.00"), "x"))
    made = (await transfer(customer(ann), TransferCredits(bob, Decimal("1.00")))).result

    for reader in (customer(ann), customer(bob), boss):
        assert await reads.transfer(reader, made.id) == made
    with pytest.raises(NotFound):
        await reads.transfer(customer(eve), made.id)
    assert (await reads.transfers(customer(eve), TRANSFER_LIST.query())).total == 0
    assert (await reads.transfers(boss, TRANSFER_LIST.query())).total == 1


async def test_paying_with_credits_and_cancelling_refunds_exactly_once(
    seed: Seed,
    uow: InMemoryUnitOfWork,
    clock,
    grant: GrantCreditsHandler,
    boss: Principal,
    reads: WalletReads,
) -> None:
    ann = id_of(await seed.user())
    lamp = id_of(await seed.product(price="6.00"))
    await grant(boss, GrantCredits(ann, Decimal("10.00"), "x"))
    order = await seed.order(ann, (lamp, 1))
    pay = PayOrderHandler(uow, clock, WalletCreditPayments())
    change = ChangeOrderStatusHandler(uow, clock, WalletCreditPayments())

    await pay(customer(ann), PayOrder(order.id, PaymentMethod.CREDITS))
    assert await balance(reads, ann) == Decimal("4.00")
    await change(boss, ChangeOrderStatus(order.id, OrderStatus.CANCELLED))
    with pytest.raises(InvalidTransition):
        await change(boss, ChangeOrderStatus(order.id, OrderStatus.CANCELLED))

    assert await balance(reads, ann) == Decimal("10.00")
    kinds = [e.kind for e in (await reads.ledger(customer(ann), LEDGER_LIST.query())).items]
    assert kinds == ["order_refund", "order_payment", "grant"]


async def test_too_few_credits_leaves_the_order_pending(
    seed: Seed, uow: InMemoryUnitOfWork, clock, reads: WalletReads
) -> None:
    ann = id_of(await seed.user())
    lamp = id_of(await seed.product(price="6.00"))
    order = await seed.order(ann, (lamp, 1))

    with pytest.raises(InsufficientCredits):
        await PayOrderHandler(uow, clock, WalletCreditPayments())(
            customer(ann), PayOrder(order.id, PaymentMethod.CREDITS)
        )

    async with uow:
        stored = await uow.orders.get(order.id)
    assert stored is not None
    assert (stored.status, stored.payments) == (OrderStatus.PENDING, [])
