"""The wallet's ports on every backend: wallets locked and written over the users' credits,
the append-only ledger, transfers and grants, and the read side with its reconciliation.

Grants are made by an admin who is a stored user (the grant names them). Figures are of this
test's own users; the reconciliation counts every user of the store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest

from application.identity.commands import CreateAdmin
from application.shared.access import Principal
from application.shared.errors import Contention
from application.shared.unit_of_work import UnitOfWork
from application.wallet.commands import GrantCredits, TransferCredits
from application.wallet.queries import LEDGER_LIST, TRANSFER_LIST
from application.wallet.read_models import BalanceView
from domain.identity.user import User
from domain.shared.errors import DuplicateValue, NotFound
from domain.wallet.transfer import Transfer, TransferStatus
from domain.wallet.wallet import CreditGrant, EntryKind, Wallet
from tests.contract.data import PASSWORD, id_of, user
from tests.support.actors import customer
from tests.support.storage import Storage


@dataclass
class People:
    admin: Principal
    ann: User
    bob: User


@pytest.fixture
async def people(storage: Storage) -> People:
    made, _ = await storage.use_cases.create_admin()(
        CreateAdmin("boss", "boss@example.com", PASSWORD)
    )
    return People(
        Principal.user(id_of(made), is_admin=True),
        await user(storage, "ann"),
        await user(storage, "bob"),
    )


async def grant(storage: Storage, people: People, user_id: int, amount: str) -> None:
    await storage.use_cases.grant_credits()(
        people.admin, GrantCredits(user_id, Decimal(amount), "test")
    )


async def send(storage: Storage, sender: int, recipient: int, amount: str) -> int:
    answer = await storage.use_cases.transfer_credits()(
        customer(sender), TransferCredits(recipient, Decimal(amount))
    )
    return answer.result.id


# -- the wallet repository -----------------------------------------------------------------
async def test_lock_gives_the_wallets_that_exist_with_their_latest_ledger_balance(
    storage: Storage, people: People
) -> None:
    ann, bob = id_of(people.ann), id_of(people.bob)
    await grant(storage, people, ann, "7.25")

    async with storage.make_uow() as uow:
        wallets = await uow.wallets.lock([bob, 2_000_000_001, ann])

    assert list(wallets) == sorted([ann, bob])
    assert (wallets[ann].balance, wallets[ann].ledger_balance) == (Decimal("7.25"),) * 2
    assert (wallets[bob].balance, wallets[bob].ledger_balance) == (Decimal("0.00"),) * 2
    assert wallets[ann].is_active


async def test_save_writes_the_balance_and_appends_the_entries_with_ids(
    storage: Storage, people: People
) -> None:
    ann = id_of(people.ann)
    now = storage.clock.now()
    async with storage.make_uow() as uow:
        wallet = (await uow.wallets.lock([ann]))[ann]
        first = wallet.credit(Decimal("3.00"), EntryKind.GRANT, 901, now)
        second = wallet.credit(Decimal("1.50"), EntryKind.GRANT, 902, now)
        await uow.wallets.save([wallet])
        await uow.commit()

    assert first.id is not None
    assert second.id is not None
    assert first.id < second.id
    assert wallet.new_entries == []
    async with storage.make_uow() as uow:
        again = (await uow.wallets.lock([ann]))[ann]
    assert (again.balance, again.ledger_balance) == (Decimal("4.50"),) * 2
    queries = storage.use_cases.wallet_queries()
    page = await queries.ledger(LEDGER_LIST.query().narrowed("user_id", ann))
    assert [(e.amount, e.balance_after) for e in page.items] == [
        (Decimal("1.50"), Decimal("4.50")),
        (Decimal("3.00"), Decimal("3.00")),
    ]


async def test_save_over_a_balance_changed_meanwhile_is_contention_and_writes_nothing(
    storage: Storage, people: People
) -> None:
    ann = id_of(people.ann)
    now = storage.clock.now()
    async with storage.make_uow() as uow:
        wallet = (await uow.wallets.lock([ann]))[ann]
    await grant(storage, people, ann, "2.00")  # after the lock's unit ended

    async with storage.make_uow() as uow:
        wallet.credit(Decimal("5.00"), EntryKind.GRANT, 903, now)
        with pytest.raises(Contention):
            await uow.wallets.save([wallet])

    async with storage.make_uow() as uow:
        assert (await uow.wallets.lock([ann]))[ann].balance == Decimal("2.00")


async def test_an_entry_is_unique_per_user_kind_and_reference(
    storage: Storage, people: People
) -> None:
    ann = id_of(people.ann)
    now = storage.clock.now()

    async with storage.make_uow() as uow:
        wallet = (await uow.wallets.lock([ann]))[ann]
        wallet.credit(Decimal("1.00"), EntryKind.ORDER_REFUND, 77, now)
        wallet.credit(Decimal("1.00"), EntryKind.ORDER_REFUND, 77, now)
        with pytest.raises(DuplicateValue) as refused:
            await _saved_and_committed(uow, wallet)

    assert refused.value.field == "reference_id"
    async with storage.make_uow() as uow:
        assert (await uow.wallets.lock([ann]))[ann].balance == Decimal("0.00")


async def _saved_and_committed(uow: UnitOfWork, wallet: Wallet) -> None:
    await uow.wallets.save([wallet])
    await uow.commit()


async def test_transfers_grants_and_entries_name_users_that_exist(
    storage: Storage, people: People
) -> None:
    ann, nobody = id_of(people.ann), 2_000_000_001
    now = storage.clock.now()

    async with storage.make_uow() as uow:
        with pytest.raises(NotFound):
            await uow.transfers.add(
                Transfer(ann, nobody, Decimal("1.00"), TransferStatus.COMPLETED, now)
            )
    async with storage.make_uow() as uow:
        with pytest.raises(NotFound):
            await uow.credit_grants.add(CreditGrant(nobody, Decimal("1.00"), "x", None, now))
    async with storage.make_uow() as uow:
        stray = Wallet(nobody, Decimal("0.00"))
        stray.credit(Decimal("1.00"), EntryKind.GRANT, 1, now)
        with pytest.raises((NotFound, Contention)):
            await _saved_and_committed(uow, stray)


# -- the read side -------------------------------------------------------------------------
async def test_balances_ledgers_and_transfers_read_back_as_written(
    storage: Storage, people: People
) -> None:
    ann, bob = id_of(people.ann), id_of(people.bob)
    queries = storage.use_cases.wallet_queries()
    await grant(storage, people, ann, "20.00")
    storage.clock.advance(minutes=1)
    first = await send(storage, ann, bob, "5.00")
    storage.clock.advance(minutes=1)
    second = await send(storage, bob, ann, "1.25")

    assert await queries.balance(2_000_000_001) is None
    assert (await queries.balance(ann), await queries.balance(bob)) == (
        BalanceView(ann, Decimal("16.25")),
        BalanceView(bob, Decimal("3.75")),
    )
    anns = await queries.ledger(LEDGER_LIST.query().narrowed("user_id", ann))
    assert [(e.kind, e.amount, e.balance_after, e.reference_id) for e in anns.items] == [
        ("transfer_in", Decimal("1.25"), Decimal("16.25"), second),
        ("transfer_out", Decimal("-5.00"), Decimal("15.00"), first),
        ("grant", Decimal("20.00"), Decimal("20.00"), anns.items[-1].reference_id),
    ]
    debits = await queries.ledger(LEDGER_LIST.query([("amount__lt", "0")]).narrowed("user_id", ann))
    assert [e.reference_id for e in debits.items] == [first]
    view = await queries.transfer(first)
    assert view is not None
    assert (view.from_user_id, view.to_user_id, view.amount, view.status) == (
        ann,
        bob,
        Decimal("5.00"),
        "completed",
    )
    assert await queries.transfer(2_000_000_001) is None
    newest_first = await queries.transfers(TRANSFER_LIST.query(), party=ann)
    assert [t.id for t in newest_first.items] == [second, first]


async def test_transfers_of_a_party_are_those_it_sent_or_received(
    storage: Storage, people: People
) -> None:
    ann, bob = id_of(people.ann), id_of(people.bob)
    carl = id_of(await user(storage, "carl"))
    queries = storage.use_cases.wallet_queries()
    await grant(storage, people, ann, "9.00")
    to_bob = await send(storage, ann, bob, "4.00")
    to_carl = await send(storage, bob, carl, "1.00")

    of = {
        who: await queries.transfers(TRANSFER_LIST.query(sort="id"), party=who)
        for who in (ann, bob, carl)
    }

    assert [t.id for t in of[ann].items] == [to_bob]
    assert [t.id for t in of[bob].items] == [to_bob, to_carl]
    assert ([t.id for t in of[carl].items], of[carl].total) == ([to_carl], 1)
    everything = await queries.transfers(TRANSFER_LIST.query(sort="id"), party=None)
    assert [t.id for t in everything.items] == [to_bob, to_carl]
    past_the_end = await queries.transfers(TRANSFER_LIST.query(page=3, page_size=1), party=bob)
    assert (past_the_end.items, past_the_end.total) == ([], 2)


async def test_the_reconciliation_lists_each_balance_its_ledger_does_not_explain(
    storage: Storage, people: People
) -> None:
    ann, bob = id_of(people.ann), id_of(people.bob)
    queries = storage.use_cases.wallet_queries()
    await grant(storage, people, ann, "10.00")
    await send(storage, ann, bob, "2.50")
    clean = await queries.reconcile()
    # Credits changed behind the ledger's back (identity's own method, no entry).
    async with storage.make_uow() as uow:
        loaded = await uow.users.get(bob)
        assert loaded is not None
        loaded.credit(Decimal("0.01"), storage.clock.now() + timedelta(seconds=1))
        await uow.commit()

    found = await queries.reconcile()

    assert clean.differences == ()
    assert clean.users_checked == found.users_checked >= 3
    assert [
        (d.user_id, d.balance, d.ledger_sum, d.latest_balance_after) for d in found.differences
    ] == [(bob, Decimal("2.51"), Decimal("2.50"), Decimal("2.50"))]
    # In batches: after an id, at most so many users, ending on the last one checked.
    first = await queries.reconcile(after=0, limit=1)
    rest = await queries.reconcile(after=first.last_user_id or 0)
    assert first.users_checked == 1
    assert first.users_checked + rest.users_checked == found.users_checked
    assert rest.differences == found.differences
    assert (await queries.reconcile(after=rest.last_user_id or 0)).users_checked == 0
