"""Puts data in place through the use cases themselves, so that test data obeys every rule."""

from __future__ import annotations

from decimal import Decimal
from typing import Protocol

from adapters.memory import InMemoryStore, InMemoryUnitOfWork
from application.catalog.commands import CreateCategory, CreateProduct
from application.catalog.handlers import CreateCategoryHandler, CreateProductHandler
from application.identity.commands import DeactivateUser, RegisterUser
from application.identity.handlers import DeactivateUserHandler, RegisterUserHandler
from application.ordering.commands import PlaceOrder
from application.ordering.handlers import PlaceOrderHandler
from application.ordering.read_models import OrderView
from application.shared.ports import PasswordHasher
from domain.catalog.category import Category
from domain.catalog.product import Product
from domain.identity.user import User
from domain.ordering.order import OrderLine
from tests.support.actors import admin, anonymous, customer
from tests.support.fakes import CountingOrderNumbers, SteppingClock

__all__ = ["PASSWORD", "Seed", "id_of"]

PASSWORD = "Secret123"


class Stored(Protocol):
    @property
    def id(self) -> int | None: ...


def id_of(entity: Stored) -> int:
    """The id storage gave the entity."""
    assert entity.id is not None, "the entity was never stored"
    return entity.id


class Seed:
    """Puts users, categories, products and orders in the store, each in its own commit."""

    def __init__(
        self,
        store: InMemoryStore,
        clock: SteppingClock,
        hasher: PasswordHasher,
        order_numbers: CountingOrderNumbers,
    ) -> None:
        self.store = store
        self.clock = clock
        self.hasher = hasher
        self.order_numbers = order_numbers
        self._serial = 0

    def _next(self) -> int:
        self._serial += 1
        return self._serial

    async def user(
        self,
        username: str | None = None,
        email: str | None = None,
        *,
        active: bool = True,
        superuser: bool = False,
    ) -> User:
        """A customer who signed up (an admin, made by an admin, when `superuser`)."""
        n = self._next()
        register = RegisterUserHandler(InMemoryUnitOfWork(self.store), self.clock, self.hasher)
        user = await register(
            admin() if superuser else anonymous(),
            RegisterUser(
                username=username or f"user_{n}",
                email=email or f"user{n}@example.com",
                password=PASSWORD,
                is_superuser=superuser,
            ),
        )
        if not active:
            deactivate = DeactivateUserHandler(InMemoryUnitOfWork(self.store), self.clock)
            user = await deactivate(DeactivateUser(id_of(user)))
        return user

    async def category(self, name: str | None = None, parent_id: int | None = None) -> Category:
        return await CreateCategoryHandler(InMemoryUnitOfWork(self.store), self.clock)(
            CreateCategory(name=name or f"Category {self._next()}", parent_id=parent_id)
        )

    async def product(
        self,
        name: str | None = None,
        *,
        price: str = "10.00",
        stock: int = 10,
        category_id: int | None = None,
        active: bool = True,
        sku: str | None = None,
    ) -> Product:
        n = self._next()
        return await CreateProductHandler(InMemoryUnitOfWork(self.store), self.clock)(
            CreateProduct(
                name=name or f"Product {n}",
                sku=sku or f"SKU-{n}",
                price=Decimal(price),
                stock_quantity=stock,
                category_id=category_id,
                is_active=active,
            )
        )

    async def order(self, user_id: int, *lines: tuple[int, int]) -> OrderView:
        handler = PlaceOrderHandler(InMemoryUnitOfWork(self.store), self.clock, self.order_numbers)
        answer = await handler(
            customer(user_id), PlaceOrder(lines=tuple(OrderLine(p, q) for p, q in lines))
        )
        return answer.result
