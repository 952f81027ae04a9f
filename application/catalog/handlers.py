"""The catalog use cases: categories, products, stock.

Each one is a callable whose body is its whole transaction (see application/ordering/handlers.py
for the pattern, and `retried_on_contention` for why a body may run twice)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

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
from application.catalog.read_models import ProductView
from application.shared.idempotency.answers import DEFAULT_TTL, Answer, IdempotencyKeys
from application.shared.ports import Clock
from application.shared.retry import retried_on_contention
from application.shared.unit_of_work import UnitOfWork
from domain.catalog.category import Category
from domain.catalog.product import Product
from domain.shared.errors import DuplicateValue, NotFound
from domain.shared.patch import Maybe, Unset

__all__ = [
    "AdjustStockHandler",
    "CreateCategoryHandler",
    "CreateProductHandler",
    "DeleteCategoryHandler",
    "DeleteProductHandler",
    "SeedCategoriesHandler",
    "UpdateCategoryHandler",
    "UpdateProductHandler",
]


async def _category(uow: UnitOfWork, category_id: int) -> Category:
    category = await uow.categories.get(category_id)
    if category is None:
        raise NotFound("category", category_id)
    return category


async def _product(uow: UnitOfWork, product_id: int) -> Product:
    product = await uow.products.get(product_id)
    if product is None:
        raise NotFound("product", product_id)
    return product


async def _ancestry(uow: UnitOfWork, parent_id: int | None) -> list[int]:
    """The new parent and its ancestors (none for the root); an unknown parent is NotFound."""
    if parent_id is None:
        return []
    ancestry = await uow.categories.ancestry(parent_id)
    if not ancestry:
        raise NotFound("category", parent_id)
    return ancestry


async def _reserved_under(uow: UnitOfWork, product: Product, new_stock: Maybe[int]) -> int:
    """What orders that may still be cancelled hold of `product`, for which raising its stock
    to `new_stock` must leave room (see `Product`); asked of storage only for a rise."""
    if isinstance(new_stock, Unset) or new_stock <= product.stock_quantity or product.id is None:
        return 0
    return await uow.orders.reserved_quantity(product.id)


async def _ensure_category(uow: UnitOfWork, category_id: int | None) -> None:
    if category_id is not None:
        await _category(uow, category_id)


@dataclass(frozen=True)
class CreateCategoryHandler:
    uow: UnitOfWork
    clock: Clock

    @retried_on_contention
    async def __call__(self, command: CreateCategory) -> Category:
        category = Category.create(
            name=command.name,
            slug=command.slug,
            description=command.description,
            parent_id=command.parent_id,
            now=self.clock.now(),
        )
        async with self.uow as uow:
            await _ensure_category(uow, command.parent_id)
            await uow.categories.add(category)
            await uow.commit()
        return category


@dataclass(frozen=True)
class UpdateCategoryHandler:
    uow: UnitOfWork

    @retried_on_contention
    async def __call__(self, command: UpdateCategory) -> Category:
        async with self.uow as uow:
            category = await _category(uow, command.category_id)
            category.revise(name=command.name, slug=command.slug, description=command.description)
            if not isinstance(command.parent_id, Unset):
                ancestry = await _ancestry(uow, command.parent_id)
                category.move_under(command.parent_id, ancestry)
            await uow.commit()
        return category


@dataclass(frozen=True)
class DeleteCategoryHandler:
    """Its children become roots; its products are left without a category, each as a
    change of its own (a new version)."""

    uow: UnitOfWork
    clock: Clock

    @retried_on_contention
    async def __call__(self, command: DeleteCategory) -> None:
        async with self.uow as uow:
            category = await _category(uow, command.category_id)
            await uow.categories.delete(category, self.clock.now())
            await uow.commit()


@dataclass(frozen=True)
class SeedCategoriesHandler:
    """Adds each category of the command whose name and slug are free, in one transaction;
    one already there is left as it is, so seeding a store twice changes nothing. Returns
    the categories added, in the command's order (a new store numbers them from 1)."""

    uow: UnitOfWork
    clock: Clock

    @retried_on_contention
    async def __call__(self, command: SeedCategories) -> list[Category]:
        now = self.clock.now()
        added: list[Category] = []
        async with self.uow as uow:
            for seed in command.categories:
                category = Category.create(
                    name=seed.name, slug=seed.slug, description=seed.description, now=now
                )
                try:
                    # A taken name or slug undoes this one insert, not the others.
                    async with uow.savepoint():
                        await uow.categories.add(category)
                except DuplicateValue:
                    continue
                added.append(category)
            await uow.commit()
        return added


@dataclass(frozen=True)
class CreateProductHandler:
    uow: UnitOfWork
    clock: Clock

    @retried_on_contention
    async def __call__(self, command: CreateProduct) -> Product:
        product = Product.create(
            name=command.name,
            sku=command.sku,
            price=command.price,
            stock_quantity=command.stock_quantity,
            slug=command.slug,
            description=command.description,
            is_active=command.is_active,
            category_id=command.category_id,
            now=self.clock.now(),
        )
        async with self.uow as uow:
            await _ensure_category(uow, command.category_id)
            await uow.products.add(product)
            await uow.commit()
        return product


@dataclass(frozen=True)
class UpdateProductHandler:
    uow: UnitOfWork
    clock: Clock

    @retried_on_contention
    async def __call__(self, command: UpdateProduct) -> Product:
        async with self.uow as uow:
            product = await _product(uow, command.product_id)
            product.check_version(command.version)
            if not isinstance(command.category_id, Unset):
                await _ensure_category(uow, command.category_id)
            product.revise(
                self.clock.now(),
                name=command.name,
                slug=command.slug,
                sku=command.sku,
                price=command.price,
                stock_quantity=command.stock_quantity,
                description=command.description,
                is_active=command.is_active,
                category_id=command.category_id,
                reserved=await _reserved_under(uow, product, command.stock_quantity),
            )
            await uow.commit()
        return product


@dataclass(frozen=True)
class DeleteProductHandler:
    uow: UnitOfWork

    @retried_on_contention
    async def __call__(self, command: DeleteProduct) -> None:
        async with self.uow as uow:
            await uow.products.delete(await _product(uow, command.product_id))
            await uow.commit()


@dataclass(frozen=True)
class AdjustStockHandler:
    """Add to or remove from a product's stock; with an idempotency key, at most once."""

    uow: UnitOfWork
    clock: Clock
    idempotency_ttl: timedelta = DEFAULT_TTL

    @retried_on_contention
    async def __call__(self, command: AdjustStock) -> Answer[ProductView]:
        keys = IdempotencyKeys("adjust_stock", self.idempotency_ttl)
        async with self.uow as uow:
            now = self.clock.now()
            if replay := await keys.replay(uow.idempotency, command.idempotency, now):
                return replay
            locked = await uow.products.get_for_update([command.product_id])
            if not locked:
                raise NotFound("product", command.product_id)
            (product,) = locked
            reserved = await _reserved_under(uow, product, product.stock_quantity + command.delta)
            product.adjust_stock(command.delta, now, reserved=reserved)
            await keys.record(
                uow.idempotency, command.idempotency, now, lambda: ProductView.of(product)
            )
            await uow.commit()
        return Answer.fresh(ProductView.of(product))
