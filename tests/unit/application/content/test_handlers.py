"""Content use cases on the in-memory unit of work: who may change a post, tags made once,
optimistic edits, the trash, and views; and what `PostReads` shows to whom."""

from __future__ import annotations

import pytest

from adapters.memory import InMemoryStore, InMemoryUnitOfWork, InMemoryUserQueries
from adapters.memory.content.queries import InMemoryPostQueries, InMemoryTagQueries
from application.content.commands import (
    ChangePostStatus,
    CreatePost,
    DeletePost,
    RestorePost,
    UpdatePost,
)
from application.content.handlers import (
    ChangePostStatusHandler,
    CreatePostHandler,
    DeletePostHandler,
    RestorePostHandler,
    UpdatePostHandler,
    ViewPostHandler,
)
from application.content.queries import POST_LIST, TRASH_LIST
from application.content.reads import PostReads
from application.shared.access import Unauthenticated
from domain.content.post import Post, PostStatus
from domain.shared.errors import (
    DuplicateValue,
    Inactive,
    InvalidTransition,
    InvalidValue,
    NotFound,
    StaleVersion,
)
from tests.support.actors import admin, anonymous, customer
from tests.support.fakes import SteppingClock
from tests.unit.seeding import Seed, id_of


@pytest.fixture
def reads(store: InMemoryStore) -> PostReads:
    return PostReads(
        InMemoryPostQueries(store), InMemoryTagQueries(store), InMemoryUserQueries(store)
    )


async def write(
    uow: InMemoryUnitOfWork, clock: SteppingClock, author: int, title: str, **fields: object
) -> Post:
    command = CreatePost(title=title, content="Words.", **fields)  # type: ignore[arg-type]
    return await CreatePostHandler(uow, clock)(customer(author), command)


async def test_a_post_is_written_by_an_active_user_as_its_author(uow, clock, seed: Seed) -> None:
    alice = id_of(await seed.user("alice"))
    gone = id_of(await seed.user("gone", active=False))

    post = await write(uow, clock, alice, "Hello", tags=("News", "news", "Rust"))

    assert (post.author_id, post.status, post.version) == (alice, PostStatus.DRAFT, 1)
    assert len(post.tag_ids) == 2
    with pytest.raises(Inactive):
        await write(uow, clock, gone, "Other")
    with pytest.raises(NotFound):
        await write(uow, clock, 999, "Other")
    with pytest.raises(Unauthenticated):
        await CreatePostHandler(uow, clock)(anonymous(), CreatePost(title="x", content="y"))
    with pytest.raises(InvalidValue, match="tags"):
        await write(uow, clock, alice, "Many", tags=tuple(f"t{n}" for n in range(11)))


async def test_a_tag_named_again_in_any_case_is_the_same_tag(uow, clock, seed: Seed) -> None:
    alice = id_of(await seed.user("alice"))

    first = await write(uow, clock, alice, "One", tags=("Python",))
    second = await write(uow, clock, alice, "Two", tags=("PYTHON", "new"))

    assert second.tag_ids[0] == first.tag_ids[0]
    assert len(set(first.tag_ids + second.tag_ids)) == 2


async def test_another_customers_post_is_not_found_and_an_admin_may(uow, clock, seed: Seed) -> None:
    alice, bob = id_of(await seed.user("alice")), id_of(await seed.user("bob"))
    post = id_of(await write(uow, clock, alice, "Mine"))
    as_bob = customer(bob)

    with pytest.raises(NotFound):
        await UpdatePostHandler(uow, clock)(as_bob, UpdatePost(post, 1, title="Bob's"))
    with pytest.raises(NotFound):
        await ChangePostStatusHandler(uow, clock)(
            as_bob, ChangePostStatus(post, PostStatus.PUBLISHED)
        )
    with pytest.raises(NotFound):
        await DeletePostHandler(uow, clock)(as_bob, DeletePost(post))
    edited = await UpdatePostHandler(uow, clock)(admin(), UpdatePost(post, 1, title="Admin's"))
    assert (edited.title, edited.version) == ("Admin's", 2)
    await DeletePostHandler(uow, clock)(customer(alice), DeletePost(post))
    with pytest.raises(NotFound):
        await RestorePostHandler(uow, clock)(as_bob, RestorePost(post))
    restored = await RestorePostHandler(uow, clock)(admin(), RestorePost(post))
    assert restored.deleted_at is None


