"""From raw runs to figures: medians, ratios, the targets, and the results file.

Every figure in the file is derived from the raw runs listed in it: a median is taken over the
measured rounds (warm-ups excluded) of one variant on one endpoint, and a ratio divides the
app's median requests/s by a baseline's. The app at another checkout (`app@<name>`) is set
against the app the same way, median against median, in a table of its own; the targets are
the app's alone.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field

from bench.load import ENDPOINTS, WrkRun
from bench.plans import ReadPlan
from bench.statement_counter import OrderStatements, ReadStatements

__all__ = [
    "TARGETS",
    "Median",
    "Results",
    "Target",
    "app_at_rows",
    "medians",
    "render_markdown",
    "summary",
    "target_verdicts",
]


@dataclass(frozen=True)
class Target:
    endpoint: str
    baseline: str
    minimum_ratio: float

    @property
    def label(self) -> str:
        return f"{ENDPOINTS[self.endpoint].label}: app ≥ {self.minimum_ratio} x {self.baseline}"


TARGETS = (
    Target("get_product", "raw_asyncpg", 0.6),
    Target("get_product", "seed_style", 1.5),
    Target("list_products", "raw_asyncpg", 0.6),
    Target("place_order", "raw_asyncpg", 0.5),
    Target("place_order", "seed_style", 1.5),
)


@dataclass(frozen=True)
class Median:
    endpoint: str
    variant: str
    runs: int
    requests_per_s: float
    latency_p50_ms: float
    latency_p99_ms: float
    non_2xx: int
    socket_errors: int
    cpu_ms_per_request: float | None


@dataclass
class Results:
    started_at: str
    finished_at: str
    command: str
    settings: dict[str, str]
    machine: dict[str, str]
    versions: dict[str, str]
    schema: str
    server_commands: dict[str, str]
    server_environment: str
    wrk_commands: dict[str, str]
    variants: Sequence[str]
    endpoints: Sequence[str]
    runs: list[WrkRun] = field(default_factory=list)
    statements: list[OrderStatements] = field(default_factory=list)
    statements_note: str = ""
    read_statements: list[ReadStatements] = field(default_factory=list)
    peak_rss_kib: dict[str, int | None] = field(default_factory=dict)
    parity: list[str] = field(default_factory=list)
    quick: bool = False
    # app@<name> -> its directory, git revision and where `entrypoints` was imported from
    apps_at: dict[str, dict[str, str]] = field(default_factory=dict)
    plans: list[ReadPlan] = field(default_factory=list)  # the load's reads, EXPLAIN ANALYZEd

    @property
    def measured(self) -> list[WrkRun]:
        return [run for run in self.runs if run.round > 0]

    @property
    def failed_requests(self) -> int:
        return sum(run.non_2xx + run.socket_errors for run in self.runs)


def medians(results: Results) -> dict[tuple[str, str], Median]:
    table = {}
    for endpoint in results.endpoints:
        for variant in results.variants:
            runs = [r for r in results.measured if r.endpoint == endpoint and r.variant == variant]
            if not runs:
                continue
            table[endpoint, variant] = Median(
                endpoint=endpoint,
                variant=variant,
                runs=len(runs),
                requests_per_s=statistics.median(r.requests_per_s for r in runs),
                latency_p50_ms=statistics.median(r.latency_p50_ms for r in runs),
                latency_p99_ms=statistics.median(r.latency_p99_ms for r in runs),
                non_2xx=sum(r.non_2xx for r in runs),
                socket_errors=sum(r.socket_errors for r in runs),
                cpu_ms_per_request=_median_of([r.cpu_ms_per_request for r in runs]),
            )
    return table


def _median_of(values: Sequence[float | None]) -> float | None:
    known = [value for value in values if value is not None]
    return statistics.median(known) if known else None


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _ratio(table: dict[tuple[str, str], Median], endpoint: str, baseline: str) -> float | None:
    app, other = table.get((endpoint, "app")), table.get((endpoint, baseline))
    if app is None or other is None or not other.requests_per_s:
        return None
    return app.requests_per_s / other.requests_per_s


def _cpu_ratio(variant: Median, app: Median) -> str:
    if variant.cpu_ms_per_request is None or not app.cpu_ms_per_request:
        return "—"
    return f"{variant.cpu_ms_per_request / app.cpu_ms_per_request:.2f}"


_APP_AT_HEADER = (
    "endpoint",
    "variant",
    "req/s",
    "app req/s",
    "req/s ÷ app",
    "app vs variant",
    "CPU ms/req",
    "app CPU ms/req",
    "CPU/req ÷ app",
)


def app_at_rows(results: Results) -> list[list[str]]:
    """Each app@<name> against the app, per endpoint: the ratio of their median req/s, how many
    more (+) or fewer (-) requests per second the app answers than the variant, and the ratio
    of their worker CPU per request."""
    table = medians(results)
    rows = []
    for endpoint in results.endpoints:
        app = table.get((endpoint, "app"))
        if app is None:
            continue
        for variant in results.variants:
            other = table.get((endpoint, variant))
            if not variant.startswith("app@") or other is None or not other.requests_per_s:
                continue
            ratio = other.requests_per_s / app.requests_per_s
            gain = app.requests_per_s / other.requests_per_s - 1
            rows.append(
                [
                    ENDPOINTS[endpoint].label,
                    variant,
                    f"{other.requests_per_s:,.0f}",
                    f"{app.requests_per_s:,.0f}",
                    f"{ratio:.2f}",
                    f"{gain * 100:+.1f} %",
                    _ms(other.cpu_ms_per_request),
                    _ms(app.cpu_ms_per_request),
                    _cpu_ratio(other, app),
                ]
            )
    return rows


OWNER_VARIANT = "app_as_owner"

_RLS_HEADER = (
    "endpoint",
    "req/s app (RLS)",
    "req/s app_as_owner",
    "req/s: RLS ÷ owner",
    "p99 ms app (RLS)",
    "p99 ms app_as_owner",
    "p99: RLS ÷ owner",
    "CPU ms/req app (RLS)",
    "CPU ms/req app_as_owner",
)


def row_security_rows(results: Results) -> list[list[str]]:
    """The app as the app's role (row-level security applies) against the same app as the
    tables' owner (it is let past), per endpoint: median req/s, p99 and worker CPU per
    request of each, and the ratios of req/s and p99. Both send the same statements."""
    table = medians(results)
    rows = []
    for endpoint in results.endpoints:
        app, owner = table.get((endpoint, "app")), table.get((endpoint, OWNER_VARIANT))
        if app is None or owner is None or not owner.requests_per_s:
            continue
        p99_ratio = app.latency_p99_ms / owner.latency_p99_ms if owner.latency_p99_ms else None
        rows.append(
            [
                ENDPOINTS[endpoint].label,
                f"{app.requests_per_s:,.0f}",
                f"{owner.requests_per_s:,.0f}",
                f"{app.requests_per_s / owner.requests_per_s:.2f}",
                f"{app.latency_p99_ms:.2f}",
                f"{owner.latency_p99_ms:.2f}",
                "—" if p99_ratio is None else f"{p99_ratio:.2f}",
                _ms(app.cpu_ms_per_request),
                _ms(owner.cpu_ms_per_request),
            ]
        )
    return rows


def _statements_equal(results: Results, variant: str) -> bool | None:
    counts = {s.statements_per_order for s in results.statements if s.variant == variant}
    if len([s for s in results.statements if s.variant == variant]) < 2:
        return None
    return len(counts) == 1


def target_verdicts(results: Results) -> list[tuple[str, str, str]]:
    """(target, measured, verdict) for each performance target (`TARGETS`)."""
    table = medians(results)
    verdicts = []
    for target in TARGETS:
        ratio = _ratio(table, target.endpoint, target.baseline)
        if ratio is None:
            verdicts.append((target.label, "not measured", "—"))
        else:
            holds = "holds" if ratio >= target.minimum_ratio else "does not hold"
            verdicts.append((target.label, f"{ratio:.2f} x", holds))
    equal = _statements_equal(results, "app")
    app_counts = ", ".join(
        f"{s.lines} line(s): {s.statements_per_order:g}"
        for s in results.statements
        if s.variant == "app"
    )
    verdicts.append(
        (
            "Statements per POST /orders/: the same for 1 and 30 lines (app)",
            app_counts or "not measured",
            "—" if equal is None else ("holds" if equal else "does not hold"),
        )
    )
    return verdicts


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


_MEDIAN_HEADER = (
    "endpoint",
    "variant",
    "req/s",
    "p50 ms",
    "p99 ms",
    "worker CPU ms/req",
    "non-2xx",
    "socket errors",
    "runs",
)


def _median_rows(results: Results) -> list[list[str]]:
    table = medians(results)
    rows = []
    for endpoint in results.endpoints:
        for variant in results.variants:
            median = table.get((endpoint, variant))
            if median is None:
                continue
            rows.append(
                [
                    ENDPOINTS[endpoint].label,
                    variant,
                    f"{median.requests_per_s:,.0f}",
                    f"{median.latency_p50_ms:.2f}",
                    f"{median.latency_p99_ms:.2f}",
                    _ms(median.cpu_ms_per_request),
                    str(median.non_2xx),
                    str(median.socket_errors),
                    str(median.runs),
                ]
            )
    return rows


def _ratio_rows(results: Results) -> list[list[str]]:
    table = medians(results)
    rows = []
    for endpoint in results.endpoints:
        cells = [ENDPOINTS[endpoint].label]
        for baseline in ("raw_asyncpg", "seed_style"):
            ratio = _ratio(table, endpoint, baseline)
            cells.append("—" if ratio is None else f"{ratio:.2f}")
        rows.append(cells)
    return rows


def summary(results: Results) -> str:
    """The table printed at the end of a run (Markdown, so it can go into a README as is)."""
    lines = _table(
        _MEDIAN_HEADER,
        _median_rows(results),
    )
    lines += [
        "",
        *_table(["endpoint", "app / raw_asyncpg", "app / seed_style"], _ratio_rows(results)),
    ]
    if results.apps_at:
        lines += ["", *_table(_APP_AT_HEADER, app_at_rows(results))]
    if row_security_rows(results):
        lines += ["", *_table(_RLS_HEADER, row_security_rows(results))]
    if results.plans:
        lines += [
            "",
            *_table(["read (raw_asyncpg's SQL)", "rows removed by filter"], _plan_rows(results)),
        ]
    if results.statements:
        lines += ["", *_statement_table(results)]
    if results.read_statements:
        lines += ["", *_read_statement_table(results)]
    lines += ["", *_table(["target", "measured", "verdict"], target_verdicts(results))]
    return "\n".join(lines)


def _statement_table(results: Results) -> list[str]:
    return _table(
        [
            "variant",
            "lines per order",
            "orders",
            "statements per order",
            "of which naming the store",
            "round trips per order",
        ],
        [
            [
                s.variant,
                str(s.lines),
                str(s.orders),
                f"{s.statements_per_order:g}",
                f"{s.store_settings_per_order:g}",
                f"{s.round_trips_per_order:g}",
            ]
            for s in results.statements
        ],
    )


def _read_statement_table(results: Results) -> list[str]:
    return _table(
        [
            "endpoint",
            "variant",
            "requests",
            "statements per request",
            "of which naming the store",
            "round trips per request",
        ],
        [
            [
                ENDPOINTS[s.endpoint].label,
                s.variant,
                str(s.requests),
                f"{s.statements_per_request:g}",
                f"{s.store_settings_per_request:g}",
                f"{s.round_trips_per_request:g}",
            ]
            for s in results.read_statements
        ],
    )


def _plan_rows(results: Results) -> list[list[str]]:
    return [[plan.read, f"{plan.rows_removed_by_filter:,}"] for plan in results.plans]


def render_markdown(results: Results) -> str:
    title = "Benchmark results" + (" (quick run: indicative only)" if results.quick else "")
    out = [f"# {title}", ""]
    out += [f"Started {results.started_at}, finished {results.finished_at} (UTC).", ""]

    out += ["## Machine", ""]
    out += [f"- {key}: {value}" for key, value in results.machine.items()]
    out += ["", "## Versions", ""]
    out += [f"- {key}: {value}" for key, value in results.versions.items()]

    out += ["", "## Set-up", ""]
    out += [f"- {key}: {value}" for key, value in results.settings.items()]
    out += [f"- schema: {results.schema}"]

    out += ["", "## Commands", "", "Runner:", "", "```sh", results.command, "```", ""]
    out += ["Servers (environment added to the runner's: " + results.server_environment + "):"]
    out += ["", "```sh"]
    out += [f"# {variant}\n{command}" for variant, command in results.server_commands.items()]
    out += ["```", ""]
    if results.apps_at:
        out += [
            "The app at other checkouts (checked before the run: the servers' interpreter, in "
            "a variant's working directory and environment, imports `entrypoints` from there):",
            "",
        ]
        out += _table(
            ["variant", "directory", "git revision", "entrypoints imported from"],
            [
                [
                    name,
                    facts["directory"],
                    facts["git revision"],
                    facts["entrypoints imported from"],
                ]
                for name, facts in results.apps_at.items()
            ],
        )
        out += [""]
    out += ["Load (`<url>` is each server's address):", "", "```sh"]
    out += [f"# {endpoint}\n{command}" for endpoint, command in results.wrk_commands.items()]
    out += ["```", ""]

    out += ["## Same JSON from every variant", ""]
    out += [f"- {line}" for line in results.parity] or ["- not checked"]

    out += ["", "## Medians of the measured rounds", ""]
    out += _table(_MEDIAN_HEADER, _median_rows(results))
    out += [
        "",
        "worker CPU ms/req: the user and system CPU the server process used during a run "
        "(/proc/<pid>/stat), divided by the requests it answered. A worker that was the "
        "bottleneck shows about 1000 / (req/s); less means it waited on PostgreSQL or the "
        "load generator, which share the machine's CPUs.",
    ]
    out += ["", "## Ratios (app median req/s ÷ baseline median req/s)", ""]
    out += _table(["endpoint", "app / raw_asyncpg", "app / seed_style"], _ratio_rows(results))

    if results.apps_at:
        out += ["", "## The app at other checkouts against the app", ""]
        out += _table(_APP_AT_HEADER, app_at_rows(results))
        out += [
            "",
            "req/s ÷ app: the variant's median req/s divided by the app's; app vs variant: "
            "how many more (+) or fewer (-) requests per second the app answers than the "
            "variant, app ÷ variant - 1; CPU/req ÷ app: the variant's worker CPU per request "
            "divided by the app's.",
        ]

    if row_security_rows(results):
        out += [
            "",
            "## What row-level security costs: the app as its role against as the owner",
            "",
        ]
        out += _table(_RLS_HEADER, row_security_rows(results))
        out += [
            "",
            "app connects as the app's role, which the policies hold; app_as_owner is the "
            "same code connected as the tables' owner, whom they let past. Both send the same "
            "statements, the set_config naming the store included (counted below), so the "
            "ratio is what PostgreSQL's evaluation of the policies costs under this load; "
            "the set_config statements are the app's cost of naming the store at all.",
        ]

    if results.plans:
        out += ["", "## How PostgreSQL runs the reads in the loaded store", ""]
        out += _table(["read (raw_asyncpg's SQL)", "rows removed by filter"], _plan_rows(results))
        out += [
            "",
            "EXPLAIN ANALYZE before the load, as the app's role with the loaded store named "
            "(bench/plans.py): rows removed by filter are rows a scan read and threw away, "
            "the other store's among them.",
            "",
        ]
        for plan in results.plans:
            out += [f"{plan.read}:", "", "```", *plan.lines, "```", ""]

    out += ["", "## SQL statements per POST /orders/", ""]
    if results.statements:
        out += _statement_table(results)
    if results.statements_note:
        out += ["", results.statements_note]
    if results.read_statements:
        out += ["", "## SQL statements per read", ""]
        out += _read_statement_table(results)
        out += [
            "",
            "Counted the same way, over sequential requests after 3 warm-up requests: 25 "
            "products by id and a page of each category (anonymous, in the loaded store), and "
            "one customer's 25 orders with their token (checking it is in each count).",
        ]

    out += ["", "## Peak RSS of each server worker (VmHWM at the end of the load)", ""]
    out += _table(
        ["variant", "peak RSS"],
        [
            [variant, "unknown" if kib is None else f"{kib / 1024:.1f} MiB"]
            for variant, kib in results.peak_rss_kib.items()
        ],
    )

    out += ["", "## Targets", ""]
    out += _table(["target", "measured", "verdict"], target_verdicts(results))

    out += ["", "## Every run, in the order it ran (round 0 is the warm-up)", ""]
    out += _table(
        [
            "round",
            "endpoint",
            "variant",
            "requests",
            "seconds",
            "req/s",
            "p50 ms",
            "p90 ms",
            "p99 ms",
            "max ms",
            "worker CPU ms/req",
            "non-2xx",
            "socket errors",
        ],
        [
            [
                str(run.round),
                run.endpoint,
                run.variant,
                str(run.requests),
                f"{run.duration_s:.2f}",
                f"{run.requests_per_s:,.1f}",
                f"{run.latency_p50_ms:.2f}",
                f"{run.latency_p90_ms:.2f}",
                f"{run.latency_p99_ms:.2f}",
                f"{run.latency_max_ms:.2f}",
                _ms(run.cpu_ms_per_request),
                str(run.non_2xx),
                str(run.socket_errors),
            ]
            for run in results.runs
        ],
    )
    return "\n".join(out) + "\n"
