"""The benchmark runner: `python -m bench.run` (or `make bench`).

    check where each app@<name> imports its code from
    create storefront_bench_<hex>  ->  migrate (as the owner)  ->  grant the app's role
        (`storefront db grant-app-role`)  ->  seed two stores alike, "main" and "bench": in
        each 10,000 products, 1,000 users, an admin, 500 orders of 20 customers
    start app, [app@<name> ...], app_as_owner, raw_asyncpg, seed_style (one uvicorn worker
        each, same pool; all as the app's role but app_as_owner, the tables' owner)
    sign the admin and the customers of "bench" in on the app (POST /auth/token)  ->  check
        that every order a customer's requests will name answers them 200, on every server,
        and that nothing of "main" is reached from "bench"
    compare their JSON  ->  warm up each  ->  rounds of A B C ... per endpoint (wrk)
    peak RSS  ->  stop  ->  statements per order, 1 line vs 30 (counted on the wire)
    drop the database  ->  bench/results/YYYY-MM-DD.md + summary table

Every step has a time limit; the servers are stopped and the database dropped on every exit,
errors, Ctrl-C and SIGTERM included. Exit status: 0 when every request succeeded and the JSON
matched, 1 otherwise, 2 when the run could not start, 130 when interrupted.

`--app-at before=/path/to/checkout` (repeatable) adds the app as that checkout has it, as the
variant `app@before`, measured in turn with the others (right after `app`). The schema and
the seed are this checkout's. Ratios to the baselines and the verdicts are the app's, as
without it; each `app@<name>` is compared with `app` in a table of its own.

The load goes to the store "bench" only, "main" seeded alike beside it: a leak would answer
the wrong rows (checked before the load, and against the baselines' JSON), and a query
without store_id in its index scans both. `app_as_owner` is the same app connected as the
tables' owner, whom row-level security lets past: set against `app` it is what the policies
cost (the statements naming the store to them are sent by both, and counted).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import shlex
import shutil
import signal
import sys
import time
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench import credentials
from bench.credentials import STORE_HEADER, Tokens
from bench.database import (
    APP_ROLE,
    APP_ROLE_PASSWORD,
    CUSTOMERS,
    DEFAULT_ADMIN_URL,
    LINES_PER_SEEDED_ORDER,
    LOADED_STORE,
    ORDERS_PER_CUSTOMER,
    SeedData,
    ThrowawayDatabase,
    seeded_database,
)
from bench.load import (
    ENDPOINTS,
    ORDER_LINES,
    LoadSettings,
    TokenFiles,
    WrkRun,
    run_wrk,
    wrk_command,
)
from bench.machine import git_revision, machine_facts, package_versions, wrk_version
from bench.parity import check_parity
from bench.plans import explain_reads
from bench.report import Results, render_markdown, summary
from bench.servers import (
    ACCESS_TOKEN_MINUTES,
    APP_AT_PREFIX,
    REPOSITORY,
    VARIANTS,
    Server,
    Variant,
    app_at,
    imported_from,
)
from bench.statement_counter import (
    StatementCounter,
    count_order_statements,
    count_read_statements,
)

__all__ = ["Benchmark", "Plan", "main"]

BENCH = Path(__file__).resolve().parent
WORK = BENCH / ".work"  # logs and quick-run results; ignored by git
ADMIN_URL_ENV = "STOREFRONT_BENCH_POSTGRES_URL"
PRODUCTS, USERS, CATEGORIES, STOCK = 10_000, 1_000, 20, 1_000_000
STATEMENT_LINE_COUNTS = (1, 30)


def standard_database() -> AbstractAsyncContextManager[tuple[ThrowawayDatabase, SeedData]]:
    """The benchmark's throwaway database, seeded as a run seeds it, for the in-process tools
    (profile.py, floor.py). Raises bench.database.Unreachable when the server does not answer."""
    return seeded_database(
        os.environ.get(ADMIN_URL_ENV, DEFAULT_ADMIN_URL),
        products=PRODUCTS,
        users=USERS,
        categories=CATEGORIES,
        stock=STOCK,
    )


WRK_MISSING = """\
wrk is not installed; the benchmark drives its load with it. On Debian or Ubuntu:

    sudo apt-get update && sudo apt-get install -y wrk

