"""The catalog use cases."""

from __future__ import annotations

from datetime import timedelta

from application.catalog.commands import (
    AdjustStock,
    CreateCategory,
    CreateProduct,
    DeleteCategory,
    DeleteProduct,
    UpdateCategory,
    UpdateProduct,
)
from application.catalog.read_models import ProductView
from application.shared.handler import Handler
from application.shared.idempotency import DEFAULT_TTL, IdempotentHandler
from application.shared.ports import Clock
from application.shared.unit_of_work import UnitOfWork
from domain.catalog.category import Category
from domain.catalog.product import Product
from domain.shared.errors import NotFound
from domain.shared.patch import Unset

__all__ = [
    "AdjustStockHandler",
    "CreateCategoryHandler",
    "CreateProductHandler",
    "DeleteCategoryHandler",
    "DeleteProductHandler",
    "UpdateCategoryHandler",
    "UpdateProductHandler",
    "product_view",
]


class _CatalogHandler:
    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self.uow = uow
        self.clock = clock


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


async def _ensure_category(uow: UnitOfWork, category_id: int | None) -> None:
    if category_id is not None:
        await _category(uow, category_id)


class CreateCategoryHandler(_CatalogHandler, Handler[CreateCategory, Category]):
    async def handle(self, command: CreateCategory) -> Category:
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


class UpdateCategoryHandler(_CatalogHandler, Handler[UpdateCategory, Category]):
    async def handle(self, command: UpdateCategory) -> Category:
        async with self.uow as uow:
            category = await _category(uow, command.category_id)
            if not isinstance(command.name, Unset):
                given_slug = None if isinstance(command.slug, Unset) else command.slug
                category.rename(command.name, given_slug)
            elif not isinstance(command.slug, Unset):
                category.change_slug(command.slug)
            if not isinstance(command.description, Unset):
                category.describe(command.description)
            if not isinstance(command.parent_id, Unset):
                parent_id = command.parent_id
                ancestry = await uow.categories.ancestry(parent_id) if parent_id else []
                if parent_id is not None and not ancestry:
                    raise NotFound("category", parent_id)
                category.move_under(parent_id, ancestry)
            await uow.commit()
        return category


class DeleteCategoryHandler(_CatalogHandler, Handler[DeleteCategory, None]):
    async def handle(self, command: DeleteCategory) -> None:
        async with self.uow as uow:
            await uow.categories.delete(await _category(uow, command.category_id))
            await uow.commit()


class CreateProductHandler(_CatalogHandler, Handler[CreateProduct, Product]):
    async def handle(self, command: CreateProduct) -> Product:
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


class UpdateProductHandler(_CatalogHandler, Handler[UpdateProduct, Product]):
    async def handle(self, command: UpdateProduct) -> Product:
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
            )
            await uow.commit()
        return product


class DeleteProductHandler(_CatalogHandler, Handler[DeleteProduct, None]):
    async def handle(self, command: DeleteProduct) -> None:
        async with self.uow as uow:
            await uow.products.delete(await _product(uow, command.product_id))
            await uow.commit()


def product_view(product: Product) -> ProductView:
    """The product as the read side shows it."""
    if product.id is None:
        raise ValueError("a view is made of stored entities only; this one has no id yet")
    return ProductView(
        id=product.id,
        name=product.name,
        slug=product.slug,
        sku=product.sku,
        description=product.description,
        price=product.price,
        stock_quantity=product.stock_quantity,
        is_active=product.is_active,
        category_id=product.category_id,
        version=product.version,
        created_at=product.created_at,
        updated_at=product.updated_at,
    )


class AdjustStockHandler(IdempotentHandler[AdjustStock, Product]):
    """Add to or remove from a product's stock; with an idempotency key, at most once."""

    scope = "adjust_stock"

    def __init__(
        self, uow: UnitOfWork, clock: Clock, idempotency_ttl: timedelta = DEFAULT_TTL
    ) -> None:
        self.uow = uow
        self.clock = clock
        self.ttl = idempotency_ttl

    def view(self, result: Product) -> ProductView:
        return product_view(result)

    async def execute(self, uow: UnitOfWork, command: AdjustStock) -> Product:
        locked = await uow.products.get_for_update([command.product_id])
        if not locked:
            raise NotFound("product", command.product_id)
        product = locked[0]
        product.adjust_stock(command.delta, self.clock.now())
        return product
