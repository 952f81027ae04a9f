"""What signing in costs everyone else: `python -m bench.login_latency`.

    start the app as `storefront serve` starts it (migrate, then one uvicorn worker, the
    default settings), on SQLite (a file in a temporary directory) or on PostgreSQL (a
    throwaway database), with a fixed JWT_SECRET
    sign up --clients customers (POST /users/: argon2id with the app's own parameters)
    for --idle seconds: GET / on a clock, nothing else running (the reference)
    for --duration seconds: --clients clients each sign in (POST /auth/token) again as soon
        as they are answered, and GET / keeps being sent on the same clock
    stop the server, drop the database

It prints the p50, p95 and p99 latency of GET / during the sign-ins (the target: p99 under
100 ms) and while idle, the sign-ins answered and their latency, and the same per window of
the run, so that drift shows. `--output FILE` appends all of it, with the machine, the
commands and the raw numbers, to a Markdown file.

Each sign-in verifies an argon2id hash: tenths of a second of CPU on purpose. The app runs
argon2 in a pool of one thread per CPU, never on the event loop, so GET / should not wait for
a hash; it can still wait for a CPU, since the pool keeps every CPU busy. Probes are sent on a
clock, each on a connection of its own (bench/probe.py), whether or not the earlier ones have
answered.

Bounded: every request has a timeout, the whole run a time limit, and the server is stopped
and the database dropped on the way out, also on errors and Ctrl-C. Timings are measured here
only; no test asserts one.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import shlex
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
import httpx

from bench.database import DEFAULT_ADMIN_URL, ThrowawayDatabase
from bench.machine import git_revision, machine_facts
from bench.probe import percentile, probe_root
from bench.servers import BENCH_JWT_SECRET, REPOSITORY, VARIANTS, Server

__all__ = ["main"]

PASSWORD = "BenchPass123"  # noqa: S105 - the password of every customer signed up
ADMIN_URL_ENV = "STOREFRONT_BENCH_POSTGRES_URL"
REQUEST_TIMEOUT_S = 60.0
SET_UP_LIMIT_S = 300.0  # start, migrate, sign up, warm up; then the run's own seconds
TARGET_P99_MS = 100.0
WINDOW_S = 5.0


class ServedApp(Server):
    """The app as `storefront serve` serves it: `python -m entrypoints.cli serve` (migrate,
    then uvicorn with one worker, uvloop and httptools, the access log on), with no setting
    changed but the database and the signing key."""

    def __init__(self, database_url: str, log_path: Path) -> None:
        super().__init__(VARIANTS["app"], database_url, pool_size=0, log_path=log_path)

    @property
    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "entrypoints.cli",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
        ]

    @property
    def environment(self) -> dict[str, str]:
        return {"DATABASE_URL": self.database_url, "JWT_SECRET": BENCH_JWT_SECRET}


@dataclass
class Samples:
    """What one phase measured; times in seconds from the phase's start."""

    probes: list[tuple[float, float]] = field(default_factory=list)  # (sent at, latency)
    failures: list[str] = field(default_factory=list)  # probes and sign-ins that failed
    sign_ins: list[tuple[float, float]] = field(default_factory=list)  # (answered at, latency)
    sign_in_statuses: Counter[int] = field(default_factory=Counter)
    window: float = 0.0  # the seconds probes were sent (and new sign-ins started) for
    seconds: float = 0.0  # until the last request was answered

    @property
    def latencies(self) -> list[float]:
        return [latency for _, latency in self.probes]


async def _sign_up(client: httpx.AsyncClient, usernames: list[str]) -> None:
    async def one(username: str) -> None:
        body = {"username": username, "email": f"{username}@example.com", "password": PASSWORD}
        response = await client.post("/users/", json=body)
        if response.status_code != 201:
            raise RuntimeError(
                f"POST /users/ for {username} answered {response.status_code}: "
                f"{response.text[:300]}"
            )

    await asyncio.gather(*(one(username) for username in usernames))


async def _sign_in(client: httpx.AsyncClient, username: str) -> int:
    response = await client.post("/auth/token", data={"username": username, "password": PASSWORD})
    return response.status_code


