"""The items ports and use cases, on every backend: the repository, the read side, and the
rules of ownership, versions and transfers as the storage keeps them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from application.identity.commands import DeactivateUser
from application.items.commands import CreateItem, DeleteItem, TransferItem, UpdateItem
from application.items.queries import ITEM_LIST
from application.notifications.queries import NOTIFICATION_LIST
from application.notifications.read_models import NotificationView
from domain.identity.user import User
from domain.items.item import Item
from domain.shared.errors import Inactive, InvalidValue, NotFound, StaleVersion
from tests.contract.data import id_of, user
from tests.support.actors import admin, customer
from tests.support.storage import Storage

MISSING = 999


async def create(storage: Storage, owner: User, name: str = "Lamp", price: str = "9.99") -> Item:
    return await storage.use_cases.create_item()(
        customer(id_of(owner)), CreateItem(name, Decimal(price), description="Brass\nand glass")
    )


async def told(storage: Storage) -> list[NotificationView]:
    """Every notification of the store (not only one user's)."""
    page = await storage.use_cases.notification_queries().list(NOTIFICATION_LIST.query())
    return list(page.items)


async def test_an_item_is_stored_and_read_back_as_created(storage: Storage) -> None:
    ann = await user(storage, "ann")
    lamp = await create(storage, ann)

    async with storage.make_uow() as uow:
        stored = await uow.items.get(id_of(lamp), for_update=True)
    view = await storage.use_cases.item_queries().get(id_of(lamp))

    assert stored is not None
    assert view is not None
    assert (stored.name, stored.owner_id, stored.price, stored.version) == (
        "Lamp",
        id_of(ann),
        Decimal("9.99"),
        1,
    )
    assert (view.description, view.created_at, view.updated_at) == (
        "Brass\nand glass",
        storage.clock.now(),
        storage.clock.now(),
    )
    assert await storage.use_cases.item_queries().get(MISSING) is None


async def test_an_item_of_a_user_who_is_not_there_is_not_found(storage: Storage) -> None:
    with pytest.raises(NotFound) as refused:
        await storage.use_cases.create_item()(customer(MISSING), CreateItem("Lamp", Decimal(1)))
    assert (refused.value.entity, refused.value.key) == ("user", MISSING)


async def test_items_are_listed_filtered_and_sorted(storage: Storage) -> None:
    ann, bob = await user(storage, "ann"), await user(storage, "bob")
    cheap, dear = (
        await create(storage, ann, "Cup", "1.00"),
        await create(storage, ann, "Vase", "80"),
    )
    free = await create(storage, bob, "Leaflet", "0")
    items = storage.use_cases.item_queries()

    everything = await items.list(ITEM_LIST.query())
    anns = await items.list(ITEM_LIST.query([("owner_id", str(id_of(ann)))], sort="-price"))
    named = await items.list(ITEM_LIST.query([("name__like", "eaf")]))

    assert [i.id for i in everything.items] == [id_of(cheap), id_of(dear), id_of(free)]
    assert [i.id for i in anns.items] == [id_of(dear), id_of(cheap)]
    assert [i.price for i in named.items] == [Decimal("0.00")]


async def test_only_the_owner_or_an_admin_reaches_an_item(storage: Storage) -> None:
    ann, bob = await user(storage, "ann"), await user(storage, "bob")
    lamp = await create(storage, ann)
    reads, uc = storage.use_cases.item_reads(), storage.use_cases

    for attempt in (
        lambda: reads.get(customer(id_of(bob)), id_of(lamp)),
        lambda: uc.update_item()(customer(id_of(bob)), UpdateItem(id_of(lamp), 1, name="Mine")),
        lambda: uc.delete_item()(customer(id_of(bob)), DeleteItem(id_of(lamp))),
        lambda: uc.transfer_item()(customer(id_of(bob)), TransferItem(id_of(lamp), id_of(bob), 1)),
    ):
        with pytest.raises(NotFound):
            await attempt()

    assert (await reads.get(admin(), id_of(lamp))).version == 1
    assert (await reads.list(customer(id_of(bob)), ITEM_LIST.query())).total == 0
    assert (await reads.list(admin(), ITEM_LIST.query())).total == 1
    edited = await uc.update_item()(admin(), UpdateItem(id_of(lamp), 1, price=Decimal("5")))
    assert (edited.version, edited.owner_id) == (2, id_of(ann))


async def test_an_edit_with_a_stale_version_changes_nothing(storage: Storage) -> None:
    ann = await user(storage, "ann")
    lamp = await create(storage, ann)
    edit = storage.use_cases.update_item()

    await edit(customer(id_of(ann)), UpdateItem(id_of(lamp), 1, name="Desk lamp"))
    with pytest.raises(StaleVersion):
        await edit(customer(id_of(ann)), UpdateItem(id_of(lamp), 1, name="Floor lamp"))

    view = await storage.use_cases.item_queries().get(id_of(lamp))
    assert view is not None
    assert (view.name, view.version) == ("Desk lamp", 2)


async def test_a_deleted_item_is_gone(storage: Storage) -> None:
    ann = await user(storage, "ann")
    lamp = await create(storage, ann)

    await storage.use_cases.delete_item()(customer(id_of(ann)), DeleteItem(id_of(lamp)))

    assert await storage.use_cases.item_queries().get(id_of(lamp)) is None


async def test_a_transfer_moves_the_item_and_leaves_one_notification_for_the_new_owner(
    storage: Storage,
) -> None:
    ann, bob = await user(storage, "ann"), await user(storage, "bob")
    lamp = await create(storage, ann)
    storage.clock.advance(minutes=1)

    moved = await storage.use_cases.transfer_item()(
        customer(id_of(ann)), TransferItem(id_of(lamp), id_of(bob), 1)
    )

    view = await storage.use_cases.item_queries().get(id_of(lamp))
    assert view is not None
    assert (view.owner_id, view.version, view.updated_at) == (id_of(bob), 2, storage.clock.now())
    assert moved.owner_id == id_of(bob)
    [note] = await told(storage)
    assert (note.user_id, note.kind, note.reference_id, note.created_at, note.read_at) == (
        id_of(bob),
        "item_received",
        id_of(lamp),
        storage.clock.now(),
        None,
    )


async def test_a_refused_transfer_changes_nothing_and_tells_no_one(storage: Storage) -> None:
    ann, bob, cid = (
        await user(storage, "ann"),
        await user(storage, "bob"),
        await user(storage, "cid"),
    )
    await storage.use_cases.deactivate_user()(DeactivateUser(id_of(cid)))
    lamp = await create(storage, ann)
    transfer = storage.use_cases.transfer_item()
    as_ann = customer(id_of(ann))

    refusals = {
        Inactive: TransferItem(id_of(lamp), id_of(cid), 1),
        NotFound: TransferItem(id_of(lamp), MISSING, 1),
        InvalidValue: TransferItem(id_of(lamp), id_of(ann), 1),
        StaleVersion: TransferItem(id_of(lamp), id_of(bob), 2),
    }
    for error, command in refusals.items():
        with pytest.raises(error):
            await transfer(as_ann, command)

    view = await storage.use_cases.item_queries().get(id_of(lamp))
    assert view is not None
    assert (view.owner_id, view.version) == (id_of(ann), 1)
    assert await told(storage) == []
