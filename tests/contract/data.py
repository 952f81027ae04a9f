"""Test data put in place through the use cases, so that it obeys every rule of the domain."""

from __future__ import annotations

from decimal import Decimal
from typing import Protocol

from application.catalog.commands import CreateCategory, CreateProduct
from application.identity.commands import RegisterUser
from application.ordering.commands import PlaceOrder
from application.ordering.read_models import OrderView
from domain.catalog.category import Category
from domain.catalog.product import Product
from domain.identity.user import User
from domain.ordering.order import Order, OrderLine
from tests.support.actors import anonymous, customer
from tests.support.storage import Storage

__all__ = [
    "PASSWORD",
    "category",
    "delete_product",
    "id_of",
    "order",
    "product",
    "store",
    "user",
]

PASSWORD = "Secret123"


class Stored(Protocol):
    @property
    def id(self) -> int | None: ...


def id_of(entity: Stored) -> int:
    assert entity.id is not None, "the entity was never stored"
    return entity.id


async def user(
    storage: Storage,
    username: str,
    *,
    email: str | None = None,
    full_name: str | None = None,
) -> User:
    return await storage.use_cases.register_user()(
        anonymous(),
        RegisterUser(
            username=username,
            email=email or f"{username}@example.com",
            password=PASSWORD,
            full_name=full_name,
        ),
    )


async def category(storage: Storage, name: str, *, parent_id: int | None = None) -> Category:
    return await storage.use_cases.create_category()(CreateCategory(name=name, parent_id=parent_id))


async def product(
    storage: Storage,
    name: str,
    *,
    price: str = "10.00",
    stock: int = 10,
    sku: str | None = None,
    category_id: int | None = None,
    active: bool = True,
) -> Product:
    return await storage.use_cases.create_product()(
        CreateProduct(
            name=name,
            sku=sku or name.upper().replace(" ", "-"),
            price=Decimal(price),
            stock_quantity=stock,
            category_id=category_id,
            is_active=active,
        )
    )


async def order(storage: Storage, user_id: int, *lines: tuple[int, int]) -> OrderView:
    answer = await storage.use_cases.place_order()(
        customer(user_id), PlaceOrder(lines=tuple(OrderLine(p, q) for p, q in lines))
    )
    return answer.result


async def store(storage: Storage, *entities: object) -> None:
    """Add the entities through their repositories in one unit of work, and commit."""
    async with storage.make_uow() as uow:
        for entity in entities:
            if isinstance(entity, User):
                await uow.users.add(entity)
            elif isinstance(entity, Category):
                await uow.categories.add(entity)
            elif isinstance(entity, Product):
                await uow.products.add(entity)
            elif isinstance(entity, Order):
                await uow.orders.add(entity)
            else:
                raise TypeError(f"no repository for {entity!r}")
        await uow.commit()


async def delete_product(storage: Storage, product_id: int) -> None:
    async with storage.make_uow() as uow:
        loaded = await uow.products.get(product_id)
        assert loaded is not None
        await uow.products.delete(loaded)
        await uow.commit()
