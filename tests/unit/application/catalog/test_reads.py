"""The catalog as a caller sees it: an inactive product is there for admins only, and for
everyone else as missing as a product that never existed, by id, SKU or slug, and in lists."""

from __future__ import annotations

import pytest

from adapters.memory import InMemoryProductQueries
from application.catalog.queries import PRODUCT_LIST
from application.catalog.reads import ProductReads
from domain.shared.errors import NotFound
from tests.support.actors import admin, anonymous, customer
from tests.unit.seeding import Seed, id_of

NOT_ADMINS = [pytest.param(anonymous(), id="anonymous"), pytest.param(customer(1), id="customer")]


@pytest.fixture
def reads(store) -> ProductReads:
    return ProductReads(InMemoryProductQueries(store))


@pytest.fixture
async def shelf(seed: Seed) -> tuple[int, int]:
    """An active lamp (LAMP-1, lamp) and an inactive desk (DESK-1, desk): their ids."""
    lamp = await seed.product("Lamp", sku="LAMP-1")
    desk = await seed.product("Desk", sku="DESK-1", active=False)
    return id_of(lamp), id_of(desk)


@pytest.mark.parametrize("caller", NOT_ADMINS)
async def test_an_inactive_product_is_not_found_by_id_sku_or_slug(reads, shelf, caller):
    lamp, desk = shelf

    assert (await reads.get(caller, lamp)).name == "Lamp"
    assert (await reads.get_by_sku(caller, "LAMP-1")).id == lamp
    assert (await reads.get_by_slug(caller, "lamp")).id == lamp
    for read, key, by in [
        (reads.get, desk, "id"),
        (reads.get_by_sku, "DESK-1", "sku"),
        (reads.get_by_slug, "desk", "slug"),
    ]:
        with pytest.raises(NotFound) as refused:
            await read(caller, key)
        # Word for word what a product that does not exist gets.
        assert refused.value.detail == NotFound("product", key, by=by).detail


@pytest.mark.parametrize("caller", NOT_ADMINS)
async def test_lists_leave_inactive_products_out(reads, shelf, caller):
    lamp, _ = shelf

    page = await reads.list(caller, PRODUCT_LIST.query())
    with_category = await reads.list_with_category(caller, PRODUCT_LIST.query())
    # Asking for inactive products finds none, rather than undoing the rule.
    asked = await reads.list(caller, PRODUCT_LIST.query([("is_active", "false")]))

    assert ([p.id for p in page.items], page.total) == ([lamp], 1)
    assert [p.product.id for p in with_category.items] == [lamp]
    assert (asked.items, asked.total) == ([], 0)


async def test_an_admin_sees_inactive_products_everywhere(reads, shelf):
    lamp, desk = shelf
    boss = admin()

    assert (await reads.get(boss, desk)).is_active is False
    assert (await reads.get_by_sku(boss, "DESK-1")).id == desk
    assert (await reads.get_by_slug(boss, "desk")).id == desk
    assert {p.id for p in (await reads.list(boss, PRODUCT_LIST.query())).items} == {lamp, desk}
    inactive = await reads.list_with_category(boss, PRODUCT_LIST.query([("is_active", "false")]))
    assert [p.product.id for p in inactive.items] == [desk]


async def test_a_product_that_does_not_exist_is_not_found_for_an_admin_too(reads):
    with pytest.raises(NotFound):
        await reads.get(admin(), 999)
    with pytest.raises(NotFound):
        await reads.get_by_sku(admin(), "NOPE")
