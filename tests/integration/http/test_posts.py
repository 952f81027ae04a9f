"""Posts and tags over HTTP, on every backend: who may do what, and what each operation does.

    writing a post                     401 anonymous; any signed-in user, as its author
    reading published posts, tags      anyone
    drafts, archived posts             their author and admins; a 404 to anyone else
    editing, publishing, archiving,    401 anonymous; the author or an admin; another
      deleting, restoring                customer's post is a 404
    the trash                          401 anonymous; a customer's own deleted posts; an
                                         admin's: everyone's

Which object is whose, per route with a key in its path, is test_bola.py; the rule of each
route, test_route_rules.py.
"""

from __future__ import annotations

from typing import Any

import httpx

from tests.integration.http.api import Api, Customer, assert_problem, field_errors


async def write(
    api: Api, author: Customer, *, tags: list[str] | None = None, **fields: Any
) -> dict[str, Any]:
    body = {"title": api.unique("Post"), "content": "First line.\nSecond line.", **fields}
    if tags is not None:
        body["tags"] = tags
    return await api.created("/posts/", body, by=author.client)


async def ok(response: httpx.Response, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_a_signed_in_user_writes_a_draft_as_its_author(api: Api) -> None:
    alice = await api.customer()
    tag = api.unique("Tag")

    post = await write(api, alice, tags=[tag, tag.upper()], slug=None)

    assert post["status"] == "draft"
    assert post["author_id"] == alice.id
    assert post["author_username"] == alice.user["username"]
    assert post["version"] == 1
    assert post["view_count"] == 0
    assert post["published_at"] is None
    assert post["deleted_at"] is None
    assert post["slug"] == post["title"].lower().replace("_", "-")
    assert post["tags"] == [{"name": tag, "slug": tag.lower().replace("_", "-")}]
    anonymous = await api.anonymous.post("/posts/", json={"title": "x", "content": "y"})
    assert_problem(anonymous, 401, "unauthenticated")


async def test_a_post_body_names_no_field_of_the_server(api: Api) -> None:
    alice = await api.customer()
    for field, value in [
        ("author_id", 1),
        ("status", "published"),
        ("view_count", 9),
        ("version", 3),
    ]:
        refused = await alice.client.post(
            "/posts/", json={"title": "T", "content": "C", field: value}
        )
        assert field in field_errors(assert_problem(refused, 422))
    too_many = await alice.client.post(
        "/posts/", json={"title": "T", "content": "C", "tags": [f"t{i}" for i in range(11)]}
    )
    assert "tags" in field_errors(assert_problem(too_many, 422))
    control = await alice.client.post("/posts/", json={"title": "T\n", "content": "C\x00"})
    assert field_errors(assert_problem(control, 422)) == {"title", "content"}


async def test_drafts_are_their_authors_and_published_posts_anyones(api: Api) -> None:
    alice, bob = await api.customer(), await api.customer()
    post = await write(api, alice)
    path = f"/posts/{post['id']}"

    assert_problem(await api.anonymous.get(path), 404, "not-found")
    assert_problem(await bob.client.get(path), 404, "not-found")
    assert (await alice.client.get(path)).status_code == 200
    assert (await api.client.get(path)).status_code == 200
    listed = await ok(await bob.client.get("/posts/", params={"author_id": alice.id}))
    assert listed["total"] == 0
    own = await ok(await alice.client.get("/posts/", params={"author_id": alice.id}))
    assert [p["id"] for p in own["items"]] == [post["id"]]

    published = await ok(await alice.client.post(f"{path}/publish"))

    assert published["status"] == "published"
    assert published["published_at"] is not None
    assert published["version"] == 2
    for caller in (api.anonymous, bob.client):
        assert (await caller.get(path)).status_code == 200
        found = await ok(await caller.get("/posts/", params={"author_id": alice.id}))
        assert [p["id"] for p in found["items"]] == [post["id"]]


async def test_only_the_author_or_an_admin_edits_and_a_stale_version_is_a_409(api: Api) -> None:
    alice, bob = await api.customer(), await api.customer()
    post = await write(api, alice)
    path = f"/posts/{post['id']}"

    assert_problem(await bob.client.patch(path, json={"version": 1, "title": "B"}), 404)
    edited = await ok(await alice.client.patch(path, json={"version": 1, "title": "By Alice"}))
    stale = await alice.client.patch(path, json={"version": 1, "title": "Lost"})
    by_admin = await ok(await api.client.patch(path, json={"version": 2, "tags": ["admin"]}))

    assert edited["title"] == "By Alice"
    assert edited["slug"] == post["slug"]
    assert_problem(stale, 409, "stale-version")
    assert by_admin["version"] == 3
    assert by_admin["tags"] == [{"name": "admin", "slug": "admin"}]


async def test_the_status_machine_refuses_a_move_it_has_not(api: Api) -> None:
    alice = await api.customer()
    post = await write(api, alice)
    path = f"/posts/{post['id']}"

    assert_problem(await alice.client.post(f"{path}/draft"), 409, "invalid-transition")
    await ok(await alice.client.post(f"{path}/publish"))
    assert_problem(await alice.client.post(f"{path}/publish"), 409, "invalid-transition")
    await ok(await alice.client.post(f"{path}/archive"))
    back = await ok(await alice.client.post(f"{path}/draft"))

    assert back["status"] == "draft"
    assert back["published_at"] is not None


async def test_reading_a_published_post_by_slug_counts_a_view_and_not_a_version(api: Api) -> None:
    alice = await api.customer()
    post = await write(api, alice)
    by_slug = f"/posts/by-slug/{post['slug']}"
    draft_read = await ok(await alice.client.get(by_slug))
    await ok(await alice.client.post(f"/posts/{post['id']}/publish"))

    first = await ok(await api.anonymous.get(by_slug))
    second = await ok(await api.anonymous.get(by_slug))
    by_id = await ok(await api.anonymous.get(f"/posts/{post['id']}"))

    assert draft_read["view_count"] == 0
    assert (first["view_count"], second["view_count"], by_id["view_count"]) == (1, 2, 2)
    assert by_id["version"] == 2


async def test_a_deleted_post_is_in_the_trash_only_and_is_restored_by_its_author(api: Api) -> None:
    alice, bob = await api.customer(), await api.customer()
    tag = api.unique("Tag").lower().replace("_", "-")
    post = await write(api, alice, tags=[tag])
    path = f"/posts/{post['id']}"
    published = await ok(await alice.client.post(f"{path}/publish"))

    assert_problem(await bob.client.delete(path), 404)
    assert (await alice.client.delete(path)).status_code == 204

    for caller in (api.anonymous, alice.client, api.client):
        assert_problem(await caller.get(path), 404)
        assert_problem(await caller.get(f"/posts/by-slug/{post['slug']}"), 404)
    assert (await ok(await api.client.get("/posts/", params={"author_id": alice.id})))["total"] == 0
    assert (await ok(await api.anonymous.get(f"/tags/{tag}/posts")))["total"] == 0
    tags = await ok(await api.anonymous.get("/tags/", params={"slug": tag}))
    assert [t["post_count"] for t in tags["items"]] == [0]
    of_user = await ok(await api.anonymous.get(f"/users/{alice.id}/posts"))
    assert of_user["posts"]["total"] == 0
    assert_problem(await api.anonymous.get("/posts/trash"), 401)
    assert (await ok(await bob.client.get("/posts/trash")))["total"] == 0
    own_trash = await ok(await alice.client.get("/posts/trash"))
    assert [p["id"] for p in own_trash["items"]] == [post["id"]]
    assert own_trash["items"][0]["tags"] == published["tags"]
    admin_trash = await ok(await api.client.get("/posts/trash", params={"author_id": alice.id}))
    assert [p["id"] for p in admin_trash["items"]] == [post["id"]]

    assert_problem(await bob.client.post(f"{path}/restore"), 404)
    restored = await ok(await alice.client.post(f"{path}/restore"))

    assert restored["deleted_at"] is None
    assert restored["tags"] == published["tags"]
    assert (await ok(await api.anonymous.get(f"/tags/{tag}/posts")))["total"] == 1


async def test_restoring_into_a_slug_taken_meanwhile_is_a_409(api: Api) -> None:
    alice = await api.customer()
    post = await write(api, alice)
    assert (await alice.client.delete(f"/posts/{post['id']}")).status_code == 204
    await write(api, alice, title=post["title"])

    refused = await alice.client.post(f"/posts/{post['id']}/restore")

    assert_problem(refused, 409, "duplicate-value")
    assert (await ok(await alice.client.get("/posts/trash")))["total"] == 1


async def test_tags_a_tags_posts_and_a_users_posts_are_read_by_anyone(api: Api) -> None:
    alice = await api.customer()
    tag = api.unique("Tag").lower().replace("_", "-")
    draft = await write(api, alice, tags=[tag])
    post = await write(api, alice, tags=[tag])
    await ok(await alice.client.post(f"/posts/{post['id']}/publish"))

    tags = await ok(await api.anonymous.get("/tags/", params={"slug": tag}))
    of_tag = await ok(await api.anonymous.get(f"/tags/{tag}/posts"))
    of_user = await ok(await api.anonymous.get(f"/users/{alice.id}/posts"))

    assert [(t["slug"], t["post_count"]) for t in tags["items"]] == [(tag, 1)]
    assert [p["id"] for p in of_tag["items"]] == [post["id"]]
    assert of_user["user"]["username"] == alice.user["username"]
    assert "email" not in of_user["user"]
    assert [p["id"] for p in of_user["posts"]["items"]] == [post["id"]]
    assert draft["id"] not in [p["id"] for p in of_tag["items"]]
    assert_problem(await api.anonymous.get("/tags/no-such-tag/posts"), 404)
    assert_problem(await api.anonymous.get("/users/2147483647/posts"), 404)
    assert_problem(await api.anonymous.get("/posts/", params={"tag": "Not A Slug"}), 422)
    assert_problem(await api.anonymous.get("/posts/", params={"deleted_at__gte": "x"}), 422)


async def test_the_list_searches_titles_and_contents(api: Api) -> None:
    alice = await api.customer()
    word = api.unique("needle")
    in_title = await write(api, alice, title=f"About {word}")
    in_content = await write(api, alice, content=f"Deep inside: {word.upper()}.")
    for post in (in_title, in_content):
        await ok(await alice.client.post(f"/posts/{post['id']}/publish"))

    found = await ok(await api.anonymous.get("/posts/", params={"search": word, "sort": "id"}))

    assert [p["id"] for p in found["items"]] == [in_title["id"], in_content["id"]]
