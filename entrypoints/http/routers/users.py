"""/users: accounts, their orders, counts and clean-ups."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import Depends, Path, Query, Response

from application.identity.commands import (
    DeactivateStaleUsers,
    DeactivateUser,
    PatchUser,
    PurgeInactiveUsers,
    RegisterUser,
    RegisterUsers,
    ReplaceUser,
)
from application.identity.handlers import (
    MAX_STALE_DAYS,
    DeactivateStaleUsersHandler,
    DeactivateUserHandler,
    PatchUserHandler,
    PurgeInactiveUsersHandler,
    RegisterUserHandler,
    RegisterUsersHandler,
    ReplaceUserHandler,
)
from application.identity.queries import USER_LIST, UserQueries
from application.ordering.queries import ORDER_LIST, OrderQueries
from application.shared.listing import Filter, ListQuery, Op
from domain.shared.errors import NotFound
from entrypoints.http.errors import error_responses
from entrypoints.http.listing import ListParameters
from entrypoints.http.openapi import created
from entrypoints.http.routers.parameters import UserId
from entrypoints.http.routing import resource_router
from entrypoints.http.schemas.orders import OrderPublic
from entrypoints.http.schemas.pages import PagePublic
from entrypoints.http.schemas.users import (
    EMAIL_MAX_LENGTH,
    EMAIL_PATTERN,
    BulkUsersCreate,
    TopSpenderPublic,
    UserCountsPublic,
    UserCreate,
    UserPatch,
    UserPublic,
    UserReplace,
)
from entrypoints.http.services import provide

__all__ = ["router"]

router = resource_router("/users", "users", 422, 500, 503)

USERS = ListParameters(USER_LIST)
ORDERS = ListParameters(ORDER_LIST)

Users = Annotated[UserQueries, provide(lambda s: s.user_queries)]


async def _existing_user(users: UserQueries, user_id: int) -> UserPublic:
    user = await users.get(user_id)
    if user is None:
        raise NotFound("user", user_id)
    return UserPublic.model_validate(user)


@router.post(
    "/",
    status_code=201,
    responses={
        **error_responses(409),
        **created(
            "The new user.",
            GetUser=("get_user", {"user_id": "$response.body#/id"}),
            GetUserByEmail=("get_user_by_email", {"email": "$response.body#/email"}),
            UpdateUser=("patch_user", {"user_id": "$response.body#/id"}),
            ListUserOrders=("list_user_orders", {"user_id": "$response.body#/id"}),
            DeactivateUser=("deactivate_user", {"user_id": "$response.body#/id"}),
        ),
    },
)
async def register_user(
    body: UserCreate,
    handler: Annotated[RegisterUserHandler, provide(lambda s: s.register_user)],
) -> UserPublic:
    """Create an account; the password is hashed (argon2id) and never returned."""
    user = await handler(RegisterUser(**body.model_dump()))
    return UserPublic.model_validate(user)


@router.post("/bulk", status_code=201, responses=error_responses(409))
async def register_users(
    body: BulkUsersCreate,
    handler: Annotated[RegisterUsersHandler, provide(lambda s: s.register_users)],
) -> list[UserPublic]:
    """Create several accounts: all of them, or (on any refusal) none of them."""
    users = await handler(
        RegisterUsers(tuple(RegisterUser(**one.model_dump()) for one in body.users))
    )
    return [UserPublic.model_validate(user) for user in users]


@router.get("/", openapi_extra=USERS.openapi_extra)
async def list_users(
    query: Annotated[ListQuery, Depends(USERS)], users: Users
) -> PagePublic[UserPublic]:
    """Users, filtered (`is_active=true`, `created_at__gte=...`), searched (`search=john`
    over username, email and full name) and sorted (`sort=-created_at`)."""
    return PagePublic[UserPublic].of(await users.list(query), UserPublic.model_validate)


@router.get("/stats/counts")
async def count_users(users: Users) -> UserCountsPublic:
    return UserCountsPublic.model_validate(await users.counts())


@router.get("/top-spenders")
async def top_spenders(
    users: Users,
    limit: Annotated[int, Query(ge=1, le=100, description="How many users.")] = 10,
) -> list[TopSpenderPublic]:
    """Users by money spent on orders that are not cancelled, highest first."""
    return [TopSpenderPublic.model_validate(one) for one in await users.top_spenders(limit)]


@router.get("/by-email/{email}", responses=error_responses(404))
async def get_user_by_email(
    email: Annotated[
        str,
        Path(
            max_length=EMAIL_MAX_LENGTH,
            pattern=EMAIL_PATTERN,
            description="Compared case-insensitively.",
        ),
    ],
    users: Users,
) -> UserPublic:
    user = await users.get_by_email(email.lower())
    if user is None:
        raise NotFound("user", email, by="email")
    return UserPublic.model_validate(user)


@router.post("/maintenance/deactivate-stale")
async def deactivate_stale_users(
    days: Annotated[
        int, Query(ge=1, le=MAX_STALE_DAYS, description="Not updated for this many days.")
    ],
    handler: Annotated[DeactivateStaleUsersHandler, provide(lambda s: s.deactivate_stale_users)],
) -> dict[str, int]:
    """Deactivate active users that were not updated for `days` days."""
    return {"deactivated": await handler(DeactivateStaleUsers(days))}


@router.post("/maintenance/purge-inactive")
async def purge_inactive_users(
    handler: Annotated[PurgeInactiveUsersHandler, provide(lambda s: s.purge_inactive_users)],
) -> dict[str, int]:
    """Delete inactive users that never ordered; users with orders are kept with their
    history."""
    return {"deleted": await handler(PurgeInactiveUsers())}


@router.get("/{user_id:int}", responses=error_responses(404))
async def get_user(user_id: UserId, users: Users) -> UserPublic:
    return await _existing_user(users, user_id)


@router.put("/{user_id:int}", responses=error_responses(404, 409))
async def replace_user(
    user_id: UserId,
    body: UserReplace,
    handler: Annotated[ReplaceUserHandler, provide(lambda s: s.replace_user)],
) -> UserPublic:
    """Replace the profile: fields left out are emptied; the password changes only if sent."""
    user = await handler(ReplaceUser(user_id=user_id, **body.model_dump()))
    return UserPublic.model_validate(user)


@router.patch("/{user_id:int}", responses=error_responses(404, 409))
async def patch_user(
    user_id: UserId,
    body: UserPatch,
    handler: Annotated[PatchUserHandler, provide(lambda s: s.patch_user)],
) -> UserPublic:
    """Change only the fields sent; a new password is hashed again."""
    user = await handler(PatchUser(user_id=user_id, **body.changes()))
    return UserPublic.model_validate(user)


@router.delete("/{user_id:int}", status_code=204, responses=error_responses(404))
async def deactivate_user(
    user_id: UserId,
    handler: Annotated[DeactivateUserHandler, provide(lambda s: s.deactivate_user)],
) -> Response:
    """Deleting a user deactivates it: its orders and history stay."""
    await handler(DeactivateUser(user_id))
    return Response(status_code=204)


@router.get(
    "/{user_id:int}/orders", responses=error_responses(404), openapi_extra=ORDERS.openapi_extra
)
async def list_user_orders(
    user_id: UserId,
    query: Annotated[ListQuery, Depends(ORDERS)],
    users: Users,
    orders: Annotated[OrderQueries, provide(lambda s: s.order_queries)],
) -> PagePublic[OrderPublic]:
    """The user's orders with their items, newest first unless sorted otherwise."""
    await _existing_user(users, user_id)
    mine = replace(query, filters=(*query.filters, Filter("user_id", Op.EQ, user_id)))
    return PagePublic[OrderPublic].of(await orders.list(mine), OrderPublic.model_validate)
