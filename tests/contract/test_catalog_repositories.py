"""The categories and products repositories."""

from __future__ import annotations

from decimal import Decimal

import pytest

from application.catalog.commands import AdjustStock, DeleteCategory, UpdateProduct
from domain.catalog.category import Category
from domain.catalog.product import Product
from domain.shared.errors import DuplicateValue, InUse, StaleVersion
from tests.contract.data import category, delete_product, id_of, order, product, store, user
from tests.support.databases import DEFAULT_CATEGORIES
from tests.support.storage import Storage


def draft_product(storage: Storage, name: str, sku: str, category_id: int | None = None) -> Product:
    return Product.create(
        name=name,
        sku=sku,
        price=Decimal("9.99"),
        stock_quantity=3,
        category_id=category_id,
        now=storage.clock.now(),
    )


async def test_the_default_categories_are_there_from_the_start(storage: Storage) -> None:
    async with storage.make_uow() as uow:
        seeded = [await uow.categories.get(category_id) for category_id in (1, 2, 3, 4)]

    assert [(c.name, c.slug, c.description) for c in seeded if c] == list(DEFAULT_CATEGORIES)


async def test_an_added_category_gets_the_next_id_and_reads_back(storage: Storage) -> None:
    garden = Category.create(
        name="Tools", description="Spades & rakes", parent_id=4, now=storage.clock.now()
    )
    async with storage.make_uow() as uow:
        await uow.categories.add(garden)
        await uow.commit()

    assert garden.id == 5
    async with storage.make_uow() as uow:
        loaded = await uow.categories.get(5)
    assert loaded is not None
    assert (loaded.name, loaded.slug, loaded.description, loaded.parent_id) == (
        "Tools",
        "tools",
        "Spades & rakes",
        4,
    )


@pytest.mark.parametrize(
    ("name", "slug", "field"),
    [("Books", "novels", "name"), ("Novels", "books", "slug")],
)
async def test_a_taken_category_name_or_slug_is_a_duplicate(
    storage: Storage, name: str, slug: str, field: str
) -> None:
    with pytest.raises(DuplicateValue) as refused:
        await store(storage, Category.create(name=name, slug=slug, now=storage.clock.now()))

    assert (refused.value.entity, refused.value.field) == ("category", field)


async def test_ancestry_lists_the_category_and_its_ancestors_nearest_first(
    storage: Storage,
) -> None:
    tools = await category(storage, "Tools", parent_id=4)
    spades = await category(storage, "Spades", parent_id=id_of(tools))

    async with storage.make_uow() as uow:
        assert await uow.categories.ancestry(id_of(spades)) == [id_of(spades), id_of(tools), 4]
        assert await uow.categories.ancestry(4) == [4]
        assert await uow.categories.ancestry(999) == []


async def test_deleting_a_category_orphans_its_children_and_products(storage: Storage) -> None:
    tools = await category(storage, "Tools", parent_id=4)
    spades = await category(storage, "Spades", parent_id=id_of(tools))
    spade = await product(storage, "Spade", category_id=id_of(tools))
    rake = await product(storage, "Rake", category_id=id_of(tools))
    elsewhere = await product(storage, "Lamp", category_id=1)
    now = storage.clock.advance(minutes=5)

    async with storage.make_uow() as uow:
        doomed = await uow.categories.get(id_of(tools))
        child = await uow.categories.get(id_of(spades))
        held = await uow.products.get(id_of(rake))
        assert doomed is not None
        assert child is not None
        assert held is not None
        held.rename("Garden Rake", now)  # a change of this unit, not yet written
        await uow.categories.delete(doomed, now)
        # Objects the unit already holds learn of it too, after their own changes.
        assert child.parent_id is None
        assert (held.name, held.category_id, held.version) == ("Garden Rake", None, 3)
        await uow.commit()

    assert await storage.categories.get(id_of(tools)) is None
    child_view = await storage.categories.get(id_of(spades))
    assert child_view is not None
    assert child_view.parent_id is None
    views = [await storage.products.get(id_of(p)) for p in (spade, rake, elsewhere)]
    # Leaving the category is a change of each product's state: its version and time move,
    # once; the products of other categories are left alone.
    assert [(v.name, v.category_id, v.version, v.updated_at) for v in views if v] == [
        ("Spade", None, 2, now),
        ("Garden Rake", None, 3, now),
        ("Lamp", 1, 1, elsewhere.updated_at),
    ]


async def test_a_client_holding_a_version_from_before_a_category_delete_is_stale(
    storage: Storage,
) -> None:
    tools = await category(storage, "Tools")
    spade = await product(storage, "Spade", category_id=id_of(tools))

    await storage.use_cases.delete_category()(DeleteCategory(id_of(tools)))

    with pytest.raises(StaleVersion):
        await storage.use_cases.update_product()(
            UpdateProduct(id_of(spade), version=spade.version, price=Decimal("1.00"))
        )


async def test_an_added_product_reads_back_with_exact_money(storage: Storage) -> None:
    lamp = Product.create(
        name="Lamp",
        sku="lamp-1",
        price=Decimal("1234567890.99"),
        stock_quantity=2_147_483_647,
        description="A very bright lamp",
        category_id=1,
        now=storage.clock.now(),
    )
    async with storage.make_uow() as uow:
        await uow.products.add(lamp)
        await uow.commit()

    async with storage.make_uow() as uow:
        loaded = await uow.products.get(id_of(lamp))
    assert loaded is not None
    assert loaded.price == Decimal("1234567890.99")
    assert str(loaded.price) == "1234567890.99"
    assert (loaded.sku, loaded.slug, loaded.stock_quantity, loaded.version) == (
        "LAMP-1",
        "lamp",
        2_147_483_647,
        1,
    )


