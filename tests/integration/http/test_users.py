"""/users: accounts, their orders, counts and clean-ups."""

from __future__ import annotations

from datetime import timedelta

import httpx

from tests.integration.http.api import PASSWORD, Api, MovableClock, assert_problem, field_errors

PUBLIC_FIELDS = {
    "id",
    "username",
    "email",
    "full_name",
    "bio",
    "is_active",
    "is_superuser",
    "credits",
    "created_at",
    "updated_at",
}


async def test_registering_a_user_answers_201_with_the_public_profile(api: Api) -> None:
    username = api.unique("john")
    response = await api.client.post(
        "/users/",
        json={
            "username": username,
            "email": f"{username.upper()}@Example.com",
            "password": "SecurePass123",
            "full_name": "John Doe",
        },
    )

    assert response.status_code == 201
    user = response.json()
    assert set(user) == PUBLIC_FIELDS
    assert user["username"] == username
    assert user["email"] == f"{username}@example.com"
    assert user["full_name"] == "John Doe"
    assert user["bio"] is None
    assert user["is_active"] is True
    assert user["is_superuser"] is False
    assert user["credits"] == "0.00"
    assert user["created_at"].endswith("Z")


async def test_a_taken_username_is_a_409_duplicate(api: Api) -> None:
    taken = await api.user()

    response = await api.client.post(
        "/users/",
        json={
            "username": taken["username"],
            "email": f"other_{taken['email']}",
            "password": "SecurePass123",
        },
    )

    problem = assert_problem(response, 409, "duplicate-value")
    assert field_errors(problem) == {"username"}


async def test_emails_are_unique_whatever_their_letter_case(api: Api) -> None:
    taken = await api.user()

    response = await api.client.post(
        "/users/",
        json={
            "username": api.unique("other"),
            "email": taken["email"].upper(),
            "password": "SecurePass123",
        },
    )

    assert field_errors(assert_problem(response, 409, "duplicate-value")) == {"email"}


async def test_a_password_without_a_digit_is_refused_naming_the_field(api: Api) -> None:
    response = await api.client.post(
        "/users/",
        json={
            "username": api.unique("weak"),
            "email": f"{api.unique('weak')}@example.com",
            "password": "NoDigitsHere",
        },
    )

    problem = assert_problem(response, 422, "validation-error")
    assert field_errors(problem) == {"password"}


async def test_every_broken_password_rule_is_reported_at_once_under_one_problem_type(
    api: Api,
) -> None:
    answers = {
        password: await api.client.post(
            "/users/",
            json={
                "username": api.unique("weak"),
                "email": f"{api.unique('weak')}@example.com",
                "password": password,
            },
        )
        for password in ("short", "no upper 1", "NoDigitsHere")
    }

    messages = {
        password: assert_problem(response, 422, "validation-error")["errors"]
        for password, response in answers.items()
    }
    assert messages == {
        "short": [
            {
                "field": "password",
                "message": "must be 8-100 characters long; needs an upper-case letter; "
                "needs a digit",
            }
        ],
        "no upper 1": [{"field": "password", "message": "needs an upper-case letter"}],
        "NoDigitsHere": [{"field": "password", "message": "needs a digit"}],
    }


async def test_a_bad_email_is_refused_as_not_a_valid_email_address(api: Api) -> None:
    response = await api.client.post(
        "/users/",
        json={"username": api.unique("mail"), "email": "john@", "password": "SecurePass123"},
    )

    problem = assert_problem(response, 422, "validation-error")
    assert problem["errors"] == [{"field": "email", "message": "must be a valid email address"}]


async def test_a_bad_email_in_the_address_is_refused_in_the_same_words(
    client: httpx.AsyncClient,
) -> None:
    problem = assert_problem(await client.get("/users/by-email/john@"), 422, "validation-error")

    assert problem["errors"] == [{"field": "email", "message": "must be a valid email address"}]


async def test_a_bare_array_for_bulk_registration_is_told_the_shape_to_send(api: Api) -> None:
    user = {"username": api.unique("bare"), "email": "bare@example.com", "password": "Secure1Pass"}

    response = await api.client.post("/users/bulk", json=[user])

    problem = assert_problem(response, 422, "validation-error")
    assert problem["errors"] == [
        {"field": "body", "message": 'must be a JSON object like {"users": [...]}, not an array'}
    ]


async def test_bulk_registration_creates_every_user(api: Api) -> None:
    names = [api.unique("bulk") for _ in range(3)]

    response = await api.client.post(
        "/users/bulk",
        json={
            "users": [
                {"username": name, "email": f"{name}@example.com", "password": "SecurePass123"}
                for name in names
            ]
        },
    )

    assert response.status_code == 201
    created = response.json()
    assert [user["username"] for user in created] == names
    assert len({user["id"] for user in created}) == 3