(elsewhere: build it from https://github.com/wg/wrk), then run the benchmark again."""


def _app_at_option(raw: str) -> Variant:
    """`NAME=DIR` of --app-at, as the variant `app@NAME`."""
    name, equals, directory = raw.partition("=")
    if not equals or not name or not directory:
        raise argparse.ArgumentTypeError(f"expected NAME=DIR, got {raw!r}")
    try:
        return app_at(name, Path(directory))
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run",
        description="Measure the app against the raw_asyncpg and seed_style baselines.",
    )
    parser.add_argument("--rounds", type=int, help="measured rounds (default 3; --quick: 1)")
    parser.add_argument(
        "--duration", type=int, help="seconds per measured run (default 10; --quick: 3)"
    )
    parser.add_argument(
        "--warmup", type=int, help="seconds of warm-up per variant and endpoint (5; --quick: 2)"
    )
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (32)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument("--pool-size", type=int, default=10, help="database pool per server (10)")
    parser.add_argument(
        "--variants",
        default=",".join(VARIANTS),
        help=f"comma-separated, from {', '.join(VARIANTS)} (all)",
    )
    parser.add_argument(
        "--app-at",
        action="append",
        default=[],
        type=_app_at_option,
        metavar="NAME=DIR",
        help="also measure the app of the checkout in DIR, as the variant app@NAME, right "
        "after app (repeatable)",
    )
    parser.add_argument(
        "--endpoints",
        default=",".join(ENDPOINTS),
        help=f"comma-separated, from {', '.join(ENDPOINTS)} (all)",
    )
    parser.add_argument(
        "--statement-orders",
        type=int,
        help="orders per line count when counting statements (20; --quick: 3; 0 skips it)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a smoke run: 1 round of 3 s after 2 s of warm-up; results go to bench/.work/",
    )
    parser.add_argument("--output", type=Path, help="where to write the results file")
    return parser


def _choices(raw: str, known: Sequence[str], what: str) -> list[str]:
    chosen = [name.strip() for name in raw.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in known]
    if unknown or not chosen:
        print(
            f"unknown {what}: {', '.join(unknown) or '(none)'}; known: {', '.join(known)}",
            file=sys.stderr,
        )
        raise SystemExit(2)
    return chosen


def _with_apps_at(chosen: list[str], apps_at: Sequence[Variant]) -> list[str]:
    """`chosen` with the app@<name> variants in the order given, right after `app` (first
    when `app` is not chosen). Raises SystemExit(2) when two have the same name."""
    names = [variant.name for variant in apps_at]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        print(f"--app-at names a variant twice: {', '.join(repeated)}", file=sys.stderr)
        raise SystemExit(2)
    at = chosen.index("app") + 1 if "app" in chosen else 0
    return [*chosen[:at], *names, *chosen[at:]]


