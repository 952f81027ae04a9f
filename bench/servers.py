"""The servers under test: one uvicorn process per variant, each with a single worker.

Every variant runs with the same uvicorn options (uvloop, httptools, no access log), the same
connection pool (DB_POOL_SIZE connections, no overflow) and the same JWT_SECRET, so the only
difference between them is the code behind the routes, and an access token the app issued is
verified by the baselines as by the app. They connect as the app's role, which row-level
security holds, as production does; `app_as_owner` is the app connected as the tables' owner,
whom the policies let past: the two measure what row-level security costs.

Besides the three fixed variants, the app at another checkout of the repository can be
served as `app@<name>` (`app_at`): the same target, the same interpreter and packages, but
run from that directory (working directory and PYTHONPATH), so that `entrypoints` is imported
from there. `imported_from` asks that interpreter, in that environment, where the module
really comes from; the runner refuses a variant that would import this checkout's code.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

import httpx

__all__ = [
    "ACCESS_TOKEN_MINUTES",
    "APP_AT_PREFIX",
    "BENCH_JWT_SECRET",
    "REPOSITORY",
    "VARIANTS",
    "Server",
    "Variant",
    "app_at",
    "free_port",
    "imported_from",
]

REPOSITORY = Path(__file__).resolve().parent.parent
READY_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0
IMPORT_CHECK_TIMEOUT_S = 60.0
APP_TARGET = "entrypoints.http.app:app"
APP_AT_PREFIX = "app@"
_APP_AT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
# The signing key of every server the benchmark starts: fixed, so that tokens are the same
# for all variants. It signs tokens for throwaway databases only.
BENCH_JWT_SECRET = "storefront-bench-signing-key-for-throwaway-databases"  # noqa: S105
# Tokens are obtained once, before the load: they must outlive the longest run (the most
# the app allows, a day).
ACCESS_TOKEN_MINUTES = 24 * 60


@dataclass(frozen=True)
class Variant:
    name: str
    target: str  # what uvicorn imports
    description: str
    directory: Path = REPOSITORY  # the working directory the server runs in
    # Connected as the tables' owner, whom row-level security lets past, instead of as the
    # app's role, which it holds.
    as_owner: bool = False

    @property
    def elsewhere(self) -> bool:
        """Run from another checkout than the runner's (an `app@<name>` variant)."""
        return self.directory != REPOSITORY

    @property
    def environment(self) -> dict[str, str]:
        """What the variant adds to a server's environment: for a checkout elsewhere, that
        checkout first on the import path."""
        return {"PYTHONPATH": str(self.directory)} if self.elsewhere else {}


VARIANTS: dict[str, Variant] = {
    variant.name: variant
    for variant in (
        Variant("app", APP_TARGET, "the storefront app (entrypoints/http)"),
        Variant(
            "app_as_owner",
            APP_TARGET,
            "the same app connected as the tables' owner: row-level security let past",
            as_owner=True,
        ),
        Variant(
            "raw_asyncpg",
            "bench.baselines.raw_asyncpg:app",
            "FastAPI + asyncpg pool, hand-written SQL (the practical limit)",
        ),
        Variant(
            "seed_style",
            "bench.baselines.seed_style:app",
            "FastAPI + AsyncSession + declarative models in the routes (the tutorials' way)",
        ),
    )
}


def app_at(name: str, directory: Path) -> Variant:
    """`app@<name>`: the app as the checkout in `directory` has it.

    Raises ValueError for a name that cannot label a variant or a directory that holds no
    app."""
    if not _APP_AT_NAME.fullmatch(name):
        raise ValueError(f"{name!r} cannot name a variant: letters, digits, '.', '_' and '-' only")
    directory = directory.expanduser().resolve()
    if not (directory / "entrypoints" / "http" / "app.py").is_file():
        raise ValueError(f"{directory} holds no entrypoints/http/app.py")
    if directory == REPOSITORY:
        raise ValueError(f"{directory} is this checkout: it is measured as `app` already")
    return Variant(
        f"{APP_AT_PREFIX}{name}", APP_TARGET, f"the storefront app at {directory}", directory
    )


_WHERE_FROM = """\
import importlib, os, sys
importlib.import_module(sys.argv[1].partition(":")[0])
import entrypoints
print(os.path.realpath(entrypoints.__file__))
"""