async def test_bulk_registration_is_all_or_nothing(api: Api) -> None:
    taken = await api.user()
    fresh = api.unique("fresh")

    response = await api.client.post(
        "/users/bulk",
        json={
            "users": [
                {"username": fresh, "email": f"{fresh}@example.com", "password": "SecurePass123"},
                {
                    "username": taken["username"],
                    "email": f"x{taken['email']}",
                    "password": "SecurePass123",
                },
            ]
        },
    )

    assert_problem(response, 409, "duplicate-value")
    missing = await api.client.get(f"/users/by-email/{fresh}@example.com")
    assert_problem(missing, 404, "not-found")


async def test_a_user_is_found_by_id_and_by_email_in_any_case(api: Api) -> None:
    user = await api.user()

    by_id = await api.client.get(f"/users/{user['id']}")
    by_email = await api.client.get(f"/users/by-email/{user['email'].upper()}")

    assert by_id.status_code == by_email.status_code == 200
    assert by_id.json() == by_email.json() == user


async def test_an_unknown_user_is_a_404_problem(client: httpx.AsyncClient) -> None:
    assert_problem(await client.get("/users/2147483647"), 404, "not-found")
    assert_problem(await client.get("/users/by-email/nobody@nowhere.example"), 404, "not-found")


async def test_users_are_listed_searched_sorted_and_paged(api: Api) -> None:
    marker = api.unique("zz")
    made = [await api.user(full_name=f"{marker} {n}") for n in range(3)]

    first = await api.client.get(
        "/users/", params={"search": marker, "sort": "-id", "page_size": 2}
    )
    second = await api.client.get(
        "/users/", params={"search": marker, "sort": "-id", "page_size": 2, "page": 2}
    )

    assert first.status_code == second.status_code == 200
    page = first.json()
    assert page["total"] == 3
    assert page["total_pages"] == 2
    assert (page["page"], page["page_size"]) == (1, 2)
    assert (page["has_next"], page["has_previous"]) == (True, False)
    ids = [user["id"] for user in page["items"] + second.json()["items"]]
    assert ids == sorted((user["id"] for user in made), reverse=True)
    assert second.json()["has_previous"] is True


async def test_users_are_filtered_by_field_and_operator(api: Api) -> None:
    marker = api.unique("flt")
    active = await api.user(full_name=marker)
    inactive = await api.user(full_name=marker)
    await api.client.delete(f"/users/{inactive['id']}")

    only_active = await api.client.get("/users/", params={"search": marker, "is_active": "true"})
    from_second = await api.client.get(
        "/users/", params={"search": marker, "id__gte": inactive["id"]}
    )

    assert [user["id"] for user in only_active.json()["items"]] == [active["id"]]
    assert [user["id"] for user in from_second.json()["items"]] == [inactive["id"]]


async def test_put_replaces_the_profile_and_empties_what_is_left_out(api: Api) -> None:
    user = await api.user(bio="Likes tea")
    username = api.unique("renamed")

    response = await api.client.put(
        f"/users/{user['id']}",
        json={
            "username": username,
            "email": f"{username}@example.com",
            "full_name": "Renamed",
            "is_active": True,
        },
    )

    assert response.status_code == 200
    replaced = response.json()
    assert (replaced["username"], replaced["full_name"], replaced["bio"]) == (
        username,
        "Renamed",
        None,
    )
    assert replaced["email"] == f"{username}@example.com"
    assert replaced["created_at"] == user["created_at"]


async def test_patch_changes_only_the_fields_sent(api: Api) -> None:
    user = await api.user(bio="Likes tea")

    response = await api.client.patch(
        f"/users/{user['id']}", json={"full_name": "New Name", "password": "AnotherPass9"}
    )

    assert response.status_code == 200
    patched = response.json()
    assert patched["full_name"] == "New Name"
    assert (patched["username"], patched["email"], patched["bio"]) == (
        user["username"],
        user["email"],
        "Likes tea",
    )
    assert patched["updated_at"] >= user["updated_at"]


async def test_patch_refuses_a_null_username_and_a_weak_password(api: Api) -> None:
    user = await api.user()

    null_name = await api.client.patch(f"/users/{user['id']}", json={"username": None})
    weak = await api.client.patch(f"/users/{user['id']}", json={"password": "short"})

    assert field_errors(assert_problem(null_name, 422)) == {"username"}
    assert field_errors(assert_problem(weak, 422)) == {"password"}


async def test_changing_to_a_taken_email_is_a_409(api: Api) -> None:
    first, second = await api.user(), await api.user()

    response = await api.client.patch(f"/users/{second['id']}", json={"email": first["email"]})

    assert_problem(response, 409, "duplicate-value")


async def test_deleting_a_user_deactivates_it(api: Api) -> None:
    user = await api.user()

    response = await api.client.delete(f"/users/{user['id']}")

    assert response.status_code == 204
    assert response.content == b""
    after = (await api.client.get(f"/users/{user['id']}")).json()
    assert after["is_active"] is False


async def test_counts_follow_registrations_and_deactivations(api: Api) -> None:
    before = (await api.client.get("/users/stats/counts")).json()
    user = await api.user()
    await api.user()
    await api.client.delete(f"/users/{user['id']}")

    after = (await api.client.get("/users/stats/counts")).json()

    assert after == {"total": before["total"] + 2, "active": before["active"] + 1}


