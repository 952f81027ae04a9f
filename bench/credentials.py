"""Bearer tokens for the authenticated endpoints, and the check that they read what they should.

    sign_in    POST /auth/token (the OAuth2 password form) on the app's server, in the store
               the load goes to (`X-Store`), as its seeded admin and as each of its seeded
               customers: the tokens a client would hold, which name that store
    mint       with no app in the run (--variants raw_asyncpg,seed_style) there is nobody to
               sign in with: the same claims, signed here with PyJWT and the same key
    write      the files the wrk scripts read their tokens from (load.TokenFiles)
    check_orders_readable
               before any load, on every server: each order a customer's script may draw
               answers 200 with that customer's order, and the refusals the load must never
               meet are refusals there too (no token, a forged one, an expired one, one of
               another generation of the account's sessions, another customer's order)
    check_stores_apart
               before any load, on every server: nothing of the other store, seeded alike, is
               reached from the loaded one (its product and order ids are 404, its category
               lists nothing), and a token of one store naming the other in X-Store is a 403

Every server runs with the same JWT_SECRET and a token lifetime longer than a run
(bench/servers.py), so the tokens the app issued serve every variant for the whole run.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import jwt

from bench.database import ADMIN_USERNAME, BENCH_PASSWORD, Customer, SeedData
from bench.load import TokenFiles
from bench.servers import ACCESS_TOKEN_MINUTES, BENCH_JWT_SECRET, Server

__all__ = [
    "STORE_HEADER",
    "Tokens",
    "check_orders_readable",
    "check_stores_apart",
    "mint",
    "sign_in",
    "write",
]

SIGN_IN_TIMEOUT_S = 120.0  # argon2 verifies one sign-in per CPU at a time
READ_TIMEOUT_S = 30.0
READS_AT_ONCE = 8
STORE_HEADER = "X-Store"  # names the store of an anonymous request; a token names its own


@dataclass(frozen=True)
class Tokens:
    admin: str
    customers: tuple[tuple[Customer, str], ...]  # each seeded customer and their token
    how: str  # how they were obtained, for the results file


async def sign_in(server: Server, seed: SeedData) -> Tokens:
    """Sign the admin and every customer of `seed`'s store in on `server` (all at once, as
    clients would)."""
    async with httpx.AsyncClient(
        base_url=server.base_url,
        timeout=SIGN_IN_TIMEOUT_S,
        headers={STORE_HEADER: seed.store_slug},
    ) as client:

        async def token(username: str) -> str:
            response = await client.post(
                "/auth/token", data={"username": username, "password": BENCH_PASSWORD}
            )
            if response.status_code != 200:
                raise RuntimeError(
                    f"{server.variant.name}: POST /auth/token as {username} answered "
                    f"{response.status_code}: {response.text[:300]}"
                )
            return str(response.json()["access_token"])

        admin, *customers = await asyncio.gather(
            token(ADMIN_USERNAME), *(token(customer.username) for customer in seed.customers)
        )
    return Tokens(
        admin=admin,
        customers=tuple(zip(seed.customers, customers, strict=True)),
        how=f"POST /auth/token on {server.variant.name} (the OAuth2 password form, "
        f"{STORE_HEADER}: {seed.store_slug}), once, before the load: the admin and "
        f"{len(seed.customers)} customers of store {seed.store_slug!r}",
    )


def _token(
    user_id: int,
    store: str,
    now: datetime,
    *,
    generation: int = 0,
    lifetime: timedelta = timedelta(minutes=ACCESS_TOKEN_MINUTES),
) -> str:
    """An access token as the app issues them: its claims, HS256, the servers' key."""
    claims = {
        "sub": str(user_id),
        "store": store,
        "gen": generation,
        "iat": int(now.timestamp()),
        "exp": int((now + lifetime).timestamp()),
        "jti": secrets.token_hex(16),
    }
    return jwt.encode(claims, BENCH_JWT_SECRET, algorithm="HS256")


def mint(seed: SeedData, now: datetime | None = None) -> Tokens:
    """The tokens the app would issue, made here: for a run without the app, which has no
    server to sign in on. Seeded users are in their first generation of sessions (0)."""
    now = now or datetime.now(UTC)

    def token(user_id: int) -> str:
        return _token(user_id, seed.store_slug, now)

    return Tokens(
        admin=token(seed.admin_user_id),
        customers=tuple((customer, token(customer.user_id)) for customer in seed.customers),
        how="made by the runner with PyJWT (the app's claims and key): the app is not in "
        "this run, so there is no server to sign in on",
    )


def write(tokens: Tokens, files: TokenFiles) -> None:
    """The token files of `files`; only the owner may read them."""
    files.admin.parent.mkdir(parents=True, exist_ok=True)
    files.admin.write_text(tokens.admin + "\n")
    files.customers.write_text(
        "".join(
            " ".join([token, *map(str, customer.order_ids)]) + "\n"
            for customer, token in tokens.customers
        )
    )
    for path in (files.admin, files.customers):
        path.chmod(0o600)


