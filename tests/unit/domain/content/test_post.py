"""Posts: the status machine, slugs, at most ten tags, and a version that moves with every
change and with nothing else."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.content.post import ALLOWED_TRANSITIONS, MAX_CONTENT, Post, PostStatus
from domain.content.tag import MAX_TAGS, Tag, distinct_tag_names, tag_key
from domain.shared.errors import InvalidTransition, InvalidValue, StaleVersion
from tests.unit.fakes import START

LATER = START + timedelta(minutes=5)


def a_post(**fields: object) -> Post:
    given: dict[str, object] = {
        "title": "Hello, World!",
        "content": "First line.\n\tSecond line.",
        "author_id": 7,
        "now": START,
        **fields,
    }
    return Post.create(**given)  # type: ignore[arg-type]


def test_a_new_post_is_a_draft_at_version_1_with_a_slug_from_its_title() -> None:
    post = a_post(tag_ids=[3, 1, 3])

    assert (post.status, post.version, post.view_count) == (PostStatus.DRAFT, 1, 0)
    assert post.slug == "hello-world"
    assert post.content == "First line.\n\tSecond line."
    assert post.tag_ids == [3, 1]
    assert post.published_at is None
    assert post.deleted_at is None


def test_a_given_slug_is_kept_and_checked() -> None:
    assert a_post(slug="my-post").slug == "my-post"
    with pytest.raises(InvalidValue, match="slug"):
        a_post(slug="Not A Slug")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", ""),
        ("title", "   "),
        ("title", "x" * 201),
        ("title", "two\nlines"),
        ("content", ""),
        ("content", "x" * (MAX_CONTENT + 1)),
        ("content", "bell\x07"),
    ],
)
def test_title_and_content_are_bounded_text(field: str, value: str) -> None:
    with pytest.raises(InvalidValue, match=field):
        a_post(**{field: value})


def test_content_of_the_longest_length_is_taken() -> None:
    assert len(a_post(content="x" * MAX_CONTENT).content) == MAX_CONTENT


def test_a_post_has_at_most_ten_tags() -> None:
    assert len(a_post(tag_ids=list(range(MAX_TAGS))).tag_ids) == MAX_TAGS
    with pytest.raises(InvalidValue, match="tags"):
        a_post(tag_ids=list(range(MAX_TAGS + 1)))
    post = a_post()
    with pytest.raises(InvalidValue, match="tags"):
        post.revise(LATER, tag_ids=list(range(MAX_TAGS + 1)))
    assert (post.tag_ids, post.version) == ([], 1)


def test_tag_names_are_distinct_whatever_their_case_and_at_most_ten() -> None:
    assert distinct_tag_names(["Python", " python ", "PYTHON", "Rust"]) == ["Python", "Rust"]
    assert tag_key("ÉCRIRE") == "écrire"
    assert len(distinct_tag_names([f"t{n}" for n in range(MAX_TAGS)] + ["T1"])) == MAX_TAGS
    with pytest.raises(InvalidValue, match="tags"):
        distinct_tag_names([f"t{n}" for n in range(MAX_TAGS + 1)])
    with pytest.raises(InvalidValue, match="tags"):
        distinct_tag_names(["x" * 51])


def test_a_tag_is_keyed_by_its_case_folded_name_with_a_derived_slug() -> None:
    tag = Tag.create(name="  Straße Café ", now=START)

    assert (tag.name, tag.name_key, tag.slug) == ("Straße Café", "strasse café", "strae-cafe")


ALL = list(PostStatus)


@pytest.mark.parametrize("source", ALL)
@pytest.mark.parametrize("target", ALL)
def test_the_status_machine(source: PostStatus, target: PostStatus) -> None:
    post = a_post()
    post.status = source
    allowed = {
        PostStatus.DRAFT: {PostStatus.PUBLISHED, PostStatus.ARCHIVED},
        PostStatus.PUBLISHED: {PostStatus.ARCHIVED},
        PostStatus.ARCHIVED: {PostStatus.DRAFT},
    }[source]
    assert ALLOWED_TRANSITIONS[source] == allowed

    if target in allowed:
        post.transition_to(target, LATER)
        assert (post.status, post.version, post.updated_at) == (target, 2, LATER)
    else:
        with pytest.raises(InvalidTransition):
            post.transition_to(target, LATER)
        assert (post.status, post.version) == (source, 1)


def test_published_at_is_set_by_the_first_publication_only() -> None:
    post = a_post()
    post.transition_to(PostStatus.PUBLISHED, LATER)
    post.transition_to(PostStatus.ARCHIVED, LATER + timedelta(hours=1))
    post.transition_to(PostStatus.DRAFT, LATER + timedelta(hours=2))
    post.transition_to(PostStatus.PUBLISHED, LATER + timedelta(hours=3))

    assert post.published_at == LATER
    assert post.version == 5


def test_an_edit_moves_the_version_once_and_no_change_moves_nothing() -> None:
    post = a_post(tag_ids=[1, 2])

    post.revise(LATER, title="New title", content="New content", tag_ids=[2, 3])
    assert (post.title, post.slug, post.version) == ("New title", "hello-world", 2)
    assert post.tag_ids == [2, 3]
    post.revise(LATER, title="New title", tag_ids=[2, 3])
    assert post.version == 2


def test_retagging_keeps_the_taggings_of_the_tags_that_stay() -> None:
    post = a_post(tag_ids=[1, 2])
    kept = post.taggings[1]

    post.revise(LATER, tag_ids=[2, 5])

    assert post.taggings[0] is kept
    assert post.tag_ids == [2, 5]


def test_a_refused_edit_changes_nothing() -> None:
    post = a_post()
    with pytest.raises(InvalidValue):
        post.revise(LATER, title="Fine", slug="NOT OK")
    assert (post.title, post.version) == ("Hello, World!", 1)


def test_a_stale_version_is_refused() -> None:
    post = a_post()
    post.check_version(1)
    with pytest.raises(StaleVersion):
        post.check_version(2)


def test_deleting_and_restoring_keep_the_tags_and_move_the_version() -> None:
    post = a_post(tag_ids=[4])

    post.delete(LATER)
    assert (post.deleted_at, post.is_deleted, post.version, post.tag_ids) == (LATER, True, 2, [4])
    with pytest.raises(InvalidTransition):
        post.delete(LATER)
    post.restore(LATER)
    assert (post.deleted_at, post.version, post.tag_ids) == (None, 3, [4])
    with pytest.raises(InvalidTransition):
        post.restore(LATER)