@dataclass(frozen=True)
class Plan:
    """What one run does, with the --quick defaults resolved."""

    variants: list[str]
    catalogue: dict[str, Variant]  # every variant of `variants`, by name
    endpoints: list[str]
    rounds: int
    duration_s: int
    warmup_s: int
    statement_orders: int
    pool_size: int
    load: LoadSettings
    quick: bool

    @classmethod
    def from_options(cls, options: argparse.Namespace) -> Plan:
        quick = bool(options.quick)

        def pick(given: int | None, normal: int, short: int) -> int:
            return given if given is not None else (short if quick else normal)

        apps_at: list[Variant] = options.app_at
        return cls(
            variants=_with_apps_at(
                _choices(options.variants, list(VARIANTS), "variant(s)"), apps_at
            ),
            catalogue={**VARIANTS, **{variant.name: variant for variant in apps_at}},
            endpoints=_choices(options.endpoints, list(ENDPOINTS), "endpoint(s)"),
            rounds=pick(options.rounds, 3, 1),
            duration_s=pick(options.duration, 10, 3),
            warmup_s=pick(options.warmup, 5, 2),
            statement_orders=pick(options.statement_orders, 20, 3),
            pool_size=options.pool_size,
            load=LoadSettings(threads=options.threads, connections=options.connections),
            quick=quick,
        )

    @property
    def apps_at(self) -> list[Variant]:
        """The app@<name> variants, in the order they are measured."""
        return [self.catalogue[name] for name in self.variants if name.startswith(APP_AT_PREFIX)]

    def describe(self) -> dict[str, str]:
        return {
            "measured rounds": f"{self.rounds}, {self.duration_s} s each, interleaved: per "
            f"round and endpoint, each variant in turn ({', '.join(self.variants)})",
            "warm-up": f"{self.warmup_s} s per variant and endpoint, before the first round",
            **(
                {
                    "apps at other checkouts": "; ".join(
                        f"{variant.name}: {variant.directory}" for variant in self.apps_at
                    )
                    + " (working directory and PYTHONPATH; the same interpreter, packages, "
                    "schema and seed as app)"
                }
                if self.apps_at
                else {}
            ),
            "wrk": f"{self.load.threads} threads, {self.load.connections} connections, "
            f"{self.load.timeout_s} s timeout",
            "servers": "uvicorn, 1 worker, uvloop + httptools, no access log, a pool of "
            f"{self.pool_size} connections without overflow; all variants run side by side "
            "during the load, idle while another one is measured",
            "database roles": f"every server connects as {APP_ROLE}, the app's role (made by "
            "`storefront db grant-app-role`), which row-level security holds, but "
            "app_as_owner, which connects as the tables' owner, whom it lets past",
            "data": f"two stores seeded alike, main and {LOADED_STORE}; the load goes to "
            f"{LOADED_STORE} (anonymous requests name it in {STORE_HEADER}, the others by "
            f"their token). In each: {PRODUCTS:,} products in {CATEGORIES} categories (stock "
            f"{STOCK:,} each), {USERS:,} users and an admin, with the same names, SKUs and "
            f"usernames in both; an order takes one of each of {ORDER_LINES} random distinct "
            "products for a random user, placed with the admin's bearer token; the first "
            f"{CUSTOMERS} users own {ORDERS_PER_CUSTOMER} seeded orders each "
            f"({LINES_PER_SEEDED_ORDER} lines), and GET /orders/{{id}} reads one of them with "
            "its owner's token (a random customer, then one of their orders)",
        }


class _Clock:
    def __init__(self) -> None:
        self.start = time.monotonic()

    def say(self, message: str) -> None:
        print(f"[{time.monotonic() - self.start:7.1f} s] {message}", flush=True)


def _via(url: str, host: str, port: int) -> str:
    """`url` with its host and port replaced (user and database kept)."""
    parts = urlsplit(url)
    user = parts.netloc.rpartition("@")[0]
    netloc = f"{user}@{host}:{port}" if user else f"{host}:{port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))


def _via_scheme(url: str) -> str:
    """A SQLAlchemy URL (postgresql+asyncpg://) as asyncpg takes it."""
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


def _describe(run: WrkRun, width: int = 12) -> str:
    """One line of progress for `run`; `width` fits the longest variant name."""
    kind = "warm-up" if run.round == 0 else f"round {run.round}"
    failures = ""
    if run.non_2xx or run.socket_errors:
        failures = f", {run.non_2xx} non-2xx, {run.socket_errors} socket errors"
    return (
        f"{kind:8s} {run.endpoint:14s} {run.variant:{width}s} {run.requests_per_s:9,.0f} req/s  "
        f"p50 {run.latency_p50_ms:6.2f} ms  p99 {run.latency_p99_ms:7.2f} ms{failures}"
    )


def _cannot_start(plan: Plan) -> str | None:
    if shutil.which("wrk") is None:
        return WRK_MISSING
    if "app" in plan.variants:
        try:
            found = importlib.util.find_spec("entrypoints.http.app") is not None
        except ModuleNotFoundError:
            found = False
        if not found:
            return (
                "the app (entrypoints.http.app) is not importable; measure the baselines "
                "alone with --variants raw_asyncpg,seed_style"
            )
    return None


class Refused(Exception):
    """A check before the load failed: measuring would compare servers doing different work."""