def _forged(token: str) -> str:
    """`token` with one character of its signature changed: well formed, not genuine."""
    head, _, signature = token.rpartition(".")
    return f"{head}.{('B' if signature[0] == 'A' else 'A')}{signature[1:]}"


async def check_orders_readable(servers: Sequence[Server], tokens: Tokens) -> list[str]:
    """What is wrong with the orders the load will read, server by server; empty when each
    one answers 200 with that customer's order, and each refusal is the app's (401 or 404)."""
    problems: list[str] = []
    for server in servers:
        problems += [f"{server.variant.name} {problem}" for problem in await _check(server, tokens)]
    return problems


async def _check(server: Server, tokens: Tokens) -> list[str]:
    limit = asyncio.Semaphore(READS_AT_ONCE)
    async with httpx.AsyncClient(base_url=server.base_url, timeout=READ_TIMEOUT_S) as client:

        async def read(order_id: int, token: str | None) -> httpx.Response:
            headers = {} if token is None else {"Authorization": f"Bearer {token}"}
            async with limit:
                return await client.get(f"/orders/{order_id}", headers=headers)

        async def own(customer: Customer, token: str, order_id: int) -> str | None:
            response = await read(order_id, token)
            if response.status_code != 200:
                return f"answered {response.status_code} to GET /orders/{order_id} as its owner"
            body = response.json()
            if body.get("id") != order_id or body.get("user_id") != customer.user_id:
                return f"answered GET /orders/{order_id} with another order: {body}"
            return None

        found = await asyncio.gather(
            *(
                own(customer, token, order_id)
                for customer, token in tokens.customers
                for order_id in customer.order_ids
            )
        )
        (owner, owner_token), (_, other_token) = tokens.customers[:2]
        order_id = owner.order_ids[0]
        now = datetime.now(UTC)
        # Genuine signatures: only the claims are wrong (seeded accounts are in generation 0).
        store = str(jwt.decode(owner_token, options={"verify_signature": False})["store"])
        expired = _token(
            owner.user_id, store, now - timedelta(hours=1), lifetime=timedelta(minutes=5)
        )
        revoked = _token(owner.user_id, store, now, generation=1)
        refusals = {
            "no token": (await read(order_id, None), 401),
            "a forged token": (await read(order_id, _forged(owner_token)), 401),
            "an expired token": (await read(order_id, expired), 401),
            "a token of another generation": (await read(order_id, revoked), 401),
            "another customer's token": (await read(order_id, other_token), 404),
        }
    return [problem for problem in found if problem] + [
        f"answered {response.status_code} to GET /orders/{order_id} with {what}, not {expected}"
        for what, (response, expected) in refusals.items()
        if response.status_code != expected
    ]


async def check_stores_apart(
    servers: Sequence[Server], seed: SeedData, tokens: Tokens
) -> list[str]:
    """What of the other store a request to `seed`'s store reaches, server by server; empty
    when each server keeps the stores apart as the app does."""
    other = seed.other_store
    if other is None:
        return []
    (customer, token), *_ = tokens.customers
    anonymous = {STORE_HEADER: seed.store_slug}
    signed_in = {"Authorization": f"Bearer {token}"}
    other_order = other.customers[0].order_ids[0]
    expected = {
        f"GET /products/{other.first_product_id} (the other store's product)": (
            f"/products/{other.first_product_id}",
            anonymous,
            404,
        ),
        f"GET /products/?category_id={other.category_ids[0]} (the other store's category)": (
            f"/products/?category_id={other.category_ids[0]}&page_size=20",
            anonymous,
            200,
        ),
        f"GET /orders/{other_order} (the other store's order, a customer's token)": (
            f"/orders/{other_order}",
            signed_in,
            404,
        ),
        f"GET /orders/{customer.order_ids[0]} (own order, {STORE_HEADER}: {other.store_slug})": (
            f"/orders/{customer.order_ids[0]}",
            {**signed_in, STORE_HEADER: other.store_slug},
            403,
        ),
    }
    problems: list[str] = []
    for server in servers:
        async with httpx.AsyncClient(base_url=server.base_url, timeout=READ_TIMEOUT_S) as client:
            for what, (path, headers, status) in expected.items():
                response = await client.get(path, headers=headers)
                if response.status_code != status:
                    problems.append(
                        f"{server.variant.name} answered {response.status_code} to {what}, "
                        f"not {status}"
                    )
                elif status == 200 and response.json().get("total") != 0:
                    problems.append(
                        f"{server.variant.name} listed {response.json().get('total')} products "
                        f"for {what}, not 0"
                    )
    return problems
