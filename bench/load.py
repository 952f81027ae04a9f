"""Load driven by wrk: the measured endpoints, one wrk run, and what it reports.

Each endpoint has a Lua script in bench/wrk/ that draws random ids (or builds a random order
body) per request and prints one `BENCH_RESULT {json}` line when wrk is done. The scripts of
authenticated endpoints read their bearer tokens from files (`TokenFiles`), written once the
servers are up and the tokens obtained (bench/credentials.py): so the tokens never appear on a
command line or in a results file.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from pathlib import Path

from bench.database import SeedData

__all__ = [
    "ENDPOINTS",
    "Endpoint",
    "LoadSettings",
    "TokenFiles",
    "WrkRun",
    "run_wrk",
    "wrk_command",
]

SCRIPTS = Path(__file__).resolve().parent / "wrk"
ORDER_LINES = 3
# wrk stops by itself after the duration; this is the margin before it is killed.
WRK_GRACE_S = 30.0


@dataclass(frozen=True)
class TokenFiles:
    """Where the wrk scripts find their bearer tokens.

    admin:      one line, the admin's access token (POST /orders/ for any user)
    customers:  one line per customer: their access token, then the ids of their orders
    """

    admin: Path
    customers: Path

    @classmethod
    def in_directory(cls, directory: Path) -> TokenFiles:
        return cls(directory / "admin.token", directory / "customers.tokens")


@dataclass(frozen=True)
class Endpoint:
    name: str
    label: str
    script: str

    def script_args(self, seed: SeedData, tokens: TokenFiles) -> list[str]:
        # Anonymous requests name their store in X-Store; the others are in it by their token.
        if self.name == "get_product":
            return [seed.store_slug, str(seed.first_product_id), str(seed.last_product_id)]
        if self.name == "list_products":
            return [seed.store_slug, *(str(category_id) for category_id in seed.category_ids)]
        if self.name == "get_order":
            return [str(tokens.customers)]
        return [
            str(seed.first_product_id),
            str(seed.last_product_id),
            str(seed.first_user_id),
            str(seed.last_user_id),
            str(ORDER_LINES),
            str(tokens.admin),
        ]


ENDPOINTS: dict[str, Endpoint] = {
    endpoint.name: endpoint
    for endpoint in (
        Endpoint("get_product", "GET /products/{id}", "get_product.lua"),
        Endpoint("list_products", "GET /products/?category_id=…&page_size=20", "list_products.lua"),
        Endpoint("place_order", f"POST /orders/ ({ORDER_LINES} lines)", "place_order.lua"),
        Endpoint("get_order", "GET /orders/{id} (bearer token)", "get_order.lua"),
    )
}


@dataclass(frozen=True)
class LoadSettings:
    threads: int
    connections: int
    timeout_s: int = 10


def wrk_command(
    base_url: str,
    endpoint: Endpoint,
    seed: SeedData,
    tokens: TokenFiles,
    load: LoadSettings,
    duration_s: int,
) -> list[str]:
    return [
        "wrk",
        f"-t{load.threads}",
        f"-c{load.connections}",
        f"-d{duration_s}s",
        f"--timeout={load.timeout_s}s",
        "-s",
        str(SCRIPTS / endpoint.script),
        base_url,
        "--",
        *endpoint.script_args(seed, tokens),
    ]


@dataclass(frozen=True)
class WrkRun:
    """One wrk run against one variant; round 0 is the warm-up."""

    round: int
    endpoint: str
    variant: str
    requests: int
    duration_s: float
    latency_p50_ms: float
    latency_p90_ms: float
    latency_p99_ms: float
    latency_max_ms: float
    non_2xx: int  # wrk counts responses with a status of 400 or more
    socket_errors: int  # connect, read, write errors and timeouts
    worker_cpu_s: float | None = None  # CPU the server process used during the run

    @property
    def cpu_ms_per_request(self) -> float | None:
        """The server's CPU per request: near 1000 / req/s when the worker is saturated."""
        if self.worker_cpu_s is None or not self.requests:
            return None
        return self.worker_cpu_s / self.requests * 1000

    @property
    def requests_per_s(self) -> float:
        return self.requests / self.duration_s if self.duration_s else 0.0


async def run_wrk(
    command: list[str], *, round_number: int, endpoint: str, variant: str, duration_s: int
) -> WrkRun:
    process = await asyncio.create_subprocess_exec(
        *command,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        start_new_session=True,
    )
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(), duration_s + WRK_GRACE_S)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    output = stdout.decode(errors="replace")
    for line in output.splitlines():
        if line.startswith("BENCH_RESULT "):
            result = json.loads(line.removeprefix("BENCH_RESULT "))
            break
    else:
        raise RuntimeError(
            f"wrk printed no result (exit {process.returncode}):\n{output}\n"
            f"{stderr.decode(errors='replace')}"
        )
    errors = result["errors"]
    latency = result["latency_us"]
    return WrkRun(
        round=round_number,
        endpoint=endpoint,
        variant=variant,
        requests=int(result["requests"]),
        duration_s=result["duration_us"] / 1e6,
        latency_p50_ms=latency["p50"] / 1000,
        latency_p90_ms=latency["p90"] / 1000,
        latency_p99_ms=latency["p99"] / 1000,
        latency_max_ms=latency["max"] / 1000,
        non_2xx=int(errors["status"]),
        socket_errors=int(errors["connect"] + errors["read"] + errors["write"] + errors["timeout"]),
    )
