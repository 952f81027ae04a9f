"""Catalog use cases: categories (CRUD, no cycles, orphaning) and products (CRUD, optimistic
updates, stock deltas)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from application.catalog.commands import (
    AdjustStock,
    CreateCategory,
    CreateProduct,
    DeleteCategory,
    DeleteProduct,
    SeedCategories,
    UpdateCategory,
    UpdateProduct,
)
from application.catalog.defaults import DEFAULT_CATEGORIES, DefaultCategory
from application.catalog.handlers import (
    AdjustStockHandler,
    CreateCategoryHandler,
    CreateProductHandler,
    DeleteCategoryHandler,
    DeleteProductHandler,
    SeedCategoriesHandler,
    UpdateCategoryHandler,
    UpdateProductHandler,
)
from domain.catalog.category import Category
from domain.catalog.product import Product
from domain.shared.errors import (
    CycleDetected,
    DuplicateValue,
    InsufficientStock,
    InUse,
    NotFound,
    StaleVersion,
)
from tests.unit.seeding import id_of


@pytest.fixture
def create_category(uow, clock):
    return CreateCategoryHandler(uow, clock)


@pytest.fixture
def update_category(uow, clock):
    return UpdateCategoryHandler(uow)


@pytest.fixture
def create_product(uow, clock):
    return CreateProductHandler(uow, clock)


@pytest.fixture
def update_product(uow, clock):
    return UpdateProductHandler(uow, clock)


# -- default categories ------------------------------------------------------------------
async def test_seeding_a_new_store_gives_it_the_default_categories_as_1_to_4(uow, clock, store):
    added = await SeedCategoriesHandler(uow, clock)(SeedCategories())

    assert [id_of(category) for category in added] == [1, 2, 3, 4]
    assert [(c.name, c.slug, c.description) for c in store.rows(Category).values()] == list(
        DEFAULT_CATEGORIES
    )


async def test_seeding_a_store_twice_adds_the_default_categories_once(uow, clock, store):
    seed_categories = SeedCategoriesHandler(uow, clock)
    await seed_categories(SeedCategories())

    again = await seed_categories(SeedCategories())

    assert again == []
    assert len(store.rows(Category)) == len(DEFAULT_CATEGORIES)


async def test_seeding_keeps_a_category_that_took_a_default_name(uow, clock, store):
    mine = await CreateCategoryHandler(uow, clock)(CreateCategory(name="Books", slug="reading"))
    extra = DefaultCategory("Games", "games", "Board games and puzzles")

    added = await SeedCategoriesHandler(uow, clock)(SeedCategories((*DEFAULT_CATEGORIES, extra)))

    assert [c.slug for c in added] == ["electronics", "clothing", "home-garden", "games"]
    assert store.rows(Category)[id_of(mine)].slug == "reading"


# -- categories --------------------------------------------------------------------------
async def test_creating_a_category_derives_its_slug(create_category, store):
    category = await create_category(CreateCategory(name="Home & Garden"))
    saved = store.rows(Category)[id_of(category)]
    assert (saved.name, saved.slug, saved.parent_id) == ("Home & Garden", "home-garden", None)


async def test_creating_a_subcategory_under_a_known_parent(create_category, seed, store):
    parent = await seed.category("Books")
    child = await create_category(CreateCategory(name="Novels", parent_id=id_of(parent)))
    assert store.rows(Category)[id_of(child)].parent_id == parent.id


async def test_creating_a_category_under_an_unknown_parent_is_not_found(create_category, store):
    with pytest.raises(NotFound):
        await create_category(CreateCategory(name="Novels", parent_id=99))
    assert store.rows(Category) == {}


@pytest.mark.parametrize(
    ("command", "field"),
    [
        (CreateCategory(name="Books", slug="other-books"), "name"),
        (CreateCategory(name="Reading", slug="books"), "slug"),
    ],
)
async def test_a_taken_category_name_or_slug_is_refused(
    create_category, seed, store, command, field
):
    await seed.category("Books")
    with pytest.raises(DuplicateValue) as refused:
        await create_category(command)
    assert (refused.value.entity, refused.value.field) == ("category", field)
    assert len(store.rows(Category)) == 1


async def test_renaming_a_category_moves_its_slug_along(update_category, seed, store):
    category = await seed.category("Books")
    await update_category(UpdateCategory(id_of(category), name="Old Books"))
    saved = store.rows(Category)[id_of(category)]
    assert (saved.name, saved.slug) == ("Old Books", "old-books")


async def test_updating_only_the_slug_or_description(update_category, seed, store):
    category = await seed.category("Books")
    await update_category(UpdateCategory(id_of(category), slug="reading", description="Paper"))
    saved = store.rows(Category)[id_of(category)]
    assert (saved.name, saved.slug, saved.description) == ("Books", "reading", "Paper")


async def test_moving_a_category_under_another_and_back_to_the_root(update_category, seed, store):
    books = await seed.category("Books")
    novels = await seed.category("Novels")
    await update_category(UpdateCategory(id_of(novels), parent_id=id_of(books)))
    assert store.rows(Category)[id_of(novels)].parent_id == books.id
    await update_category(UpdateCategory(id_of(novels), parent_id=None))
    assert store.rows(Category)[id_of(novels)].parent_id is None


async def test_moving_a_category_under_its_own_descendant_is_refused(update_category, seed, store):
    root = await seed.category("Root")
    child = await seed.category("Child", parent_id=id_of(root))
    grandchild = await seed.category("Grandchild", parent_id=id_of(child))
    with pytest.raises(CycleDetected):
        await update_category(UpdateCategory(id_of(root), parent_id=id_of(grandchild)))
    assert store.rows(Category)[id_of(root)].parent_id is None


async def test_a_category_cannot_become_its_own_parent(update_category, seed, store):
    category = await seed.category("Books")
    with pytest.raises(CycleDetected):
        await update_category(UpdateCategory(id_of(category), parent_id=id_of(category)))


async def test_moving_under_an_unknown_parent_is_not_found(update_category, seed):
    category = await seed.category("Books")
    with pytest.raises(NotFound):
        await update_category(UpdateCategory(id_of(category), parent_id=404))


async def test_renaming_to_a_taken_name_is_refused_and_changes_nothing(
    update_category, seed, store
):
    await seed.category("Books")
    music = await seed.category("Music")
    with pytest.raises(DuplicateValue):
        await update_category(UpdateCategory(id_of(music), name="Books", slug="b"))
    assert store.rows(Category)[id_of(music)].name == "Music"


async def test_updating_an_unknown_category_is_not_found(update_category):
    with pytest.raises(NotFound):
        await update_category(UpdateCategory(1, name="X"))


async def test_deleting_a_parent_leaves_its_children_and_products_without_one(
    uow, clock, seed, store
):
    parent = await seed.category("Parent")
    child = await seed.category("Child", parent_id=id_of(parent))
    product = await seed.product(category_id=id_of(parent))
    await DeleteCategoryHandler(uow)(DeleteCategory(id_of(parent)))
    assert id_of(parent) not in store.rows(Category)
    assert store.rows(Category)[id_of(child)].parent_id is None
    assert store.rows(Product)[id_of(product)].category_id is None


async def test_deleting_an_unknown_category_is_not_found(uow, clock):
    with pytest.raises(NotFound):
        await DeleteCategoryHandler(uow)(DeleteCategory(3))


# -- products ----------------------------------------------------------------------------
async def test_creating_a_product_stores_it_with_an_upper_case_sku(create_product, seed, store):
    books = await seed.category("Books")
    product = await create_product(
        CreateProduct(
            name="Clean Code",
            sku="cc-1",
            price=Decimal("29.90"),
            stock_quantity=4,
            category_id=id_of(books),
        )
    )
    saved = store.rows(Product)[id_of(product)]
    assert (saved.sku, saved.slug, saved.price, saved.stock_quantity, saved.version) == (
        "CC-1",
        "clean-code",
        Decimal("29.90"),
        4,
        1,
    )


async def test_creating_a_product_in_an_unknown_category_is_not_found(create_product, store):
    with pytest.raises(NotFound):
        await create_product(CreateProduct("X", "X-1", Decimal("1.00"), category_id=8))
    assert store.rows(Product) == {}


@pytest.mark.parametrize(
    ("command", "field"),
    [
        (CreateProduct("Other", "cc-1", Decimal("1.00")), "sku"),
        (CreateProduct("Other", "CC-2", Decimal("1.00"), slug="clean-code"), "slug"),
    ],
)
async def test_a_taken_sku_or_slug_is_refused(create_product, seed, store, command, field):
    await seed.product("Clean Code", sku="CC-1")
    with pytest.raises(DuplicateValue) as refused:
        await create_product(command)
    assert (refused.value.entity, refused.value.field) == ("product", field)
    assert len(store.rows(Product)) == 1


async def test_the_same_name_twice_in_one_category_is_refused(create_product, seed):
    books = await seed.category("Books")
    await seed.product("Clean Code", category_id=id_of(books))
    with pytest.raises(DuplicateValue) as refused:
        await create_product(
            CreateProduct(
                "Clean Code", "CC-9", Decimal("1.00"), slug="cc-2", category_id=id_of(books)
            )
        )
    assert refused.value.field == "name"


async def test_the_same_name_in_another_category_is_allowed(create_product, seed):
    books = await seed.category("Books")
    sale = await seed.category("Sale")
    await seed.product("Clean Code", category_id=id_of(books))
    await create_product(
        CreateProduct("Clean Code", "CC-9", Decimal("1.00"), slug="cc-2", category_id=id_of(sale))
    )


async def test_an_update_with_the_current_version_applies_and_bumps_it(
    update_product, seed, store, clock
):
    product = await seed.product(price="10.00")
    later = clock.advance(minutes=1)
    await update_product(
        UpdateProduct(id_of(product), version=1, price=Decimal("12.50"), description="New")
    )
    saved = store.rows(Product)[id_of(product)]
    assert (saved.price, saved.description, saved.updated_at) == (Decimal("12.50"), "New", later)
    assert saved.version > 1


async def test_an_update_based_on_a_stale_version_is_refused(update_product, seed, store):
    product = await seed.product(price="10.00")
    await update_product(UpdateProduct(id_of(product), version=1, price=Decimal("11.00")))
    current = store.rows(Product)[id_of(product)].version
    with pytest.raises(StaleVersion):
        await update_product(UpdateProduct(id_of(product), version=1, price=Decimal("99.00")))
    saved = store.rows(Product)[id_of(product)]
    assert (saved.price, saved.version) == (Decimal("11.00"), current)


async def test_updating_to_a_taken_sku_is_refused_and_changes_nothing(update_product, seed, store):
    await seed.product(sku="A-1")
    other = await seed.product(sku="B-1")
    with pytest.raises(DuplicateValue):
        await update_product(UpdateProduct(id_of(other), version=1, sku="a-1", name="Renamed"))
    saved = store.rows(Product)[id_of(other)]
    assert (saved.sku, saved.version) == ("B-1", 1)


async def test_moving_a_product_to_an_unknown_category_is_not_found(update_product, seed, store):
    product = await seed.product()
    with pytest.raises(NotFound):
        await update_product(UpdateProduct(id_of(product), version=1, category_id=77))
    assert store.rows(Product)[id_of(product)].category_id is None


async def test_updating_an_unknown_product_is_not_found(update_product):
    with pytest.raises(NotFound):
        await update_product(UpdateProduct(5, version=1, name="X"))


async def test_deleting_a_product_removes_it(uow, clock, seed, store):
    product = await seed.product()
    await DeleteProductHandler(uow)(DeleteProduct(id_of(product)))
    assert store.rows(Product) == {}


async def test_a_product_on_an_order_cannot_be_deleted(uow, clock, seed, store):
    product = await seed.product()
    user = await seed.user()
    await seed.order(id_of(user), (id_of(product), 1))
    with pytest.raises(InUse):
        await DeleteProductHandler(uow)(DeleteProduct(id_of(product)))
    assert id_of(product) in store.rows(Product)


async def test_deleting_an_unknown_product_is_not_found(uow, clock):
    with pytest.raises(NotFound):
        await DeleteProductHandler(uow)(DeleteProduct(5))


@pytest.mark.parametrize(("delta", "expected"), [(5, 15), (-4, 6), (-10, 0)])
async def test_adjusting_stock_adds_the_delta(uow, clock, seed, store, delta, expected):
    product = await seed.product(stock=10)
    await AdjustStockHandler(uow, clock)(AdjustStock(id_of(product), delta))
    assert store.rows(Product)[id_of(product)].stock_quantity == expected


async def test_a_stock_delta_never_takes_stock_below_zero(uow, clock, seed, store):
    product = await seed.product(stock=3)
    with pytest.raises(InsufficientStock):
        await AdjustStockHandler(uow, clock)(AdjustStock(id_of(product), -4))
    assert store.rows(Product)[id_of(product)].stock_quantity == 3


async def test_adjusting_the_stock_of_an_unknown_product_is_not_found(uow, clock):
    with pytest.raises(NotFound):
        await AdjustStockHandler(uow, clock)(AdjustStock(9, 1))