class Benchmark:
    """One run: owns the database, the servers and the statement counter it starts."""

    def __init__(self, plan: Plan, database: ThrowawayDatabase, results: Results) -> None:
        self.plan = plan
        self.database = database
        self.results = results
        self.clock = _Clock()
        self.logs = WORK / "logs" / datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        self.token_files = TokenFiles.in_directory(self.logs / "tokens")
        self.tokens: Tokens | None = None
        self.servers: list[Server] = []
        self.counter: StatementCounter | None = None

    async def run(self) -> None:
        try:
            seed = await self._prepare_database()
            await self._load(seed)
            if self.plan.statement_orders > 0:
                await self._count_statements(seed)
            else:
                self.results.statements_note = "Not counted (--statement-orders 0)."
        finally:
            await self._clean_up()

    async def _prepare_database(self) -> SeedData:
        database, results = self.database, self.results
        self.clock.say(f"creating database {database.name}")
        await database.create()
        results.schema = await database.migrate()
        self.clock.say(f"schema: {results.schema}")
        granted = await database.grant_app_role()
        bypassing = {
            "owner": await database.bypasses_row_security(database.sqlalchemy_url),
            APP_ROLE: await database.bypasses_row_security(database.app_role_url),
        }
        if bypassing[APP_ROLE] or not bypassing["owner"]:
            raise Refused(
                f"row-level security would not tell the roles apart: {bypassing} (the "
                f"owner must bypass it, {APP_ROLE} must not)"
            )
        results.settings["app's role"] = (
            f"{granted}, run as the owner after migrating; {APP_ROLE} does not bypass "
            "row-level security, the owner does (checked: superuser, BYPASSRLS or owner "
            "of the tables)"
        )
        self.clock.say(f"app's role: {granted}")
        seed = await database.seed(
            products=PRODUCTS, users=USERS, categories=CATEGORIES, stock=STOCK
        )
        for store in (seed.other_store, seed):
            assert store is not None, "the loaded store's seed names the other one"
            self.clock.say(
                f"seeded store {store.store_slug} (id {store.store_id}): products "
                f"{store.first_product_id}..{store.last_product_id}, users "
                f"{store.first_user_id}..{store.last_user_id}, "
                f"{len(store.category_ids)} categories, admin {store.admin_user_id}, "
                f"{sum(len(c.order_ids) for c in store.customers)} orders of "
                f"{len(store.customers)} customers"
            )
        results.plans = await explain_reads(_via_scheme(database.app_role_url), seed)
        for plan in results.plans:
            self.clock.say(
                f"plan of {plan.read}: {plan.rows_removed_by_filter} rows removed by filter"
            )
        results.settings["planner statistics"] = (
            "ANALYZE of the whole database before every wrk run, warm-ups included "
            f"(autovacuum on this server: {await database.setting('autovacuum')})"
        )
        results.versions = {
            **package_versions(),
            "PostgreSQL": await database.server_version(),
            "wrk": wrk_version(),
            "git revision": git_revision(REPOSITORY),
        }
        results.wrk_commands = {
            name: shlex.join(
                wrk_command(
                    "<url>",
                    ENDPOINTS[name],
                    seed,
                    self.token_files,
                    self.plan.load,
                    self.plan.duration_s,
                )
            )
            for name in self.plan.endpoints
        }
        return seed

    def _database_url(self, variant: str) -> str:
        """The URL a variant's server connects with: as the tables' owner or the app's role."""
        if self.plan.catalogue[variant].as_owner:
            return self.database.sqlalchemy_url
        return self.database.app_role_url

    async def _start(
        self, variant: str, database_url: str, log_name: str, seed: SeedData
    ) -> Server:
        server = Server(
            self.plan.catalogue[variant], database_url, self.plan.pool_size, self.logs / log_name
        )
        self.servers.append(server)
        await server.start()
        # Main's product ids are not the loaded store's: a server ignoring X-Store answers 404.
        await server.wait_ready(
            f"/products/{seed.first_product_id}", headers={STORE_HEADER: seed.store_slug}
        )
        self.clock.say(f"{variant} ready on {server.base_url} (pid {server.pid})")
        if server.variant.elsewhere:
            # The import check (_check_apps_at) ran in this directory: the server must too.
            running_in = server.working_directory()
            if running_in != server.variant.directory:
                raise RuntimeError(f"{variant} runs in {running_in}, not in its checkout")
            where = self.results.apps_at[variant]["entrypoints imported from"]
            self.clock.say(f"{variant} runs in {running_in}; entrypoints from {where}")
        return server

    async def _load(self, seed: SeedData) -> None:
        plan, results = self.plan, self.results
        servers = [
            await self._start(name, self._database_url(name), f"{name}.log", seed)
            for name in plan.variants
        ]
        results.server_commands = {
            s.variant.name: _server_command(s.command, s.variant) for s in servers
        }
        results.server_environment = ", ".join(
            f"{key}={value}"
            for key, value in servers[0].environment.items()
            if key not in servers[0].variant.environment and key != "DATABASE_URL"
        )
        shown = self.database.app_role_url.replace(f":{APP_ROLE_PASSWORD}@", ":<password>@", 1)
        results.server_environment += (
            f", DATABASE_URL={shown} (app_as_owner: {self.database.sqlalchemy_url})"
        )

        self.tokens = tokens = await self._tokens(servers, seed)
        if "get_order" in plan.endpoints:
            problems = await credentials.check_orders_readable(servers, tokens)
            if problems:
                raise Refused(
                    "the orders GET /orders/{id} would read do not all answer 200 to their "
                    "owner (or a refusal is missing); no load was run:\n  "
                    + "\n  ".join(problems[:20])
                )
            checked = (
                f"every server answered 200 to each of the "
                f"{sum(len(c.order_ids) for c, _ in tokens.customers)} orders GET /orders/{{id}} "
                "can name, read by its owner; 401 without a token or with a forged, expired or "
                "revoked one; 404 to another customer"
            )
            results.settings["checked before the load"] = checked
            self.clock.say(checked)

        leaks = await credentials.check_stores_apart(servers, seed, tokens)
        if leaks:
            raise Refused(
                "a request to one store reached the other's rows; no load was run:\n  "
                + "\n  ".join(leaks[:20])
            )
        apart = (
            f"every server answered 404 to the product and the order ids of store "
            f"{seed.other_store.store_slug if seed.other_store else '-'} (seeded alike) asked "
            f"for in {seed.store_slug}, listed no product in its category, and answered 403 "
            f"to a token of {seed.store_slug} with {STORE_HEADER} naming the other store"
        )
        results.settings["stores kept apart"] = apart
        self.clock.say(apart)

        results.parity = await check_parity(servers, seed, tokens)
        for line in results.parity:
            self.clock.say(f"JSON check: {line}")

        width = max(12, *(len(name) for name in plan.variants))

        async def measure(round_number: int, endpoint: str, server: Server, seconds: int) -> None:
            await self.database.analyze()  # each run starts with statistics of the data as is
            cpu_before = server.cpu_seconds()
            run = await run_wrk(
                wrk_command(
                    server.base_url, ENDPOINTS[endpoint], seed, self.token_files, plan.load, seconds
                ),
                round_number=round_number,
                endpoint=endpoint,
                variant=server.variant.name,
                duration_s=seconds,
            )
            cpu_after = server.cpu_seconds()
            if cpu_before is not None and cpu_after is not None:
                run = replace(run, worker_cpu_s=cpu_after - cpu_before)
            results.runs.append(run)
            self.clock.say(_describe(run, width))

        for endpoint in plan.endpoints:
            for server in servers:
                await measure(0, endpoint, server, plan.warmup_s)
        for round_number in range(1, plan.rounds + 1):
            for endpoint in plan.endpoints:
                for server in servers:
                    await measure(round_number, endpoint, server, plan.duration_s)

        results.peak_rss_kib = {s.variant.name: s.peak_rss_kib() for s in servers}
        await self._stop_servers()

    async def _tokens(self, servers: Sequence[Server], seed: SeedData) -> Tokens:
        """The bearer tokens of the load, from the app's POST /auth/token when the app is in
        the run, written where the wrk scripts read them."""
        app = next(
            (server for server in servers if server.variant.name in ("app", "app_as_owner")),
            None,
        )
        tokens = await credentials.sign_in(app, seed) if app is not None else credentials.mint(seed)
        credentials.write(tokens, self.token_files)
        self.results.settings["bearer tokens"] = (
            f"{tokens.how}; every server has the same JWT_SECRET and ACCESS_TOKEN_MINUTES="
            f"{ACCESS_TOKEN_MINUTES}, so the tokens serve every variant for the whole run"
        )
        self.clock.say(f"bearer tokens: {tokens.how}")
        return tokens

    async def _count_statements(self, seed: SeedData) -> None:
        assert self.tokens is not None, "the load signed in first"
        parts = urlsplit(self.database.url)
        self.counter = StatementCounter(parts.hostname or "127.0.0.1", parts.port or 5432)
        port = await self.counter.start()
        for name in self.plan.variants:
            proxy_url = _via(self._database_url(name), "127.0.0.1", port)
            server = await self._start(name, proxy_url, f"{name}-statements.log", seed)
            counts = await count_order_statements(
                name,
                server.base_url,
                self.counter,
                seed,
                token=self.tokens.admin,
                line_counts=STATEMENT_LINE_COUNTS,
                orders=self.plan.statement_orders,
            )
            self.results.statements += counts
            for count in counts:
                self.clock.say(
                    f"statements {name}: {count.lines:2d} line(s) -> "
                    f"{count.statements_per_order:g} statements "
                    f"({count.store_settings_per_order:g} naming the store), "
                    f"{count.round_trips_per_order:g} round trips per order"
                )
            for endpoint, paths, headers in self._reads(seed):
                reads = await count_read_statements(
                    name,
                    server.base_url,
                    self.counter,
                    endpoint=endpoint,
                    paths=paths,
                    headers=headers,
                )
                self.results.read_statements.append(reads)
                self.clock.say(
                    f"statements {name}: {ENDPOINTS[endpoint].label} -> "
                    f"{reads.statements_per_request:g} statements "
                    f"({reads.store_settings_per_request:g} naming the store), "
                    f"{reads.round_trips_per_request:g} round trips per request"
                )
            await self._stop_servers()
        self.results.statements_note = (
            "Counted on the wire by bench/statement_counter.py, a proxy between each server "
            "and PostgreSQL: statements = Query + Execute messages, round trips = Query + Sync "
            f"messages, averaged over {self.plan.statement_orders} sequential orders per line "
            "count after 3 warm-up orders of each shape, each placed with the admin's bearer "
            "token (the query that finds its account active counts). BEGIN, COMMIT, "
            "savepoints, pool "
            "pre-pings and asyncpg's reset query on returning a connection to its pool count "
            'as statements. "naming the store": of these, the set_config statements that '
            "name the store to the row-level security policies. (pg_stat_statements would "
            "need the server restarted with it in shared_preload_libraries, and counts "
            "every database of the server.)"
        )

    def _reads(self, seed: SeedData) -> list[tuple[str, list[str], dict[str, str]]]:
        """The reads whose statements are counted: (endpoint, paths, headers)."""
        assert self.tokens is not None, "the load signed in first"
        anonymous = {STORE_HEADER: seed.store_slug}
        customer, token = self.tokens.customers[0]
        every = {
            "get_product": (
                [f"/products/{seed.first_product_id + n}" for n in range(25)],
                anonymous,
            ),
            "list_products": (
                [
                    f"/products/?category_id={category_id}&page_size=20"
                    for category_id in seed.category_ids
                ],
                anonymous,
            ),
            "get_order": (
                [f"/orders/{order_id}" for order_id in customer.order_ids],
                {"Authorization": f"Bearer {token}"},
            ),
        }
        return [
            (endpoint, paths, headers)
            for endpoint, (paths, headers) in every.items()
            if endpoint in self.plan.endpoints
        ]

    async def _stop_servers(self) -> None:
        while self.servers:
            await self.servers.pop().stop()

    async def _clean_up(self) -> None:
        await self._stop_servers()
        if self.counter is not None:
            await self.counter.close()
        await self.database.drop()
        self.clock.say(f"servers stopped, database {self.database.name} dropped")