async def _phase(
    client: httpx.AsyncClient,
    port: int,
    usernames: list[str],
    seconds: float,
    interval: float,
) -> Samples:
    """GET / every `interval` seconds for `seconds`; meanwhile one sign-in loop per name of
    `usernames` (none: the idle reference). The loops send no sign-in after the last probe
    was due, and the phase ends when every request sent has been answered."""
    samples = Samples()
    start = time.perf_counter()
    deadline = start + seconds

    async def probe() -> None:
        sent = time.perf_counter()
        latencies: list[float] = []
        await probe_root(port, latencies, samples.failures, REQUEST_TIMEOUT_S)
        if latencies:
            samples.probes.append((sent - start, latencies[0]))

    async def signing_in(username: str) -> None:
        while time.perf_counter() < deadline:
            sent = time.perf_counter()
            try:
                status = await _sign_in(client, username)
            except httpx.HTTPError as err:
                samples.failures.append(f"POST /auth/token: {err!r}")
                continue
            answered = time.perf_counter()
            samples.sign_in_statuses[status] += 1
            if status == 200:
                samples.sign_ins.append((answered - start, answered - sent))

    loops = [asyncio.create_task(signing_in(username)) for username in usernames]
    probes: list[asyncio.Task[None]] = []
    due = start
    while due < deadline:
        probes.append(asyncio.create_task(probe()))
        due += interval
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
    await asyncio.gather(*probes, *loops)
    samples.window = seconds
    samples.seconds = time.perf_counter() - start
    return samples


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def _latency_row(values: list[float]) -> list[str]:
    if not values:
        return ["0", "—", "—", "—", "—", "—"]
    return [
        str(len(values)),
        _ms(percentile(values, 0.50)),
        _ms(percentile(values, 0.95)),
        _ms(percentile(values, 0.99)),
        _ms(max(values)),
        _ms(statistics.fmean(values)),
    ]


def _windows(samples: Samples) -> list[list[str]]:
    rows = []
    begin = 0.0
    while begin < samples.seconds:
        end = begin + WINDOW_S
        probes = [latency for sent, latency in samples.probes if begin <= sent < end]
        sign_ins = [at for at, _ in samples.sign_ins if begin <= at < end]
        if probes or sign_ins:
            rows.append([f"{begin:.0f} to {end:.0f} s", *_latency_row(probes), str(len(sign_ins))])
        begin = end
    return rows


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