@pytest.mark.parametrize(
    ("name", "sku", "category_id", "field"),
    [
        ("Other", "LAMP-1", 1, "sku"),
        ("Lamp", "LAMP-2", 2, "slug"),
    ],
)
async def test_a_taken_sku_or_slug_is_a_duplicate(
    storage: Storage, name: str, sku: str, category_id: int, field: str
) -> None:
    await product(storage, "Lamp", sku="LAMP-1", category_id=1)
    with pytest.raises(DuplicateValue) as refused:
        await store(storage, draft_product(storage, name, sku, category_id))

    assert (refused.value.entity, refused.value.field) == ("product", field)


async def test_a_name_is_unique_within_its_category_only(storage: Storage) -> None:
    await product(storage, "Lamp", sku="LAMP-1", category_id=1)
    duplicate = Product.create(
        name="Lamp",
        slug="lamp-2",
        sku="LAMP-2",
        price=Decimal(1),
        now=storage.clock.now(),
        category_id=1,
    )
    with pytest.raises(DuplicateValue) as refused:
        await store(storage, duplicate)
    assert (refused.value.entity, refused.value.field) == ("product", "name")

    elsewhere = Product.create(
        name="Lamp",
        slug="lamp-3",
        sku="LAMP-3",
        price=Decimal(1),
        now=storage.clock.now(),
        category_id=2,
    )
    uncategorised = [
        Product.create(
            name="Lamp",
            slug=f"lamp-{n}",
            sku=f"LAMP-{n}",
            price=Decimal(1),
            now=storage.clock.now(),
        )
        for n in (4, 5)
    ]
    async with storage.make_uow() as uow:
        await uow.products.add(elsewhere)
        # Without a category there is nothing to collide within.
        for one in uncategorised:
            await uow.products.add(one)
        await uow.commit()
    assert (await storage.products.get(id_of(uncategorised[1]))) is not None


async def test_get_for_update_returns_known_products_once_in_id_order(storage: Storage) -> None:
    first = await product(storage, "First")
    second = await product(storage, "Second")
    third = await product(storage, "Third")

    async with storage.make_uow() as uow:
        locked = await uow.products.get_for_update(
            [id_of(third), 999, id_of(first), id_of(third), id_of(second)]
        )
        nothing = await uow.products.get_for_update([])

    assert [id_of(p) for p in locked] == [id_of(first), id_of(second), id_of(third)]
    assert nothing == []


async def test_changes_to_many_products_in_one_unit_are_all_stored(storage: Storage) -> None:
    made = [await product(storage, f"Item {n}", stock=10) for n in range(5)]
    now = storage.clock.advance(seconds=1)

    async with storage.make_uow() as uow:
        locked = await uow.products.get_for_update([id_of(p) for p in made])
        for n, one in enumerate(locked, start=1):
            one.adjust_stock(-n, now)
        locked[0].reprice(Decimal("0.01"), now)
        await uow.commit()

    views = [await storage.products.get(id_of(p)) for p in made]
    assert [v.stock_quantity for v in views if v] == [9, 8, 7, 6, 5]
    assert [v.version for v in views if v] == [3, 2, 2, 2, 2]
    assert [v.updated_at for v in views if v] == [now] * 5
    assert views[0] is not None
    assert views[0].price == Decimal("0.01")


async def test_a_product_changed_twice_in_one_unit_keeps_the_last_change(storage: Storage) -> None:
    lamp = await product(storage, "Lamp", stock=5)

    async with storage.make_uow() as uow:
        loaded = await uow.products.get(id_of(lamp))
        assert loaded is not None
        loaded.adjust_stock(1, storage.clock.now())
        # A read in between makes the first change reach the database before the second.
        await uow.products.get_for_update([id_of(lamp)])
        loaded.adjust_stock(1, storage.clock.now())
        await uow.commit()

    view = await storage.products.get(id_of(lamp))
    assert view is not None
    assert (view.stock_quantity, view.version) == (7, 3)


async def test_a_stale_version_from_a_client_is_refused(storage: Storage) -> None:
    lamp = await product(storage, "Lamp", stock=5)
    await storage.use_cases.adjust_stock()(AdjustStock(id_of(lamp), 1))

    with pytest.raises(StaleVersion):
        await storage.use_cases.update_product()(
            UpdateProduct(id_of(lamp), version=1, price=Decimal("1.00"))
        )
    updated = await storage.use_cases.update_product()(
        UpdateProduct(id_of(lamp), version=2, price=Decimal("1.00"))
    )
    assert updated.version == 3


async def test_deleting_a_product_removes_it(storage: Storage) -> None:
    lamp = await product(storage, "Lamp")
    await delete_product(storage, id_of(lamp))

    assert await storage.products.get(id_of(lamp)) is None


async def test_a_product_on_order_lines_cannot_be_deleted(storage: Storage) -> None:
    lamp = await product(storage, "Lamp")
    buyer = await user(storage, "buyer")
    await order(storage, id_of(buyer), (id_of(lamp), 1))

    with pytest.raises(InUse):
        await delete_product(storage, id_of(lamp))

    assert await storage.products.get(id_of(lamp)) is not None