async def test_top_spenders_rank_users_by_money_spent_on_orders(api: Api) -> None:
    product = await api.product(price="1000000.00", stock_quantity=10)
    big, small = await api.user(), await api.user()
    await api.order(big["id"], (product["id"], 3))
    await api.order(small["id"], (product["id"], 1))

    response = await api.client.get("/users/top-spenders", params={"limit": 2})

    assert response.status_code == 200
    assert response.json() == [
        {
            "user_id": big["id"],
            "username": big["username"],
            "email": big["email"],
            "order_count": 1,
            "total_spent": "3000000.00",
        },
        {
            "user_id": small["id"],
            "username": small["username"],
            "email": small["email"],
            "order_count": 1,
            "total_spent": "1000000.00",
        },
    ]


async def test_top_spenders_limit_is_between_1_and_100(client: httpx.AsyncClient) -> None:
    for limit in (0, 101):
        response = await client.get("/users/top-spenders", params={"limit": limit})
        assert field_errors(assert_problem(response, 422)) == {"limit"}


async def test_a_users_orders_come_newest_first(api: Api) -> None:
    user = await api.user()
    product = await api.product()
    first = await api.order(user["id"], (product["id"], 1))
    second = await api.order(user["id"], (product["id"], 2))

    response = await api.client.get(f"/users/{user['id']}/orders")

    assert response.status_code == 200
    page = response.json()
    assert page["total"] == 2
    assert [order["id"] for order in page["items"]] == [second["id"], first["id"]]
    assert page["items"][0]["items"][0]["quantity"] == 2


async def test_the_orders_of_an_unknown_user_are_a_404(client: httpx.AsyncClient) -> None:
    assert_problem(await client.get("/users/2147483647/orders"), 404, "not-found")


async def test_users_not_updated_for_n_days_are_deactivated(api: Api, clock: MovableClock) -> None:
    clock.shift = -timedelta(days=400)
    try:
        stale = await api.user()
    finally:
        clock.shift = timedelta(0)
    fresh = await api.user()

    response = await api.client.post("/users/maintenance/deactivate-stale", params={"days": 365})

    assert response.status_code == 200
    assert response.json()["deactivated"] >= 1
    assert (await api.client.get(f"/users/{stale['id']}")).json()["is_active"] is False
    assert (await api.client.get(f"/users/{fresh['id']}")).json()["is_active"] is True


async def test_purging_deletes_inactive_users_without_orders_only(api: Api) -> None:
    product = await api.product()
    idle, customer = await api.user(), await api.user()
    await api.order(customer["id"], (product["id"], 1))
    for user in (idle, customer):
        await api.client.delete(f"/users/{user['id']}")

    response = await api.client.post("/users/maintenance/purge-inactive")

    assert response.status_code == 200
    assert response.json()["deleted"] >= 1
    assert_problem(await api.client.get(f"/users/{idle['id']}"), 404, "not-found")
    kept = await api.client.get(f"/users/{customer['id']}")
    assert kept.status_code == 200
    orders = await api.client.get(f"/users/{customer['id']}/orders")
    assert orders.json()["total"] == 1


# ------------------------------------------------------------------------------ /users/me
async def test_a_user_reads_their_own_account_at_me(api: Api) -> None:
    customer = await api.customer(bio="Likes tea")

    response = await customer.client.get("/users/me")

    assert response.status_code == 200
    assert response.json() == customer.user


async def test_a_user_changes_their_own_profile_without_their_password(api: Api) -> None:
    customer = await api.customer(bio="Likes tea")

    response = await customer.client.patch("/users/me", json={"full_name": "New Name"})

    assert response.status_code == 200, response.text
    changed = response.json()
    assert (changed["id"], changed["full_name"], changed["bio"]) == (
        customer.id,
        "New Name",
        "Likes tea",
    )
    assert (await customer.client.get("/users/me")).json() == changed


async def test_changing_your_own_email_needs_your_current_password(api: Api) -> None:
    customer = await api.customer()
    email = f"{api.unique('moved')}@example.com"

    without = await customer.client.patch("/users/me", json={"email": email})
    wrong = await customer.client.patch(
        "/users/me", json={"email": email, "current_password": "WrongPass123"}
    )
    unchanged = (await customer.client.get("/users/me")).json()["email"]
    right = await customer.client.patch(
        "/users/me", json={"email": email, "current_password": PASSWORD}
    )

    assert field_errors(assert_problem(without, 422)) == {"current_password"}
    assert field_errors(assert_problem(wrong, 422)) == {"current_password"}
    assert unchanged == customer.user["email"]
    assert right.status_code == 200, right.text
    assert right.json()["email"] == email


async def test_a_user_cannot_activate_or_promote_themself_at_me(api: Api) -> None:
    customer = await api.customer()

    for smuggled in ({"is_active": True}, {"is_superuser": True}, {"credits": "100.00"}):
        response = await customer.client.patch("/users/me", json=smuggled)
        assert field_errors(assert_problem(response, 422, "validation-error")) == set(smuggled)

    assert (await customer.client.get("/users/me")).json() == customer.user
