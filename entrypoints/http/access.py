"""Who calls, in which store, and each operation's rule: where identity and the store enter.

Every operation names its rule once, in its signature, as the type of its `actor`:

    async def list_products(..., actor: Anyone) -> Response       # anonymous callers too
    async def get_order(..., actor: SignedIn) -> Response         # 401 without a token
    async def adjust_stock(..., actor: Admin) -> Response         # 401, or 403 for customers

Each alias is `Annotated[Principal, Depends(Gate(rule))]`. The gate finds the request's store
and turns the bearer token, if any, into the `Principal`, then asks the application's `Rule`
whether it may pass; the operation then hands the principal to the use cases, which apply the
rules about whose object it is. This module decides nothing: it only says who is calling, and
where.

The store: an anonymous request names it with `X-Store: <slug>` and acts in "main" without
one; a token names its own, and an `X-Store` naming another store is a 403. An unknown or
inactive store is a 404. The gate then gives the request that store's use cases
(`request.state.use_cases`, read by `use_cases(request)`): every unit of work and query the
operation can reach keeps to the store, whatever the operation does.

The service pages (`/`, `/health`, `/health/db`) belong to no store and answer everyone the
same: their rule is `Unscoped`, anyone's, whose gate looks up no store and reads no token. So
they answer while the storage does not: a health probe must be able to say that it is down.

Deny by default: `add_operations` (entrypoints/http/routing.py) refuses to build an app with
an operation that names no rule (`rule_of`), and a test walks the route table for the same.

A token that is present but not valid is a 401 even where anonymous callers are welcome: a
client that believes it is signed in must hear that it is not. Operations open to anyone
document the token as optional in OpenAPI (an admin sees more of the catalog); the others as
required, so that the /docs "Authorize" button sends it.
"""

from __future__ import annotations

import re
from typing import Annotated, Final

from fastapi import Depends, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.security import OAuth2PasswordBearer

from application.identity.commands import Authenticate
from application.shared.access import Forbidden, Principal, Rule, Unauthenticated
from domain.shared.errors import NotFound
from domain.stores.store import MAIN_STORE, SLUG_PATTERN
from entrypoints.use_cases import UseCases

__all__ = [
    "SCHEME_NAME",
    "TOKEN_URL",
    "Admin",
    "Anyone",
    "Gate",
    "SignedIn",
    "TokenGate",
    "Unscoped",
    "bearer_scheme",
    "rule_of",
]

STORE_HEADER: Final = "x-store"
_SLUG: Final = re.compile(SLUG_PATTERN)
TOKEN_URL: Final = "/auth/token"  # noqa: S105 (a path, not a secret)
SCHEME_NAME: Final = "OAuth2PasswordBearer"
_BEARER: Final = "bearer "
# A JWT of ours is a few hundred bytes; anything much longer is not one of them.
MAX_TOKEN_LENGTH: Final = 4096

bearer_scheme = OAuth2PasswordBearer(
    tokenUrl=TOKEN_URL,
    scheme_name=SCHEME_NAME,
    description="Sign in with a username (or email) and password for a bearer access token.",
    auto_error=False,
)


class Gate:
    """The dependency of one rule: the caller's principal, once the rule lets them pass.
    An operation outside every store (`in_store=False`) is answered as to an anonymous caller,
    with no store looked up and no token read."""

    def __init__(self, rule: Rule, *, in_store: bool = True) -> None:
        self.rule = rule
        self.in_store = in_store

    async def __call__(self, request: Request) -> Principal:
        if not self.in_store:
            return self.rule.check(Principal.anonymous())
        return self.rule.check(await principal_of(request))


class TokenGate(Gate):
    """A gate that needs a token: the same check, with the token documented as required
    (OpenAPI's security requirement, which /docs' "Authorize" button follows)."""

    async def __call__(  # type: ignore[override]
        self, request: Request, _: Annotated[str | None, Depends(bearer_scheme)]
    ) -> Principal:
        return self.rule.check(await principal_of(request))


async def principal_of(request: Request) -> Principal:
    """Anonymous without an `Authorization` header; the token's account otherwise. Either way
    the request gets the use cases of its store."""
    container = request.app.state.container
    scopes, directory = container.store_scopes(), container.store_directory()
    named = request.headers.get(STORE_HEADER)
    if named is not None and not _SLUG.fullmatch(named):
        raise NotFound("store", named[:60], by="slug")
    header = request.headers.get("authorization")
    if header is None:
        store = await directory.find(named or MAIN_STORE)
        request.state.use_cases = scopes(store.id)
        return Principal.anonymous(store.slug)
    if header[: len(_BEARER)].lower() != _BEARER:
        raise Unauthenticated("send the access token as `Authorization: Bearer <token>`")
    token = header[len(_BEARER) :].strip()
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise Unauthenticated("the access token is not valid")
    claims = scopes.main().read_access_token()(Authenticate(token))
    if named is not None and named != claims.store:
        raise Forbidden("the access token belongs to another store than X-Store names")
    store = await directory.find(claims.store)
    found: UseCases = scopes(store.id)
    request.state.use_cases = found
    principal: Principal = await found.authenticate()(claims)
    return principal


Anyone = Annotated[Principal, Depends(Gate(Rule.ANYONE))]
Unscoped = Annotated[Principal, Depends(Gate(Rule.ANYONE, in_store=False))]
SignedIn = Annotated[Principal, Depends(TokenGate(Rule.SIGNED_IN))]
Admin = Annotated[Principal, Depends(TokenGate(Rule.ADMIN))]


def rule_of(route: APIRoute) -> Rule | None:
    """The rule an operation names, or None when it names none."""
    rules = {one.call.rule for one in _dependants(route.dependant) if isinstance(one.call, Gate)}
    if len(rules) > 1:
        raise TypeError(f"{route.path}: an operation names one access rule, not several")
    return next(iter(rules), None)


def _dependants(dependant: Dependant) -> list[Dependant]:
    found = [dependant]
    for sub in dependant.dependencies:
        found.extend(_dependants(sub))
    return found
