"""The content ports on every backend: posts and tags, their repositories and read side.

Soft delete is the heart of it: a post in the trash is invisible to every normal read (by id,
by slug, in lists, in a tag's posts, in a user's posts, in the tags' counts, to the
repository and to a view), listed in the trash with its tags, and restorable while its slug is
free.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from application.content.commands import (
    ChangePostStatus,
    CreatePost,
    DeletePost,
    RestorePost,
    UpdatePost,
)
from application.content.queries import POST_LIST, TAG_LIST, TRASH_LIST
from application.content.read_models import PostTag
from domain.content.post import Post, PostStatus
from domain.content.tag import Tag
from domain.shared.errors import DuplicateValue, NotFound, StaleVersion
from tests.contract.data import id_of, user
from tests.support.actors import admin, customer
from tests.support.storage import Storage


async def write(
    storage: Storage,
    author_id: int,
    title: str,
    *,
    content: str = "Some words.\nAnd a second line.",
    tags: tuple[str, ...] = (),
    slug: str | None = None,
    publish: bool = False,
) -> Post:
    post = await storage.use_cases.create_post()(
        customer(author_id), CreatePost(title=title, content=content, tags=tags, slug=slug)
    )
    if publish:
        post = await storage.use_cases.change_post_status()(
            customer(author_id), ChangePostStatus(id_of(post), PostStatus.PUBLISHED)
        )
    storage.clock.advance(minutes=1)
    return post


async def trash(storage: Storage, author_id: int, post: Post) -> None:
    await storage.use_cases.delete_post()(customer(author_id), DeletePost(id_of(post)))


async def test_a_post_is_read_with_its_author_and_its_tags_sorted(storage: Storage) -> None:
    alice = await user(storage, "alice")
    post = await write(storage, id_of(alice), "Hello World", tags=("python", "Async", "PYTHON"))

    by_id = await storage.posts.get(id_of(post))
    by_slug = await storage.posts.get_by_slug("hello-world")

    assert by_id == by_slug
    assert by_id is not None
    assert by_id.title == "Hello World"
    assert by_id.content == "Some words.\nAnd a second line."
    assert by_id.author_username == "alice"
    assert by_id.status is PostStatus.DRAFT
    assert by_id.published_at is None
    assert by_id.view_count == 0
    assert by_id.version == 1
    assert by_id.tags == (PostTag("Async", "async"), PostTag("python", "python"))


async def test_a_tag_is_one_whatever_its_letter_case(storage: Storage) -> None:
    alice = await user(storage, "alice")
    await write(storage, id_of(alice), "One", tags=("Python",))
    second = await write(storage, id_of(alice), "Two", tags=("PYTHON", "rust"))

    tags = await storage.tags.list(TAG_LIST.query())

    assert [(t.name, t.slug) for t in tags.items] == [("Python", "python"), ("rust", "rust")]
    view = await storage.posts.get(id_of(second))
    assert view is not None
    assert view.tags == (PostTag("Python", "python"), PostTag("rust", "rust"))
    async with storage.make_uow() as uow:
        with pytest.raises(DuplicateValue) as taken:
            await uow.tags.add(Tag.create(name="pyTHON", now=storage.clock.now()))
    assert (taken.value.entity, taken.value.field) == ("tag", "name_key")


async def test_publishing_stamps_published_at_once_and_moves_the_version(storage: Storage) -> None:
    alice = await user(storage, "alice")
    post = await write(storage, id_of(alice), "Story")
    change = storage.use_cases.change_post_status
    published = await change()(
        customer(id_of(alice)), ChangePostStatus(id_of(post), PostStatus.PUBLISHED)
    )
    first = published.published_at
    storage.clock.advance(hours=1)
    for status in (PostStatus.ARCHIVED, PostStatus.DRAFT, PostStatus.PUBLISHED):
        await change()(customer(id_of(alice)), ChangePostStatus(id_of(post), status))

    view = await storage.posts.get(id_of(post))

    assert view is not None
    assert view.status is PostStatus.PUBLISHED
    assert view.published_at == first
    assert view.version == 5


async def test_an_edit_with_a_stale_version_changes_nothing(storage: Storage) -> None:
    alice = await user(storage, "alice")
    post = await write(storage, id_of(alice), "Story", tags=("a",))
    edit = storage.use_cases.update_post
    await edit()(customer(id_of(alice)), UpdatePost(id_of(post), 1, title="New", tags=("b", "c")))

    with pytest.raises(StaleVersion):
        await edit()(customer(id_of(alice)), UpdatePost(id_of(post), 1, title="Lost"))

    view = await storage.posts.get(id_of(post))
    assert view is not None
    assert (view.title, view.slug, view.version) == ("New", "story", 2)
    assert view.tags == (PostTag("b", "b"), PostTag("c", "c"))


async def test_a_view_counts_one_atomically_and_leaves_the_version(storage: Storage) -> None:
    alice = await user(storage, "alice")
    draft = await write(storage, id_of(alice), "Draft")
    post = await write(storage, id_of(alice), "Published", publish=True)

    async with storage.make_uow() as uow:
        assert await uow.posts.count_view(id_of(post)) == 1
        assert await uow.posts.count_view(id_of(post)) == 2
        assert await uow.posts.count_view(id_of(draft)) is None
        assert await uow.posts.count_view(999_999) is None
        await uow.commit()

    view = await storage.posts.get(id_of(post))
    assert view is not None
    assert (view.view_count, view.version) == (2, 2)


async def test_slugs_are_unique_among_the_posts_out_of_the_trash(storage: Storage) -> None:
    alice = await user(storage, "alice")
    first = await write(storage, id_of(alice), "Same Title")
    with pytest.raises(DuplicateValue) as taken:
        await write(storage, id_of(alice), "Same title")
    assert (taken.value.entity, taken.value.field) == ("post", "slug")

    await trash(storage, id_of(alice), first)
    second = await write(storage, id_of(alice), "Same Title")

    assert second.slug == first.slug
    with pytest.raises(DuplicateValue) as restored:
        await storage.use_cases.restore_post()(customer(id_of(alice)), RestorePost(id_of(first)))
    assert (restored.value.entity, restored.value.field) == ("post", "slug")
    in_trash = await storage.posts.trash(TRASH_LIST.query())
    assert [p.id for p in in_trash.items] == [id_of(first)]


async def test_a_post_in_the_trash_is_in_no_normal_read(storage: Storage) -> None:
    alice, bob = await user(storage, "alice"), await user(storage, "bob")
    kept = await write(storage, id_of(alice), "Kept words", tags=("news",), publish=True)
    gone = await write(storage, id_of(alice), "Gone words", tags=("news", "old"), publish=True)
    await write(storage, id_of(bob), "Bob words", publish=True)
    await trash(storage, id_of(alice), gone)

    assert await storage.posts.get(id_of(gone)) is None
    assert await storage.posts.get_by_slug(gone.slug) is None
    every = await storage.posts.list(POST_LIST.query())
    assert [p.id for p in every.items] == [id_of(kept), every.items[1].id]
    assert every.total == 2
    searched = await storage.posts.list(POST_LIST.query(search="words"))
    assert id_of(gone) not in [p.id for p in searched.items]
    tagged = await storage.posts.list(POST_LIST.query(), tag="news")
    assert [p.id for p in tagged.items] == [id_of(kept)]
    assert (await storage.posts.list(POST_LIST.query(), tag="old")).total == 0
    of_alice = await storage.posts.list(POST_LIST.query([("author_id", str(id_of(alice)))]))
    assert [p.id for p in of_alice.items] == [id_of(kept)]
    counts = {t.slug: t.post_count for t in (await storage.tags.list(TAG_LIST.query())).items}
    assert counts == {"news": 1, "old": 0}
    old = await storage.tags.get_by_slug("old")
    assert old is not None
    assert old.post_count == 0
    async with storage.make_uow() as uow:
        assert await uow.posts.get(id_of(gone)) is None
        assert await uow.posts.count_view(id_of(gone)) is None
    with pytest.raises(NotFound):
        await storage.use_cases.update_post()(
            customer(id_of(alice)), UpdatePost(id_of(gone), 2, title="x")
        )


async def test_the_trash_lists_deleted_posts_with_their_tags_and_restores_them(
    storage: Storage,
) -> None:
    alice = await user(storage, "alice")
    post = await write(storage, id_of(alice), "Gone", tags=("keep",), publish=True)
    await trash(storage, id_of(alice), post)

    in_trash = await storage.posts.trash(TRASH_LIST.query())

    assert len(in_trash.items) == 1
    deleted = in_trash.items[0]
    assert deleted.tags == (PostTag("keep", "keep"),)
    assert deleted.deleted_at == storage.clock.now()
    restored = await storage.use_cases.restore_post()(admin(), RestorePost(id_of(post)))
    assert restored.deleted_at is None
    assert (await storage.posts.trash(TRASH_LIST.query())).total == 0
    view = await storage.posts.get(id_of(post))
    assert view is not None
    assert view.tags == (PostTag("keep", "keep"),)
    with pytest.raises(NotFound):
        await storage.use_cases.restore_post()(admin(), RestorePost(id_of(post)))


async def test_posts_are_filtered_searched_and_sorted(storage: Storage) -> None:
    alice, bob = await user(storage, "alice"), await user(storage, "bob")
    a = await write(
        storage, id_of(alice), "Écrire en Python", content="GIL and Ñandú", publish=True
    )
    b = await write(storage, id_of(bob), "Rust notes", content="borrow 100% checker")
    c = await write(
        storage, id_of(bob), "More rust", content="python_bindings", tags=("rust",), publish=True
    )

    def ids(page: object) -> list[int]:
        assert hasattr(page, "items")
        return [p.id for p in page.items]

    posts = storage.posts
    assert ids(await posts.list(POST_LIST.query([("status", "draft")]))) == [id_of(b)]
    assert ids(await posts.list(POST_LIST.query([("author_id", str(id_of(bob)))]))) == [
        id_of(b),
        id_of(c),
    ]
    assert ids(await posts.list(POST_LIST.query(search="PYTHON"))) == [id_of(a), id_of(c)]
    assert ids(await posts.list(POST_LIST.query(search="ñandú"))) == [id_of(a)]
    assert ids(await posts.list(POST_LIST.query(search="100%"))) == [id_of(b)]
    assert ids(await posts.list(POST_LIST.query(search="n_b"))) == [id_of(c)]
    assert ids(await posts.list(POST_LIST.query(sort="-published_at"))) == [
        id_of(c),
        id_of(a),
        id_of(b),
    ]
    since = (a.published_at or storage.clock.now()) + timedelta(seconds=1)
    late = await posts.list(POST_LIST.query([("published_at__gte", since.isoformat())]))
    assert ids(late) == [id_of(c)]
    assert ids(await posts.list(POST_LIST.query(), tag="rust")) == [id_of(c)]