def _server_command(command: Sequence[str], variant: Variant) -> str:
    """`command` as a shell line, prefixed with what a variant run elsewhere adds."""
    line = shlex.join(command)
    if not variant.elsewhere:
        return line
    added = " ".join(f"{key}={shlex.quote(value)}" for key, value in variant.environment.items())
    return f"cd {shlex.quote(str(variant.directory))} && {added} {line}"


async def _check_apps_at(plan: Plan, results: Results) -> str | None:
    """Record where each app@<name> imports its code from and its revision; None when every
    one imports from its own checkout, else what is wrong."""
    for variant in plan.apps_at:
        try:
            found = await imported_from(variant)
        except RuntimeError as err:
            return str(err)
        results.apps_at[variant.name] = {
            "directory": str(variant.directory),
            "git revision": git_revision(variant.directory),
            "entrypoints imported from": str(found),
        }
        print(f"{variant.name}: entrypoints imported from {found}", flush=True)
    return None


def _results_path(plan: Plan, output: Path | None, today: str) -> Path:
    if output is not None:
        return output
    if plan.quick:
        return WORK / f"quick-{today}.md"
    path = BENCH / "results" / f"{today}.md"
    number = 2
    while path.exists():  # a second full run on the same day keeps the first one's numbers
        path = BENCH / "results" / f"{today}-{number}.md"
        number += 1
    return path


