"""One write that breaks several unique rules at once names the same field on every backend.

The rule: the field of the unique constraint its table declares first. A category's name comes
before its slug; a user's username before its email; a product's SKU, then its slug, then its
name within its category. SQLite and PostgreSQL check a table's unique constraints in opposite
orders, so without the rule the two engines named different fields for the same request.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from application.catalog.commands import (
    CreateCategory,
    CreateProduct,
    UpdateCategory,
    UpdateProduct,
)
from application.identity.commands import RegisterUser, ReplaceUser
from domain.shared.errors import DuplicateValue
from tests.contract.data import PASSWORD, category, id_of, product, user
from tests.support.actors import admin, anonymous
from tests.support.storage import Storage


async def test_a_new_category_named_like_one_that_exists_is_a_duplicate_name(
    storage: Storage,
) -> None:
    # "Books" is one of the default categories; the slug derived from the name, "books", is
    # taken too.
    with pytest.raises(DuplicateValue) as refused:
        await storage.use_cases.create_category()(CreateCategory(name="Books"))

    assert (refused.value.entity, refused.value.field) == ("category", "name")


async def test_renaming_a_category_to_a_taken_name_is_a_duplicate_name(storage: Storage) -> None:
    novels = await category(storage, "Novels")

    with pytest.raises(DuplicateValue) as refused:
        await storage.use_cases.update_category()(
            UpdateCategory(category_id=id_of(novels), name="Books")
        )

    assert (refused.value.entity, refused.value.field) == ("category", "name")


async def test_a_taken_username_and_email_is_a_duplicate_username(storage: Storage) -> None:
    await user(storage, "alice")

    with pytest.raises(DuplicateValue) as refused:
        await storage.use_cases.register_user()(
            anonymous(),
            RegisterUser(username="alice", email="alice@example.com", password=PASSWORD),
        )

    assert (refused.value.entity, refused.value.field) == ("user", "username")


async def test_replacing_a_user_with_a_taken_username_and_email_is_a_duplicate_username(
    storage: Storage,
) -> None:
    await user(storage, "alice")
    bob = await user(storage, "bob")

    with pytest.raises(DuplicateValue) as refused:
        await storage.use_cases.edit_user()(
            admin(),
            ReplaceUser(
                user_id=id_of(bob),
                username="alice",
                email="alice@example.com",
                full_name=None,
                bio=None,
                is_active=True,
            ),
        )

    assert (refused.value.entity, refused.value.field) == ("user", "username")


async def test_a_product_named_like_one_in_its_category_is_a_duplicate_slug(
    storage: Storage,
) -> None:
    await product(storage, "Lamp", sku="LAMP-1", category_id=1)

    # The slug derived from the name is taken, and so is the name within category 1.
    with pytest.raises(DuplicateValue) as refused:
        await storage.use_cases.create_product()(
            CreateProduct(name="Lamp", sku="LAMP-2", price=Decimal(5), category_id=1)
        )

    assert (refused.value.entity, refused.value.field) == ("product", "slug")


async def test_a_product_with_every_key_taken_is_a_duplicate_sku(storage: Storage) -> None:
    await product(storage, "Lamp", sku="LAMP-1", category_id=1)

    with pytest.raises(DuplicateValue) as refused:
        await storage.use_cases.create_product()(
            CreateProduct(name="Lamp", sku="LAMP-1", price=Decimal(5), category_id=1)
        )

    assert (refused.value.entity, refused.value.field) == ("product", "sku")


async def test_an_edit_giving_a_product_a_taken_sku_and_slug_is_a_duplicate_sku(
    storage: Storage,
) -> None:
    await product(storage, "Lamp", sku="LAMP-1", category_id=1)
    desk = await product(storage, "Desk", sku="DESK-1", category_id=1)

    with pytest.raises(DuplicateValue) as refused:
        await storage.use_cases.update_product()(
            UpdateProduct(product_id=id_of(desk), version=1, sku="LAMP-1", slug="lamp")
        )

    assert (refused.value.entity, refused.value.field) == ("product", "sku")
