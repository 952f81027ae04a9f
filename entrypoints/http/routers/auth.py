"""/auth: signing in, refreshing the tokens, signing out (open to anyone)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request, Response

from application.identity.commands import LogIn, LogOut, Refresh
from domain.identity.user import PasswordPolicy
from entrypoints.http.access import Anyone
from entrypoints.http.errors import error_responses
from entrypoints.http.responses import respond
from entrypoints.http.routing import resource_router
from entrypoints.http.schemas.auth import RefreshTokenBody, TokenPairPublic
from entrypoints.http.schemas.users import EMAIL_MAX_LENGTH
from entrypoints.http.use_cases import use_cases

__all__ = ["router"]

router = resource_router("/auth", "auth", 422, 500, 503)


@router.post("/token", response_model=TokenPairPublic, responses=error_responses(401, 429))
async def log_in(
    username: Annotated[
        str,
        Form(
            min_length=1,
            max_length=EMAIL_MAX_LENGTH,
            description="The username, or the email address.",
        ),
    ],
    password: Annotated[str, Form(min_length=1, max_length=PasswordPolicy.MAX_LENGTH)],
    request: Request,
    actor: Anyone,
    # "password" or left out: a form has no null to send, so none is documented.
    grant_type: Annotated[str, Form(pattern="^password$")] = "password",
) -> Response:
    """Sign in (the OAuth2 password flow): a bearer access token and a refresh token.

    A wrong name or password is a 401 that does not say which. After five failures in a row
    an account answers 429 with `Retry-After`, for longer after each further failure,
    until it signs in successfully."""
    command = LogIn(login=username, password=password, store=actor.store)
    return respond(await use_cases(request).log_in()(command), TokenPairPublic)


@router.post("/refresh", response_model=TokenPairPublic, responses=error_responses(401))
async def refresh_tokens(body: RefreshTokenBody, request: Request, actor: Anyone) -> Response:
    """Trade a refresh token for a new pair; the one sent is retired. Sending a retired
    token again signs out every session that descends from the same sign-in."""
    command = Refresh(refresh_token=body.refresh_token, store=actor.store)
    return respond(await use_cases(request).refresh()(command), TokenPairPublic)


@router.post("/logout", status_code=204)
async def log_out(body: RefreshTokenBody, request: Request, _: Anyone) -> Response:
    """Sign out: the refresh token and every token of its sign-in are revoked. Access tokens
    already issued run out on their own within minutes. An unknown token is no error."""
    await use_cases(request).log_out()(LogOut(body.refresh_token))
    return Response(status_code=204)