def _load_average() -> str:
    """Runnable processes, averaged: other work on the machine shares its CPUs with the run."""
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def _shown(path: Path) -> str:
    return str(path.relative_to(REPOSITORY)) if path.is_relative_to(REPOSITORY) else str(path)


async def _run(options: argparse.Namespace, argv: Sequence[str]) -> int:
    plan = Plan.from_options(options)
    problem = _cannot_start(plan)
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2

    admin_url = os.environ.get(ADMIN_URL_ENV, DEFAULT_ADMIN_URL)
    database = ThrowawayDatabase(admin_url)
    started_at = datetime.now(UTC)
    results = Results(
        started_at=started_at.strftime("%Y-%m-%d %H:%M:%S"),
        finished_at="",
        command=shlex.join([sys.executable, "-m", "bench.run", *argv]),
        settings={
            **plan.describe(),
            "database": f"PostgreSQL at {urlsplit(database.admin_url).netloc}, "
            f"throwaway database {database.name}",
        },
        machine={**machine_facts(), "load average at the start (1, 5, 15 min)": _load_average()},
        versions={},
        schema="",
        server_commands={},
        server_environment="",
        wrk_commands={},
        variants=plan.variants,
        endpoints=plan.endpoints,
        quick=plan.quick,
    )
    wrong_checkout = await _check_apps_at(plan, results)
    if wrong_checkout is not None:
        print(wrong_checkout, file=sys.stderr)
        return 2
    unreachable = await database.connection_problem()
    if unreachable is not None:
        print(
            f"PostgreSQL not reachable at {database.admin_url} ({unreachable}); start it "
            f"or point {ADMIN_URL_ENV} at a server",
            file=sys.stderr,
        )
        return 2

    benchmark = Benchmark(plan, database, results)
    try:
        await benchmark.run()
    except Refused as refusal:
        print(f"NOT MEASURED: {refusal}", file=sys.stderr)
        return 1

    results.finished_at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
    results.machine["load average at the end (1, 5, 15 min)"] = _load_average()
    path = _results_path(plan, options.output, started_at.strftime("%Y-%m-%d"))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_markdown(results))
    print(f"\n{summary(results)}\n")
    print(f"results: {_shown(path)}")
    print(f"server logs: {_shown(benchmark.logs)}")

    mismatches = [line for line in results.parity if "DIFFERS" in line]
    if results.failed_requests or mismatches:
        print(
            f"NOT CLEAN: {results.failed_requests} failed request(s), "
            f"{len(mismatches)} JSON mismatch(es); see the results file",
            file=sys.stderr,
        )
        return 1
    return 0


async def _main_task(options: argparse.Namespace, argv: Sequence[str]) -> int:
    # SIGTERM stops the run as Ctrl-C does: the clean-up in Benchmark.run still happens.
    task = asyncio.current_task()
    if task is not None:
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    return await _run(options, argv)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    options = _parser().parse_args(argv)
    try:
        return asyncio.run(_main_task(options, argv))
    except (KeyboardInterrupt, asyncio.CancelledError):
        print("interrupted: servers stopped, database dropped, no results written", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
