"""Where a request's CPU goes: `python -m bench.profile place_order` (or get_product,
list_products, get_order).

    create storefront_bench_<hex>  ->  migrate  ->  seed (as bench.run does: two stores
        alike, requests to one, named in X-Store)  ->  grant the app's role, connect as it
    build the app in this process  ->  drive the endpoint through ASGI, N at a time
    warm-up requests, unprofiled  ->  measured requests: CPU per request, then under cProfile
    drop the database

No server and no sockets between the client and the app: what is left is the app's own work
(routing, dependencies, validation, the use case, SQLAlchemy, asyncpg) and PostgreSQL's round
trips. uvicorn's HTTP parsing is not in it. The requests are drawn as the wrk scripts draw
them, with the same bearer tokens: the admin's for orders placed, a customer's for their own
orders read (made with the app's claims and key, `credentials.mint`, rather than signed in
for: signing in is not what is profiled). Every loop is bounded by its request count and a
time limit.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import pstats
import random
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

import orjson

from bench.credentials import Tokens, mint
from bench.database import SeedData, Unreachable
from bench.run import standard_database
from bench.servers import ACCESS_TOKEN_MINUTES, BENCH_JWT_SECRET

__all__ = ["main"]

Request = tuple[str, str, bytes, bytes, bytes]  # method, path, query string, body, token
TIME_LIMIT_SECONDS = 300.0


ENDPOINTS = ("get_product", "list_products", "place_order", "get_order")


def _requests(
    endpoint: str, seed: SeedData, tokens: Tokens, lines: int
) -> Callable[[random.Random], Request]:
    def get_product(rng: random.Random) -> Request:
        return (
            "GET",
            f"/products/{rng.randint(seed.first_product_id, seed.last_product_id)}",
            b"",
            b"",
            b"",
        )

    def list_products(rng: random.Random) -> Request:
        query = f"category_id={rng.choice(seed.category_ids)}&page_size=20"
        return "GET", "/products/", query.encode(), b"", b""

    def place_order(rng: random.Random) -> Request:
        products = rng.sample(range(seed.first_product_id, seed.last_product_id + 1), lines)
        body = {
            "user_id": rng.randint(seed.first_user_id, seed.last_user_id),
            "items": [{"product_id": p, "quantity": 1} for p in products],
        }
        return "POST", "/orders/", b"", orjson.dumps(body), tokens.admin.encode()

    def get_order(rng: random.Random) -> Request:
        customer, token = rng.choice(tokens.customers)
        return "GET", f"/orders/{rng.choice(customer.order_ids)}", b"", b"", token.encode()

    return {
        "get_product": get_product,
        "list_products": list_products,
        "place_order": place_order,
        "get_order": get_order,
    }[endpoint]


async def _call(app: Any, request: Request, store: bytes) -> int:
    method, path, query, body, token = request
    headers = [(b"host", b"bench"), (b"x-store", store)]
    if token:
        headers.append((b"authorization", b"Bearer " + token))
    if body:
        headers += [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query,
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    sent = False
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)  # no disconnect while the app still answers
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


async def _drive(
    app: Any, make: Callable[[random.Random], Request], total: int, at_once: int, store: str
) -> None:
    rng = random.Random(7)
    remaining = total
    deadline = time.monotonic() + TIME_LIMIT_SECONDS
    failures: list[int] = []

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0 and time.monotonic() < deadline:
            remaining -= 1
            status = await _call(app, make(rng), store.encode())
            if status >= 400:
                failures.append(status)

    await asyncio.gather(*(worker() for _ in range(at_once)))
    if failures:
        raise SystemExit(f"{len(failures)} request(s) failed, e.g. status {failures[0]}")
    if remaining > 0:
        raise SystemExit(f"time limit of {TIME_LIMIT_SECONDS:.0f} s reached")


async def _profile(options: argparse.Namespace) -> int:
    try:
        async with standard_database() as (database, seed):
            await database.grant_app_role()  # the app connects as production's does
            os.environ["DATABASE_URL"] = database.app_role_url
            os.environ.setdefault("LOG_LEVEL", "WARNING")
            os.environ["JWT_SECRET"] = BENCH_JWT_SECRET
            os.environ["ACCESS_TOKEN_MINUTES"] = str(ACCESS_TOKEN_MINUTES)
            from entrypoints.http.app import create_app

            app = create_app()
            make = _requests(options.endpoint, seed, mint(seed), options.lines)
            total, at_once = options.requests, options.concurrency
            async with app.router.lifespan_context(app):
                await _drive(app, make, options.warmup, at_once, seed.store_slug)
                started_cpu, started = time.process_time(), time.perf_counter()
                await _drive(app, make, total, at_once, seed.store_slug)
                cpu, wall = time.process_time() - started_cpu, time.perf_counter() - started
                print(
                    f"{options.endpoint}: {total} requests, {at_once} at once, "
                    f"{wall:.2f} s wall ({total / wall:,.0f} req/s in process), "
                    f"{cpu / total * 1e3:.3f} ms CPU per request (unprofiled)",
                    flush=True,
                )
                report = await _profiled(
                    options, lambda: _drive(app, make, total, at_once, seed.store_slug)
                )
    except Unreachable as problem:
        print(problem, file=sys.stderr)
        return 2
    print(report)
    return 0


async def _profiled(options: argparse.Namespace, run: Callable[[], Awaitable[None]]) -> str:
    """Run the load once more under the chosen profiler; its report as text."""
    if options.profiler == "pyinstrument":
        # Samples the stacks, greenlets included: SQLAlchemy's synchronous core shows as
        # top-level trees beside the event loop's.
        from pyinstrument import Profiler

        sampler = Profiler(interval=0.0005, async_mode="disabled")
        sampler.start()
        await run()
        sampler.stop()
        return str(sampler.output_text(unicode=False, color=False))
    profiler = cProfile.Profile()
    profiler.enable()
    await run()
    profiler.disable()
    if options.save:
        profiler.dump_stats(options.save)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats(options.sort).print_stats(options.top)
    if options.save:
        out.write(f"profile saved: {options.save} (python -m pstats {options.save})\n")
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.profile",
        description="Profile one benchmark endpoint of the app in process.",
    )
    parser.add_argument("endpoint", choices=ENDPOINTS)
    parser.add_argument("--requests", type=int, default=2000, help="measured requests (2000)")
    parser.add_argument("--warmup", type=int, default=300, help="unmeasured requests first (300)")
    parser.add_argument("--concurrency", type=int, default=8, help="requests in flight (8)")
    parser.add_argument("--lines", type=int, default=3, help="lines per order (3)")
    parser.add_argument(
        "--profiler",
        choices=("cprofile", "pyinstrument"),
        default="pyinstrument",
        help="pyinstrument (default): a call tree of samples; cprofile: per-function totals",
    )
    parser.add_argument("--sort", default="tottime", help="cprofile: pstats sort key (tottime)")
    parser.add_argument("--top", type=int, default=40, help="cprofile: rows shown (40)")
    parser.add_argument("--save", help="cprofile: also write the raw profile to this file")
    return asyncio.run(_profile(parser.parse_args(argv)))


if __name__ == "__main__":
    raise SystemExit(main())