async def test_an_edit_with_a_stale_version_is_refused(uow, clock, seed: Seed) -> None:
    alice = customer(id_of(await seed.user("alice")))
    post = id_of(await write(uow, clock, alice.acting_user(), "Mine"))
    edit = UpdatePostHandler(uow, clock)
    await edit(alice, UpdatePost(post, 1, content="Second"))

    with pytest.raises(StaleVersion):
        await edit(alice, UpdatePost(post, 1, content="Lost"))


async def test_a_move_the_machine_has_not_is_refused(uow, clock, seed: Seed) -> None:
    alice = customer(id_of(await seed.user("alice")))
    post = id_of(await write(uow, clock, alice.acting_user(), "Mine"))

    with pytest.raises(InvalidTransition):
        await ChangePostStatusHandler(uow, clock)(alice, ChangePostStatus(post, PostStatus.DRAFT))


async def test_restoring_into_a_slug_taken_meanwhile_is_a_duplicate(uow, clock, seed: Seed) -> None:
    alice = id_of(await seed.user("alice"))
    first = id_of(await write(uow, clock, alice, "Same"))
    await DeletePostHandler(uow, clock)(customer(alice), DeletePost(first))
    await write(uow, clock, alice, "Same")

    with pytest.raises(DuplicateValue):
        await RestorePostHandler(uow, clock)(customer(alice), RestorePost(first))


async def test_a_view_counts_for_published_posts_only(
    uow, clock, seed: Seed, store: InMemoryStore
) -> None:
    alice, bob = id_of(await seed.user("alice")), id_of(await seed.user("bob"))
    draft = await write(uow, clock, alice, "Draft")
    post = await write(uow, clock, alice, "Out")
    await ChangePostStatusHandler(uow, clock)(
        customer(alice), ChangePostStatus(id_of(post), PostStatus.PUBLISHED)
    )
    view = ViewPostHandler(uow, InMemoryPostQueries(store))

    assert (await view(anonymous(), "out")).view_count == 1
    assert (await view(customer(bob), "out")).view_count == 2
    assert (await view(customer(alice), "draft")).view_count == 0
    with pytest.raises(NotFound):
        await view(customer(bob), draft.slug)
    with pytest.raises(NotFound):
        await view(anonymous(), "no-such-post")


async def test_reads_show_drafts_to_their_author_and_admins_only(
    uow, clock, seed: Seed, reads: PostReads
) -> None:
    alice, bob = id_of(await seed.user("alice")), id_of(await seed.user("bob"))
    draft = id_of(await write(uow, clock, alice, "Draft"))
    post = id_of(await write(uow, clock, alice, "Out"))
    await ChangePostStatusHandler(uow, clock)(
        customer(alice), ChangePostStatus(post, PostStatus.PUBLISHED)
    )
    gone = id_of(await write(uow, clock, bob, "Gone"))
    await DeletePostHandler(uow, clock)(customer(bob), DeletePost(gone))

    for who in (anonymous(), customer(bob)):
        with pytest.raises(NotFound):
            await reads.get(who, draft)
        assert [p.id for p in (await reads.list(who, POST_LIST.query())).items] == [post]
    assert (await reads.get(customer(alice), draft)).id == draft
    assert (await reads.get(admin(), draft)).id == draft
    own = POST_LIST.query([("author_id", str(alice))])
    assert [p.id for p in (await reads.list(customer(alice), own)).items] == [draft, post]
    assert [p.id for p in (await reads.list(customer(bob), own)).items] == [post]
    assert [p.id for p in (await reads.list(admin(), POST_LIST.query())).items] == [draft, post]
    assert (await reads.trash(customer(alice), TRASH_LIST.query())).total == 0
    assert [p.id for p in (await reads.trash(customer(bob), TRASH_LIST.query())).items] == [gone]
    assert (await reads.trash(admin(), TRASH_LIST.query())).total == 1
    with pytest.raises(Unauthenticated):
        await reads.trash(anonymous(), TRASH_LIST.query())
    with pytest.raises(NotFound):
        await reads.of_tag("no-such-tag", POST_LIST.query())
    with pytest.raises(NotFound):
        await reads.of_user(999, POST_LIST.query())
    of_alice = await reads.of_user(alice, POST_LIST.query())
    assert [p.id for p in of_alice.posts.items] == [post]
