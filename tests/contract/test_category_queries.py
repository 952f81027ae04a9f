"""The categories read side: lookups, the flat list and the tree."""

from __future__ import annotations

from application.catalog.commands import DeleteCategory
from application.catalog.queries import CATEGORY_LIST
from tests.contract.data import category, id_of
from tests.support.databases import DEFAULT_CATEGORIES
from tests.support.storage import Storage


async def test_a_category_view_carries_every_field(storage: Storage) -> None:
    tools = await category(storage, "Garden Tools", parent_id=4)

    view = await storage.categories.get(id_of(tools))

    assert view is not None
    assert (view.id, view.name, view.slug, view.description, view.parent_id) == (
        id_of(tools),
        "Garden Tools",
        "garden-tools",
        None,
        4,
    )
    assert view.created_at == tools.created_at
    assert await storage.categories.get(999) is None


async def test_the_list_starts_with_the_default_categories(storage: Storage) -> None:
    page = await storage.categories.list(CATEGORY_LIST.query())

    assert [(c.id, c.name, c.slug, c.description) for c in page.items] == [
        (n, *fields) for n, fields in enumerate(DEFAULT_CATEGORIES, start=1)
    ]
    assert page.total == 4


async def test_the_list_filters_on_the_parent_and_sorts_by_name(storage: Storage) -> None:
    await category(storage, "spades", parent_id=4)
    await category(storage, "Rakes", parent_id=4)
    await category(storage, "Novels", parent_id=3)

    children = await storage.categories.list(CATEGORY_LIST.query([("parent_id", "4")], sort="name"))
    roots = await storage.categories.list(
        CATEGORY_LIST.query([("parent_id__is_null", "true")], sort="-name", page_size=2)
    )

    assert [c.name for c in children.items] == ["Rakes", "spades"]
    assert [c.name for c in roots.items] == ["Home & Garden", "Electronics"]
    assert roots.total == 4


async def test_the_tree_nests_children_sorted_by_name_then_id(storage: Storage) -> None:
    tools = await category(storage, "Tools", parent_id=4)
    await category(storage, "spades", parent_id=id_of(tools))
    await category(storage, "Rakes", parent_id=id_of(tools))
    await category(storage, "Novels", parent_id=3)

    tree = await storage.categories.tree()

    def shape(nodes: object) -> list[object]:
        return [(n.name, shape(n.children)) for n in nodes]  # type: ignore[attr-defined]

    assert shape(tree) == [
        ("Books", [("Novels", [])]),
        ("Clothing", []),
        ("Electronics", []),
        ("Home & Garden", [("Tools", [("Rakes", []), ("spades", [])])]),
    ]


async def test_deleting_a_parent_moves_its_children_to_the_top(storage: Storage) -> None:
    tools = await category(storage, "Tools", parent_id=4)
    await category(storage, "Rakes", parent_id=id_of(tools))

    await storage.use_cases.delete_category()(DeleteCategory(id_of(tools)))

    tree = await storage.categories.tree()
    assert [n.name for n in tree] == ["Books", "Clothing", "Electronics", "Home & Garden", "Rakes"]
    assert [n.parent_id for n in tree] == [None] * 5
