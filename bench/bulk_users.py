"""What a bulk account creation costs everyone else: `python -m bench.bulk_users`.

    start the app under uvicorn on 127.0.0.1 (in-memory storage by default), with a
    start-up admin (STOREFRONT_ADMIN_*), and sign in as that admin: bulk creation is theirs
    POST /users/bulk with 100 new users (argon2id, the app's own profile), and meanwhile
    GET / at a fixed rate, each probe sent on time whether or not the earlier ones answered
    then: a batch refused for a duplicate inside it, and one refused for a taken username
    stop the server

It prints how long each bulk request took and the latency of the probes sent while the
valid batch ran (p50, p99, max). Probes are sent on a clock, not one after another: a server
that stops answering for 16 s then shows 16 s of late answers, not a single slow one.

Bounded: every request has a timeout, the whole run a time limit, and the server is stopped
on the way out, also on errors and Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import statistics
import sys
import time
from typing import Any

import httpx

from bench.probe import percentile, probe_root
from bench.servers import REPOSITORY, VARIANTS, Server

__all__ = ["main"]

BATCH = 100
PASSWORD = "BenchPass123"  # noqa: S105 - the password of every generated user
TIME_LIMIT_S = 300.0
REQUEST_TIMEOUT_S = 120.0
ADMIN = "bench_admin"


class _AppWithAdmin(Server):
    """The app, made to create its start-up admin (with PASSWORD) when it starts."""

    @property
    def environment(self) -> dict[str, str]:
        return {
            **super().environment,
            "STOREFRONT_ADMIN_USERNAME": ADMIN,
            "STOREFRONT_ADMIN_EMAIL": f"{ADMIN}@example.com",
            "STOREFRONT_ADMIN_PASSWORD": PASSWORD,
        }


async def _sign_in_as_admin(client: httpx.AsyncClient) -> None:
    """Send the admin's access token with every request of `client` from now on."""
    response = await client.post("/auth/token", data={"username": ADMIN, "password": PASSWORD})
    if response.status_code != 200:
        raise RuntimeError(f"signing in as {ADMIN} answered {response.status_code}")
    client.headers["Authorization"] = f"Bearer {response.json()['access_token']}"


def _users(count: int, stem: str) -> list[dict[str, Any]]:
    return [
        {"username": f"{stem}_{n}", "email": f"{stem}_{n}@example.com", "password": PASSWORD}
        for n in range(count)
    ]


async def _bulk_while_probing(
    client: httpx.AsyncClient, port: int, body: dict[str, Any], interval: float
) -> tuple[int, float, list[float], list[str]]:
    """POST /users/bulk; a GET / every `interval` seconds until it has answered."""
    latencies: list[float] = []
    failures: list[str] = []
    probes: set[asyncio.Task[None]] = set()
    start = time.perf_counter()
    bulk = asyncio.create_task(client.post("/users/bulk", json=body))
    next_probe = start
    while not bulk.done():
        probe = asyncio.create_task(probe_root(port, latencies, failures, REQUEST_TIMEOUT_S))
        probes.add(probe)
        probe.add_done_callback(probes.discard)
        next_probe += interval
        await asyncio.wait([bulk], timeout=max(0.0, next_probe - time.perf_counter()))
    response = bulk.result()
    elapsed = time.perf_counter() - start
    await asyncio.gather(*probes)
    return response.status_code, elapsed, latencies, failures


async def _timed_post(client: httpx.AsyncClient, body: dict[str, Any]) -> tuple[int, float]:
    start = time.perf_counter()
    response = await client.post("/users/bulk", json=body)
    return response.status_code, time.perf_counter() - start


async def _run(args: argparse.Namespace) -> int:
    stem = f"bench{secrets.token_hex(3)}"
    log_path = REPOSITORY / "bench" / ".work" / f"bulk_users-{stem}.log"
    server = _AppWithAdmin(VARIANTS["app"], args.database_url, pool_size=5, log_path=log_path)
    try:
        await server.start()
        await server.wait_ready("/")
        async with httpx.AsyncClient(base_url=server.base_url, timeout=REQUEST_TIMEOUT_S) as client:
            for _ in range(20):  # warm-up: connections, first-call imports
                await client.get("/")
            await _sign_in_as_admin(client)
            status, elapsed, latencies, failures = await _bulk_while_probing(
                client, server.port, {"users": _users(args.batch, stem)}, args.interval
            )
            duplicate_inside = _users(args.batch, f"{stem}_dup")
            duplicate_inside[-1] = {**duplicate_inside[0], "email": f"{stem}_other@example.com"}
            dup_status, dup_elapsed = await _timed_post(client, {"users": duplicate_inside})
            already_taken = _users(args.batch, f"{stem}_taken")
            already_taken[-1] = {**already_taken[-1], "username": f"{stem}_0"}
            taken_status, taken_elapsed = await _timed_post(client, {"users": already_taken})
    finally:
        await server.stop()

    print(f"POST /users/bulk, {args.batch} new users:        {status} in {elapsed:.2f} s")
    print(f"  same, duplicate username inside the batch:  {dup_status} in {dup_elapsed:.2f} s")
    print(f"  same, one username already taken:           {taken_status} in {taken_elapsed:.2f} s")
    if not latencies:
        print("GET / during the valid batch: no probe answered", file=sys.stderr)
        return 1
    print(
        f"GET / every {args.interval * 1000:.0f} ms during the valid batch: {len(latencies)} "
        f"answered, p50 {percentile(latencies, 0.50) * 1000:.1f} ms, "
        f"p99 {percentile(latencies, 0.99) * 1000:.1f} ms, "
        f"max {max(latencies) * 1000:.1f} ms, mean {statistics.fmean(latencies) * 1000:.1f} ms"
    )
    if failures:
        print(f"{len(failures)} probes failed, e.g. {failures[0]}", file=sys.stderr)
    expected = (status, dup_status, taken_status) == (201, 409, 409)
    return 0 if expected and not failures else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--batch", type=int, default=BATCH, help="users per bulk request")
    parser.add_argument(
        "--interval", type=float, default=0.02, help="seconds between two GET / probes"
    )
    parser.add_argument(
        "--database-url", default="memory://", help="DATABASE_URL of the server (migrated)"
    )
    args = parser.parse_args(argv)
    try:
        return asyncio.run(asyncio.wait_for(_run(args), TIME_LIMIT_S))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
