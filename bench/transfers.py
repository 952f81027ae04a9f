"""POST /transfers/ under load, the app against a raw asyncpg baseline doing the same work:
`python -m bench.transfers --output bench/results/<date>-transfers.md`.

    a throwaway PostgreSQL database, migrated with the app's migrations; 200 customers with
      1,000,000.00 credits each (each with its grant and ledger entry) and an admin
    the app and bench/baselines/raw_asyncpg_transfers.py, one uvicorn worker each
    wrk: every request a transfer of 0.01-0.99 from a random customer to another, with the
      sender's own token (bench/wrk/transfer.lua); warm-up, then rounds interleaved
    afterwards: the app's reconciliation (GET /admin/ledger/reconciliation) must find every
      balance explained by its ledger, and the credits must sum to what was granted: the run
      fails otherwise, whichever server moved them
    the database is dropped, also on errors and Ctrl-C

The baseline locks the same rows in the same order and writes the same rows in one
transaction; the ratio is the app's median req/s over the baseline's.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
import httpx

from bench.credentials import _token
from bench.database import DEFAULT_ADMIN_URL, ThrowawayDatabase
from bench.load import SCRIPTS, LoadSettings, WrkRun, run_wrk
from bench.machine import machine_facts
from bench.servers import REPOSITORY, VARIANTS, Server, Variant

__all__ = ["main"]

ADMIN_URL_ENV = "STOREFRONT_BENCH_POSTGRES_URL"
CUSTOMERS = 200
CREDITS = Decimal("1000000.00")
BASELINE = Variant(
    "raw_asyncpg",
    "bench.baselines.raw_asyncpg_transfers:app",
    "FastAPI + asyncpg pool, hand-written SQL, the same locks and rows",
)
MEASURED = (VARIANTS["app"], BASELINE)
WORK = REPOSITORY / "bench" / ".work"

_SEED = """
WITH made AS (
    INSERT INTO users (username, email, hashed_password, is_active, is_superuser, credits,
                       created_at, updated_at, store_id)
    SELECT 'holder_' || n, 'holder_' || n || '@example.com', 'not-a-hash', true, false, $2,
           $3, $3, 1
    FROM generate_series(1, $1) AS n
    RETURNING id, credits
), granted AS (
    INSERT INTO credit_grants (user_id, amount, reason, granted_by, created_at, store_id)
    SELECT id, credits, 'bench', NULL, $3, 1 FROM made
    RETURNING id, user_id, amount
)
INSERT INTO ledger_entries (user_id, amount, balance_after, kind, reference_id, created_at,
                            store_id)