@dataclass
class Report:
    started_at: str
    command: str
    server: ServedApp
    database: str
    hash_parameters: str
    clients: int
    interval_s: float
    idle: Samples
    loaded: Samples
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]

    @property
    def p99_ms(self) -> float | None:
        values = self.loaded.latencies
        return percentile(values, 0.99) * 1000 if values else None

    @property
    def verdict(self) -> str:
        p99 = self.p99_ms
        if p99 is None:
            return "not measured"
        return "holds" if p99 < TARGET_P99_MS else "does not hold"

    @property
    def failures(self) -> list[str]:
        refused = [
            f"{count} sign-in(s) answered {status}"
            for phase in (self.idle, self.loaded)
            for status, count in sorted(phase.sign_in_statuses.items())
            if status != 200
        ]
        return self.idle.failures + self.loaded.failures + refused

    def summary(self) -> str:
        sign_ins = [latency for _, latency in self.loaded.sign_ins]
        # Those answered after the window were started in it: latencies, not the rate.
        in_window = [at for at, _ in self.loaded.sign_ins if at < self.loaded.window]
        rate = len(in_window) / self.loaded.window if self.loaded.window else 0.0
        header = ["GET /", "probes", "p50 ms", "p95 ms", "p99 ms", "max ms", "mean ms"]
        lines = _table(
            header,
            [
                ["idle", *_latency_row(self.idle.latencies)],
                [f"{self.clients} clients signing in", *_latency_row(self.loaded.latencies)],
            ],
        )
        lines += [
            "",
            *_table(
                [
                    "POST /auth/token",
                    "answered 200",
                    "p50 ms",
                    "p95 ms",
                    "p99 ms",
                    "max ms",
                    "mean ms",
                    "per second",
                ],
                [[f"{self.clients} clients", *_latency_row(sign_ins), f"{rate:.1f}"]],
            ),
            "",
            *_table(
                ["target", "measured", "verdict"],
                [
                    [
                        f"GET / p99 while {self.clients} clients sign in < {TARGET_P99_MS:.0f} ms",
                        "—" if self.p99_ms is None else f"{self.p99_ms:.1f} ms",
                        self.verdict,
                    ]
                ],
            ),
        ]
        return "\n".join(lines)

    def markdown(self) -> str:
        server = self.server
        environment = " ".join(f"{key}={value}" for key, value in server.environment.items())
        out = [
            "",
            f"## GET / while {self.clients} clients sign in ({self.database})",
            "",
            f"Started {self.started_at} (UTC); git revision {git_revision(REPOSITORY)}.",
            "",
            "Machine: "
            + "; ".join(f"{key} {value}" for key, value in machine_facts().items())
            + f". Load average (1, 5, 15 min) before: {_load(self.load_before)}, "
            f"after: {_load(self.load_after)}.",
            "",
            "```sh",
            self.command,
            f"# the server (environment added: {environment})",
            shlex.join(server.command),
            "```",
            "",
            f"- database: {self.database}",
            f"- passwords: argon2id as the app stores them ({self.hash_parameters}), verified "
            "in the app's pool of one thread per CPU",
            f"- load: {self.clients} clients, one account each, each sending POST /auth/token "
            f"again as soon as it is answered, for {self.loaded.window:.0f} s; the sign-ins "
            f"then in flight were answered within {self.loaded.seconds - self.loaded.window:.1f}"
            " s more (their latencies count; the rate is of those answered within the "
            f"{self.loaded.window:.0f} s)",
            f"- probes: GET / every {self.interval_s * 1000:.0f} ms, each on a connection of "
            "its own, sent when due whether or not the earlier ones have answered; "
            f"{self.idle.window:.0f} s idle first (nothing else running), then for the "
            f"{self.loaded.window:.0f} s of sign-ins",
            "",
            self.summary(),
            "",
            "Per window of the run with the sign-ins (probes by the time they were sent, "
            "sign-ins by the time they were answered):",
            "",
            *_table(
                [
                    "window",
                    "probes",
                    "p50 ms",
                    "p95 ms",
                    "p99 ms",
                    "max ms",
                    "mean ms",
                    "sign-ins answered",
                ],
                _windows(self.loaded),
            ),
            "",
            "Failures: " + ("; ".join(self.failures[:10]) if self.failures else "none") + ".",
            "",
        ]
        return "\n".join(out)


def _load(values: tuple[float, float, float]) -> str:
    return ", ".join(f"{value:.2f}" for value in values)


async def _hash_parameters_sqlite(path: Path, username: str) -> str:
    def read() -> str:
        with sqlite3.connect(path) as con:
            row = con.execute(
                "SELECT hashed_password FROM users WHERE username = ?", (username,)
            ).fetchone()
        return str(row[0]) if row else ""

    return _parameters(await asyncio.to_thread(read))


async def _hash_parameters_postgresql(url: str, username: str) -> str:
    con = await asyncpg.connect(url, timeout=10)
    try:
        stored = await con.fetchval(
            "SELECT hashed_password FROM users WHERE username = $1", username
        )
    finally:
        await con.close()
    return _parameters(str(stored or ""))


def _parameters(stored: str) -> str:
    """`$argon2id$v=19$m=65536,t=3,p=4$salt$hash` -> `argon2id v=19 m=65536,t=3,p=4`."""
    parts = stored.split("$")
    return " ".join(parts[1:4]) if len(parts) >= 6 else "unknown"


