"""The orders read side: an order with items, details, lists and stats."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from application.ordering.commands import ChangeOrderStatus, PayOrder
from application.ordering.queries import ORDER_LIST
from application.ordering.read_models import OrderView
from domain.catalog.product import Product
from domain.identity.user import User
from domain.ordering.order import OrderStatus, PaymentMethod
from tests.contract.data import id_of, order, product, user
from tests.support.actors import customer
from tests.support.storage import Storage


@dataclass
class Shop:
    alice: User
    bob: User
    lamp: Product
    desk: Product
    orders: list[OrderView]


@pytest.fixture
async def shop(storage: Storage) -> Shop:
    alice = await user(storage, "alice", full_name="Alice Liddell")
    bob = await user(storage, "bob")
    lamp = await product(storage, "Lamp", price="19.99", stock=100)
    desk = await product(storage, "Desk", price="120.00", stock=100)
    placed = []
    for buyer, lines in [
        (alice, [(id_of(lamp), 2)]),
        (bob, [(id_of(desk), 1), (id_of(lamp), 1)]),
        (alice, [(id_of(desk), 2)]),
    ]:
        placed.append(await order(storage, id_of(buyer), *lines))
        storage.clock.advance(minutes=5)
    await storage.use_cases.pay_order()(
        customer(id_of(bob)), PayOrder(id_of(placed[1]), PaymentMethod.BANK_TRANSFER)
    )
    await storage.use_cases.change_order_status()(
        customer(id_of(alice)), ChangeOrderStatus(id_of(placed[2]), OrderStatus.CANCELLED)
    )
    return Shop(alice, bob, lamp, desk, placed)


async def test_an_order_view_carries_its_items(storage: Storage, shop: Shop) -> None:
    view = await storage.orders.get(id_of(shop.orders[1]))

    assert view is not None
    assert (view.order_number, view.user_id, view.status, view.total_amount) == (
        shop.orders[1].order_number,
        id_of(shop.bob),
        "confirmed",
        Decimal("139.99"),
    )
    assert view.shipping_address is None
    assert view.created_at == shop.orders[1].created_at
    assert [(i.product_id, i.quantity, i.unit_price, i.total_price) for i in view.items] == [
        (id_of(shop.lamp), 1, Decimal("19.99"), Decimal("19.99")),
        (id_of(shop.desk), 1, Decimal("120.00"), Decimal("120.00")),
    ]
    assert [i.id for i in view.items] == [i.id for i in shop.orders[1].items]
    assert await storage.orders.get(999) is None


async def test_details_name_the_user_the_products_and_the_payments(
    storage: Storage, shop: Shop
) -> None:
    details = await storage.orders.details(id_of(shop.orders[1]))

    assert details is not None
    assert (details.user.id, details.user.username, details.user.email) == (
        id_of(shop.bob),
        "bob",
        "bob@example.com",
    )
    assert [(i.product.name, i.product.sku, i.product.slug, i.quantity) for i in details.items] == [
        ("Lamp", "LAMP", "lamp", 1),
        ("Desk", "DESK", "desk", 1),
    ]
    assert [(p.amount, p.method) for p in details.payments] == [
        (Decimal("139.99"), "bank_transfer")
    ]
    assert details.payments[0].created_at == storage.clock.now()
    assert await storage.orders.details(999) is None


async def test_the_list_is_newest_first_with_items(storage: Storage, shop: Shop) -> None:
    page = await storage.orders.list(ORDER_LIST.query(sort=None))

    assert [o.id for o in page.items] == [id_of(o) for o in reversed(shop.orders)]
    assert [len(o.items) for o in page.items] == [1, 2, 1]
    assert page.total == 3


async def test_a_users_orders_are_the_list_filtered_on_the_user(
    storage: Storage, shop: Shop
) -> None:
    page = await storage.orders.list(
        ORDER_LIST.query([("user_id", str(id_of(shop.alice)))], page_size=1)
    )

    assert [o.id for o in page.items] == [id_of(shop.orders[2])]
    assert (page.total, page.has_next) == (2, True)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ([("status", "pending")], [0]),
        ([("status__ne", "cancelled")], [1, 0]),
        ([("status__in", "cancelled,confirmed")], [2, 1]),
        ([("total_amount__gte", "139.99")], [2, 1]),
        ([("total_amount__lt", "139.99")], [0]),
        ([("order_number__like", "ord-")], [2, 1, 0]),
    ],
)
async def test_orders_filter_on_status_amount_and_number(
    storage: Storage, shop: Shop, filters: list[tuple[str, str]], expected: list[int]
) -> None:
    page = await storage.orders.list(ORDER_LIST.query(filters))

    assert [o.id for o in page.items] == [id_of(shop.orders[n]) for n in expected]


async def test_stats_count_every_status_and_revenue_of_orders_not_cancelled(
    storage: Storage, shop: Shop
) -> None:
    stats = await storage.orders.stats()

    assert stats.total_orders == 3
    assert stats.total_revenue == Decimal("179.97")  # 39.98 + 139.99
    assert stats.orders_by_status == {
        "pending": 1,
        "confirmed": 1,
        "shipped": 0,
        "delivered": 0,
        "cancelled": 1,
    }


async def test_stats_of_no_orders_are_zero(storage: Storage) -> None:
    stats = await storage.orders.stats()

    assert (stats.total_orders, stats.total_revenue) == (0, Decimal("0.00"))
    assert set(stats.orders_by_status.values()) == {0}