SELECT user_id, amount, amount, 'grant', id, $3, 1 FROM granted
"""
_ADMIN = (
    "INSERT INTO users (username, email, hashed_password, is_active, is_superuser, credits, "
    "created_at, updated_at, store_id) VALUES ('bench_admin', 'bench_admin@example.com', "
    "'not-a-hash', true, true, 0, $1, $1, 1) RETURNING id"
)


async def _seed(url: str) -> tuple[list[int], int]:
    now = datetime.now(UTC)
    con = await asyncpg.connect(url, timeout=10)
    try:
        async with con.transaction():
            await con.execute(_SEED, CUSTOMERS, CREDITS, now)
            admin = await con.fetchval(_ADMIN, now)
        customers = [
            row["id"]
            for row in await con.fetch("SELECT id FROM users WHERE NOT is_superuser ORDER BY id")
        ]
        await con.execute("ANALYZE")
    finally:
        await con.close()
    return customers, int(admin)


async def _total_credits(url: str) -> Decimal:
    con = await asyncpg.connect(url, timeout=10)
    try:
        return Decimal(await con.fetchval("SELECT sum(credits) FROM users"))
    finally:
        await con.close()


async def _check_parity(servers: dict[str, Server], tokens: dict[int, str]) -> None:
    """One transfer through each server: the same fields in the answer."""
    sender, recipient = list(tokens)[:2]
    shapes = {}
    for name, server in servers.items():
        async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as client:
            response = await client.post(
                "/transfers/",
                json={"to_user_id": recipient, "amount": "0.01"},
                headers={"Authorization": f"Bearer {tokens[sender]}"},
            )
        if response.status_code != 201:
            raise RuntimeError(
                f"{name}: POST /transfers/ answered {response.status_code}: {response.text}"
            )
        shapes[name] = sorted(response.json())
    if len({tuple(shape) for shape in shapes.values()}) != 1:
        raise RuntimeError(f"the servers answer transfers differently: {shapes}")


async def _reconciled(server: Server, admin_token: str) -> dict[str, object]:
    async with httpx.AsyncClient(base_url=server.base_url, timeout=120) as client:
        response = await client.get(
            "/admin/ledger/reconciliation", headers={"Authorization": f"Bearer {admin_token}"}
        )
    if response.status_code != 200:
        raise RuntimeError(f"the reconciliation answered {response.status_code}: {response.text}")
    found: dict[str, object] = response.json()
    return found


async def _measure(
    server: Server, tokens_file: Path, load: LoadSettings, duration: int, round_number: int
) -> WrkRun:
    command = [
        "wrk",
        f"-t{load.threads}",
        f"-c{load.connections}",
        f"-d{duration}s",
        f"--timeout={load.timeout_s}s",
        "-s",
        str(SCRIPTS / "transfer.lua"),
        server.base_url,
        "--",
        str(tokens_file),
    ]
    cpu_before = server.cpu_seconds()
    run = await run_wrk(
        command,
        round_number=round_number,
        endpoint="transfer_credits",
        variant=server.variant.name,
        duration_s=duration,
    )
    cpu_after = server.cpu_seconds()
    if cpu_before is None or cpu_after is None:
        return run
    return WrkRun(**{**run.__dict__, "worker_cpu_s": cpu_after - cpu_before})


async def _run(args: argparse.Namespace) -> int:
    database = ThrowawayDatabase(os.environ.get(ADMIN_URL_ENV, DEFAULT_ADMIN_URL))
    problem = await database.connection_problem()
    if problem is not None:
        print(f"no PostgreSQL to measure on: {problem}", file=sys.stderr)
        return 2
    servers: dict[str, Server] = {}
    try:
        await database.create()
        await database.migrate()
        await database.grant_app_role()  # the servers connect as the role RLS holds
        customers, admin = await _seed(database.url)
        granted = await _total_credits(database.url)
        now = datetime.now(UTC)
        tokens = {user: _token(user, "main", now) for user in customers}
        WORK.mkdir(parents=True, exist_ok=True)
        tokens_file = WORK / f"transfers-{database.name}.tokens"
        tokens_file.write_text("".join(f"{user} {token}\n" for user, token in tokens.items()))
        for variant in MEASURED:
            log = WORK / f"transfers-{database.name}-{variant.name}.log"
            servers[variant.name] = Server(variant, database.app_role_url, args.pool_size, log)
        for server in servers.values():
            await server.start()
        for server in servers.values():
            await server.wait_ready("/openapi.json")
        await _check_parity(servers, tokens)
        load = LoadSettings(threads=args.threads, connections=args.connections)
        runs: list[WrkRun] = []
        for server in servers.values():
            await _measure(server, tokens_file, load, args.warmup, 0)
        for number in range(1, args.rounds + 1):
            for server in servers.values():
                run = await _measure(server, tokens_file, load, args.duration, number)
                runs.append(run)
                print(
                    f"round {number} {run.variant}: {run.requests_per_s:.0f} req/s, "
                    f"p50 {run.latency_p50_ms:.1f} ms, p99 {run.latency_p99_ms:.1f} ms, "
                    f"non-2xx {run.non_2xx}",
                    file=sys.stderr,
                )
        reconciliation = await _reconciled(servers["app"], _token(admin, "main", datetime.now(UTC)))
        total = await _total_credits(database.url)
        transfers = await _count(database.url, "transfers")
        entries = await _count(database.url, "ledger_entries")
    finally:
        for server in servers.values():
            await server.stop()
        await database.drop()
    report = _report(args, runs, reconciliation, granted, total, transfers, entries)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(report)
    print(report)
    balanced = reconciliation["differences_found"] == 0 and total == granted
    if not balanced:
        print("the ledger does not explain every balance after the load", file=sys.stderr)
        return 1
    return 0


async def _count(url: str, table: str) -> int:
    con = await asyncpg.connect(url, timeout=10)
    try:
        return int(await con.fetchval(f"SELECT count(*) FROM {table}"))
    finally:
        await con.close()


def _report(
    args: argparse.Namespace,
    runs: list[WrkRun],
    reconciliation: dict[str, object],
    granted: Decimal,
    total: Decimal,
    transfers: int,
    entries: int,
) -> str:
    rows = []
    medians: dict[str, float] = {}
    for variant in MEASURED:
        mine = [run for run in runs if run.variant == variant.name]
        rate = statistics.median(run.requests_per_s for run in mine)
        medians[variant.name] = rate
        cpu = [run.cpu_ms_per_request for run in mine if run.cpu_ms_per_request is not None]
        cpu_text = f"{statistics.median(cpu):.2f}" if cpu else "-"
        p50 = statistics.median(run.latency_p50_ms for run in mine)
        p99 = statistics.median(run.latency_p99_ms for run in mine)
        non_2xx = sum(run.non_2xx for run in mine)
        rows.append(
            f"| {variant.name} | {rate:.0f} | {p50:.1f} | {p99:.1f} | {non_2xx} | {cpu_text} |"
        )
    ratio = medians["app"] / medians["raw_asyncpg"]
    facts = machine_facts()
    return "\n".join(
        [
            "# POST /transfers/: the app against raw asyncpg",
            "",
            f"`python -m bench.transfers` — {args.rounds} rounds of {args.duration} s after "
            f"{args.warmup} s of warm-up per server, interleaved; `wrk -t{args.threads} "
            f"-c{args.connections}`; a pool of {args.pool_size} connections per server; "
            f"{CUSTOMERS} customers with {CREDITS} credits each, transfers of 0.01-0.99 "
            "between random pairs with the sender's token. PostgreSQL on the same machine.",
            "",
            "| variant | req/s (median) | p50 ms | p99 ms | non-2xx | server CPU ms/request |",
            "| --- | --- | --- | --- | --- | --- |",
            *rows,
            "",
            f"**Ratio app / raw_asyncpg: {ratio:.2f}.**",
            "",
            "After the load (both servers' transfers): the app's reconciliation checked "
            f"{reconciliation['users_checked']} users and found "
            f"{reconciliation['differences_found']} differences; the credits sum to {total} "
            f"(granted: {granted}); {transfers} transfers, {entries} ledger entries "
            f"({entries - CUSTOMERS} = 2 x {transfers} for the transfers).",
            "",
            "Machine: " + ", ".join(f"{key} {value}" for key, value in facts.items()) + ".",
            "",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10, help="seconds per round")
    parser.add_argument("--warmup", type=int, default=5, help="seconds per server")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--pool-size", type=int, default=10)
    parser.add_argument(
        "--output", type=Path, default=WORK / "transfers.md", help="the results file to write"
    )
    return asyncio.run(_run(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
