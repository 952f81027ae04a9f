"""/users: accounts, their orders, counts and clean-ups.

Anyone may sign up; a signed-in user reads and edits their own account at /users/me; the
rest (every other account, lists, counts, clean-ups) is for admins. A customer asking for
another account by id or email hears 404, as if it were not there.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Query, Request, Response

from application.identity.commands import (
    DeactivateStaleUsers,
    DeactivateUser,
    PatchUser,
    PurgeInactiveUsers,
    RegisterUser,
    RegisterUsers,
    ReplaceUser,
)
from application.identity.handlers import MAX_STALE_DAYS
from application.identity.queries import USER_LIST
from application.ordering.queries import ORDER_LIST
from application.shared.listing import ListQuery
from entrypoints.http.access import Admin, Anyone, SignedIn
from entrypoints.http.errors import error_responses
from entrypoints.http.listing import ListParameters
from entrypoints.http.openapi import created
from entrypoints.http.responses import respond
from entrypoints.http.routers.parameters import UserId
from entrypoints.http.routing import resource_router
from entrypoints.http.schemas.orders import OrderPublic
from entrypoints.http.schemas.pages import PagePublic
from entrypoints.http.schemas.users import (
    BulkUsersCreate,
    DeactivatedPublic,
    DeletedPublic,
    EmailAddress,
    OwnUserPatch,
    TopSpenderPublic,
    UserCountsPublic,
    UserCreate,
    UserPatch,
    UserPublic,
    UserReplace,
)
from entrypoints.http.use_cases import use_cases

__all__ = ["router"]

router = resource_router("/users", "users", 422, 500, 503)

USERS = ListParameters(USER_LIST)
ORDERS = ListParameters(ORDER_LIST)


@router.post(
    "/",
    status_code=201,
    response_model=UserPublic,
    responses={
        **error_responses(403, 409),
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
async def register_user(body: UserCreate, request: Request, actor: Anyone) -> Response:
    """Sign up: an active customer account; the password is hashed (argon2id) and never
    returned. Only an admin may create an admin (`is_superuser`)."""
    user = await use_cases(request).register_user()(actor, RegisterUser(**body.model_dump()))
    return respond(user, UserPublic, 201)


@router.post(
    "/bulk", status_code=201, response_model=list[UserPublic], responses=error_responses(409)
)
async def register_users(body: BulkUsersCreate, request: Request, _: Admin) -> Response:
    """Create up to 100 accounts: all of them, or (on any refusal) none of them.

    Every account is checked, and so are the usernames and emails repeated in the batch or
    already taken, before any password is hashed: a refused batch answers at once."""
    command = RegisterUsers(tuple(RegisterUser(**one.model_dump()) for one in body.users))
    users = await use_cases(request).register_users()(command)
    return respond(users, list[UserPublic], 201)


@router.get("/", response_model=PagePublic[UserPublic], openapi_extra=USERS.openapi_extra)
async def list_users(
    _: Admin, query: Annotated[ListQuery, Depends(USERS)], request: Request
) -> Response:
    """Users, filtered (`is_active=true`, `created_at__gte=...`), searched (`search=john`
    over username, email and full name) and sorted (`sort=-created_at`)."""
    page = await use_cases(request).user_queries().list(query)
    return respond(page, PagePublic[UserPublic])


@router.get("/stats/counts", response_model=UserCountsPublic)
async def count_users(request: Request, _: Admin) -> Response:
    return respond(await use_cases(request).user_queries().counts(), UserCountsPublic)


@router.get("/top-spenders", response_model=list[TopSpenderPublic])
async def top_spenders(
    request: Request,
    _: Admin,
    limit: Annotated[int, Query(ge=1, le=100, description="How many users.")] = 10,
) -> Response:
    """Users by money spent on orders that are not cancelled, highest first."""
    spenders = await use_cases(request).user_queries().top_spenders(limit)
    return respond(spenders, list[TopSpenderPublic])


@router.get("/by-email/{email}", response_model=UserPublic, responses=error_responses(404))
async def get_user_by_email(
    email: Annotated[EmailAddress, Path(description="Compared case-insensitively.")],
    request: Request,
    actor: SignedIn,
) -> Response:
    """An account by email: your own, or any for an admin."""
    user = await use_cases(request).user_reads().get_by_email(actor, email.lower())
    return respond(user, UserPublic)


@router.post("/maintenance/deactivate-stale", response_model=DeactivatedPublic)
async def deactivate_stale_users(
    days: Annotated[
        int, Query(ge=1, le=MAX_STALE_DAYS, description="Not updated for this many days.")
    ],
    request: Request,
    _: Admin,
) -> Response:
    """Deactivate active users that were not updated for `days` days."""
    count = await use_cases(request).deactivate_stale_users()(DeactivateStaleUsers(days))
    return respond({"deactivated": count}, DeactivatedPublic)


@router.post("/maintenance/purge-inactive", response_model=DeletedPublic)
async def purge_inactive_users(request: Request, _: Admin) -> Response:
    """Delete inactive users that never ordered; users with orders are kept with their
    history."""
    count = await use_cases(request).purge_inactive_users()(PurgeInactiveUsers())
    return respond({"deleted": count}, DeletedPublic)


@router.get("/me", response_model=UserPublic)
async def get_me(request: Request, actor: SignedIn) -> Response:
    """Your own account."""
    return respond(await use_cases(request).user_reads().me(actor), UserPublic)


@router.patch("/me", response_model=UserPublic, responses=error_responses(409))
async def patch_me(body: OwnUserPatch, request: Request, actor: SignedIn) -> Response:
    """Change your own account: only the fields sent. A new password or email needs
    `current_password` (422 without it or when it is wrong); a new password signs out
    every session, this one included."""
    command = PatchUser(user_id=actor.acting_user(), **body.changes())
    return respond(await use_cases(request).edit_user()(actor, command), UserPublic)


@router.get("/{user_id:int}", response_model=UserPublic, responses=error_responses(404))
async def get_user(user_id: UserId, request: Request, actor: SignedIn) -> Response:
    """An account: your own, or any for an admin."""
    return respond(await use_cases(request).user_reads().get(actor, user_id), UserPublic)


@router.put("/{user_id:int}", response_model=UserPublic, responses=error_responses(404, 409))
async def replace_user(
    user_id: UserId, body: UserReplace, request: Request, actor: Admin
) -> Response:
    """Replace the profile: fields left out are emptied; the password changes only if sent."""
    command = ReplaceUser(user_id=user_id, **body.model_dump())
    return respond(await use_cases(request).edit_user()(actor, command), UserPublic)


@router.patch("/{user_id:int}", response_model=UserPublic, responses=error_responses(404, 409))
async def patch_user(user_id: UserId, body: UserPatch, request: Request, actor: Admin) -> Response:
    """Change only the fields sent; a new password is hashed again and signs the account's
    sessions out."""
    command = PatchUser(user_id=user_id, **body.changes())
    return respond(await use_cases(request).edit_user()(actor, command), UserPublic)


@router.delete("/{user_id:int}", status_code=204, responses=error_responses(404))
async def deactivate_user(user_id: UserId, request: Request, _: Admin) -> Response:
    """Deleting a user deactivates it: its orders and history stay."""
    await use_cases(request).deactivate_user()(DeactivateUser(user_id))
    return Response(status_code=204)


@router.get(
    "/{user_id:int}/orders",
    response_model=PagePublic[OrderPublic],
    responses=error_responses(404),
    openapi_extra=ORDERS.openapi_extra,
)
async def list_user_orders(
    user_id: UserId,
    actor: SignedIn,
    query: Annotated[ListQuery, Depends(ORDERS)],
    request: Request,
) -> Response:
    """The user's orders with their items, newest first unless sorted otherwise: your own,
    or anyone's for an admin."""
    page = await use_cases(request).order_reads().of_user(actor, user_id, query)
    return respond(page, PagePublic[OrderPublic])
