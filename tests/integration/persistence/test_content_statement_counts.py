"""No N+1 in the content read side: a page of posts with their tags and their authors'
usernames, a tag's posts, and a user with their posts each cost the same statements for 1
post as for 50 posts of 5 tags each: the page (authors joined), then every tag of the page's
posts in one statement (plus, on PostgreSQL, the store named once per read).
"""

from __future__ import annotations

from application.content.commands import ChangePostStatus, CreatePost
from application.content.queries import POST_LIST
from application.content.reads import PostReads
from domain.content.post import PostStatus
from tests.contract.data import id_of, user
from tests.integration.persistence.test_statement_counts import counted, named_the_store_once_each
from tests.support.actors import customer
from tests.support.storage import Storage

POSTS = 50
TAGS_PER_POST = 5


async def _publish_fifty_posts_of_five_tags(storage: Storage) -> int:
    """An author of 50 published posts, each with 5 of 10 tags (post n has the tags n to
    n + 4, mod 10: "tag 0" is on half of them)."""
    author = id_of(await user(storage, "writer"))
    for n in range(POSTS):
        tags = tuple(f"tag {(n + k) % 10}" for k in range(TAGS_PER_POST))
        post = await storage.use_cases.create_post()(
            customer(author), CreatePost(title=f"Post {n}", content="Words.", tags=tags)
        )
        await storage.use_cases.change_post_status()(
            customer(author), ChangePostStatus(id_of(post), PostStatus.PUBLISHED)
        )
    return author


async def test_1_or_50_posts_with_their_tags_and_authors_cost_the_same_statements(
    storage: Storage,
) -> None:
    """One storage for the three reads: making 50 posts is the slow part."""
    author_id = await _publish_fifty_posts_of_five_tags(storage)
    reads: PostReads = storage.use_cases.post_reads()
    one_post, fifty_posts = POST_LIST.query(page_size=1), POST_LIST.query(page_size=POSTS)

    # A page of posts: the page with its authors, then the tags of its posts.
    with counted(storage) as one:
        single = await storage.posts.list(one_post)
    with counted(storage) as fifty:
        full = await storage.posts.list(fifty_posts)
    print(f"\n{storage.backend}: a page of 1 post with tags: {len(one)} statements")
    print(f"{storage.backend}: a page of 50 posts with 5 tags each: {len(fifty)} statements")
    assert (len(single.items), len(full.items)) == (1, POSTS)
    assert all(len(p.tags) == TAGS_PER_POST for p in full.items)
    assert all(p.author_username == "writer" for p in full.items)
    assert len(fifty) == len(one)
    assert named_the_store_once_each(storage, one, 1)
    assert named_the_store_once_each(storage, fifty, 1)

    # A tag's posts: two reads, the tag, then its posts.
    with counted(storage) as one:
        single = await reads.of_tag("tag-0", one_post)
    with counted(storage) as many:
        full = await reads.of_tag("tag-0", fifty_posts)
    print(f"{storage.backend}: a tag's page of 1 post: {len(one)} statements")
    print(f"{storage.backend}: a tag's page of {len(full.items)} posts: {len(many)} statements")
    assert (len(single.items), len(full.items)) == (1, POSTS // 2)
    assert all(len(p.tags) == TAGS_PER_POST for p in full.items)
    assert len(many) == len(one)
    assert named_the_store_once_each(storage, many, 2)

    # A user with their posts: two reads, the user, then the posts.
    with counted(storage) as one:
        alone = await reads.of_user(author_id, one_post)
    with counted(storage) as fifty:
        everything = await reads.of_user(author_id, fifty_posts)
    print(f"{storage.backend}: a user with a page of 1 post: {len(one)} statements")
    print(f"{storage.backend}: a user with a page of 50 posts: {len(fifty)} statements")
    assert (len(alone.posts.items), len(everything.posts.items)) == (1, POSTS)
    assert len(fifty) == len(one)
    assert named_the_store_once_each(storage, fifty, 2)