async def _run(args: argparse.Namespace, argv: list[str]) -> int:
    stem = f"login{secrets.token_hex(3)}"
    usernames = [f"{stem}_{n:02d}" for n in range(args.clients)]
    work = REPOSITORY / "bench" / ".work"
    started_at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
    throwaway: ThrowawayDatabase | None = None
    with tempfile.TemporaryDirectory(prefix="storefront-login-") as scratch:
        sqlite_path = Path(scratch) / "storefront.db"
        if args.database == "sqlite":
            database_url = f"sqlite+aiosqlite:///{sqlite_path}"
            described = "SQLite, a new file in a temporary directory, migrated by `serve`"
        else:
            throwaway = ThrowawayDatabase(os.environ.get(ADMIN_URL_ENV, DEFAULT_ADMIN_URL))
            problem = await throwaway.connection_problem()
            if problem is not None:
                print(f"PostgreSQL not reachable: {problem}", file=sys.stderr)
                return 2
            database_url = throwaway.sqlalchemy_url
            described = (
                f"PostgreSQL {throwaway.name} (throwaway, migrated by `serve`), pool of the "
                "default settings"
            )
        server = ServedApp(database_url, work / f"login_latency-{stem}.log")
        try:
            if throwaway is not None:
                await throwaway.create()
            async with asyncio.timeout(SET_UP_LIMIT_S):
                await server.start()
                await server.wait_ready("/")
            limits = httpx.Limits(
                max_connections=args.clients, max_keepalive_connections=args.clients
            )
            async with httpx.AsyncClient(
                base_url=server.base_url, timeout=REQUEST_TIMEOUT_S, limits=limits
            ) as client:
                async with asyncio.timeout(SET_UP_LIMIT_S):
                    await _sign_up(client, usernames)
                    # Warm-up: connections, first-call imports, the hasher's threads.
                    for _ in range(20):
                        await client.get("/")
                    statuses = await asyncio.gather(*(_sign_in(client, u) for u in usernames))
                    if set(statuses) != {200}:
                        raise RuntimeError(f"warm-up sign-ins answered {sorted(set(statuses))}")
                load_before = os.getloadavg()
                idle = await _phase(client, server.port, [], args.idle, args.interval)
                loaded = await _phase(client, server.port, usernames, args.duration, args.interval)
                load_after = os.getloadavg()
        finally:
            await server.stop()
        try:
            if throwaway is None:
                parameters = await _hash_parameters_sqlite(sqlite_path, usernames[0])
            else:
                parameters = await _hash_parameters_postgresql(throwaway.url, usernames[0])
        finally:
            if throwaway is not None:
                await throwaway.drop()

    report = Report(
        started_at=started_at,
        command=shlex.join([sys.executable, "-m", "bench.login_latency", *argv]),
        server=server,
        database=described,
        hash_parameters=parameters,
        clients=args.clients,
        interval_s=args.interval,
        idle=idle,
        loaded=loaded,
        load_before=load_before,
        load_after=load_after,
    )
    print(report.summary())
    if args.output is not None:
        with args.output.open("a") as out:
            out.write(report.markdown())
        print(f"\nappended to {args.output}")
    if report.failures:
        print(f"{len(report.failures)} failure(s), e.g. {report.failures[0]}", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(
        prog="python -m bench.login_latency",
        description="GET / latency while clients sign in, served as `storefront serve` does.",
    )
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--clients", type=int, default=20, help="clients signing in (20)")
    parser.add_argument(
        "--duration", type=float, default=30.0, help="seconds of sign-ins, probed (30)"
    )
    parser.add_argument(
        "--idle", type=float, default=10.0, help="seconds probed before, with no sign-ins (10)"
    )
    parser.add_argument(
        "--interval", type=float, default=0.02, help="seconds between two GET / probes (0.02)"
    )
    parser.add_argument("--output", type=Path, help="append the report to this Markdown file")
    args = parser.parse_args(argv)
    if args.clients < 1 or args.duration <= 0 or args.idle <= 0 or args.interval <= 0:
        parser.error("--clients, --duration, --idle and --interval must be positive")
    limit = SET_UP_LIMIT_S * 2 + args.idle + args.duration + REQUEST_TIMEOUT_S
    try:
        return asyncio.run(asyncio.wait_for(_run(args, argv), limit))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