async def imported_from(variant: Variant) -> Path:
    """Where `entrypoints` comes from when the variant's target is imported by the servers'
    interpreter, in the servers' working directory and environment (importing the app builds
    it, and connects to nothing). Raises RuntimeError when the import fails, or when a
    checkout elsewhere would not be the one imported."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        _WHERE_FROM,
        variant.target,
        cwd=variant.directory,
        env={**os.environ, "DATABASE_URL": "memory://", **variant.environment},
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(), IMPORT_CHECK_TIMEOUT_S)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    if process.returncode != 0:
        raise RuntimeError(
            f"{variant.name}: importing {variant.target} in {variant.directory} failed:\n"
            f"{stderr.decode(errors='replace')[-2000:]}"
        )
    # The child printed the module's real path: nothing left to resolve here.
    found = Path(stdout.decode().strip().splitlines()[-1])
    if not found.is_relative_to(variant.directory):
        raise RuntimeError(
            f"{variant.name}: entrypoints is imported from {found}, not from {variant.directory}"
        )
    return found


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """A variant served on 127.0.0.1; its output goes to a log file."""

    def __init__(self, variant: Variant, database_url: str, pool_size: int, log_path: Path) -> None:
        self.variant = variant
        self.port = free_port()
        self.database_url = database_url
        self.pool_size = pool_size
        self.log_path = log_path
        self.process: asyncio.subprocess.Process | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        return None if self.process is None else self.process.pid

    @property
    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "uvicorn",
            self.variant.target,
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--workers",
            "1",
            "--loop",
            "uvloop",
            "--http",
            "httptools",
            "--no-access-log",
            "--log-level",
            "warning",
        ]

    @property
    def environment(self) -> dict[str, str]:
        """What the runner sets on top of its own environment (the variant's own last)."""
        return {
            "DATABASE_URL": self.database_url,
            "DB_POOL_SIZE": str(self.pool_size),
            "DB_MAX_OVERFLOW": "0",
            "LOG_LEVEL": "WARNING",
            "JWT_SECRET": BENCH_JWT_SECRET,
            "ACCESS_TOKEN_MINUTES": str(ACCESS_TOKEN_MINUTES),
            **self.variant.environment,
        }

    async def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            # A session of its own: Ctrl-C reaches the runner only, which then stops the
            # server in order instead of leaving it half shut down.
            self.process = await asyncio.create_subprocess_exec(
                *self.command,
                cwd=self.variant.directory,
                env={**os.environ, **self.environment},
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )

    async def wait_ready(self, probe_path: str, headers: dict[str, str] | None = None) -> None:
        """Wait until `probe_path` (sent with `headers`) answers 200; fail with the log's
        tail otherwise."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + READY_TIMEOUT_S
        last_problem = "no answer"
        async with httpx.AsyncClient(
            base_url=self.base_url, timeout=5.0, headers=headers
        ) as client:
            while loop.time() < deadline:
                if self.process is None or self.process.returncode is not None:
                    raise RuntimeError(f"{self.variant.name} exited early:\n{self.log_tail()}")
                try:
                    response = await client.get(probe_path)
                except httpx.TransportError as err:
                    last_problem = repr(err)
                else:
                    if response.status_code == 200:
                        return
                    last_problem = f"{response.status_code} {response.text[:300]}"
                await asyncio.sleep(0.2)
        raise RuntimeError(
            f"{self.variant.name} not ready after {READY_TIMEOUT_S:.0f} s "
            f"(GET {probe_path}: {last_problem}):\n{self.log_tail()}"
        )

    def _proc(self, name: str) -> str | None:
        """/proc/<pid>/<name> of the running worker, or None once it is gone."""
        if self.process is None or self.process.returncode is not None:
            return None
        try:
            return Path(f"/proc/{self.process.pid}/{name}").read_text()
        except OSError:
            return None

    def working_directory(self) -> Path | None:
        """The running worker's working directory (/proc/<pid>/cwd), None once it is gone."""
        if self.process is None or self.process.returncode is not None:
            return None
        try:
            return Path(os.readlink(f"/proc/{self.process.pid}/cwd"))
        except OSError:
            return None

    def cpu_seconds(self) -> float | None:
        """User + system CPU the worker has used so far."""
        stat = self._proc("stat")
        if stat is None:
            return None
        # The fields after the command name, which is in parentheses and may hold blanks.
        fields = stat.rsplit(")", 1)[1].split()
        utime, stime = int(fields[11]), int(fields[12])
        return (utime + stime) / os.sysconf("SC_CLK_TCK")

    def peak_rss_kib(self) -> int | None:
        """VmHWM: the most resident memory the worker has used so far."""
        for line in (self._proc("status") or "").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
        return None

    async def stop(self) -> None:
        process = self.process
        if process is None or process.returncode is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), STOP_TIMEOUT_S)
        except TimeoutError:
            process.kill()
            await process.wait()

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])
