"""Start `python -m entrypoints.cli ...` as a real process, and stop it, with bounded waits."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

__all__ = ["RunningServer", "free_port", "run_cli", "serving"]

STARTUP_TIMEOUT = 60.0
SHUTDOWN_TIMEOUT = 15.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


# Settings of the environment the tests run in that would change what a process does: its
# database, its signing key, its token lifetimes, a start-up admin.
_NOT_INHERITED = (
    "DB_",
    "READ_REPLICA",
    "JWT_",
    "ACCESS_TOKEN_",
    "REFRESH_TOKEN_",
    "STOREFRONT_ADMIN_",
)


def _environment(
    database_url: str, log_level: str = "WARNING", extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith(_NOT_INHERITED)}
    env.update(DATABASE_URL=database_url, LOG_LEVEL=log_level, **(extra or {}))
    return env


def run_cli(
    *args: str,
    database_url: str,
    cwd: Path,
    log_level: str = "WARNING",
    env: Mapping[str, str] | None = None,
    stdin: str = "",
) -> subprocess.CompletedProcess[str]:
    """Run a CLI command to completion (at most a minute), `stdin` as its input.

    In a session of its own, the process has no controlling terminal: a password prompt
    (getpass) reads `stdin` instead of the terminal of whoever runs the tests."""
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "entrypoints.cli", *args],
        cwd=cwd,
        env=_environment(database_url, log_level, env),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        start_new_session=True,
    )


@dataclass(frozen=True)
class RunningServer:
    base_url: str
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def _wait_until_healthy(server: RunningServer) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise AssertionError(f"the server exited early:\n{server.output()}")
        try:
            if httpx.get(f"{server.base_url}/health", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"the server did not become healthy within {STARTUP_TIMEOUT:g} s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=SHUTDOWN_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=SHUTDOWN_TIMEOUT)


@contextmanager
def serving(
    database_url: str,
    cwd: Path,
    log_level: str = "WARNING",
    env: Mapping[str, str] | None = None,
) -> Iterator[RunningServer]:
    """`python -m entrypoints.cli serve --port <free port>`, healthy, then stopped (SIGTERM).
    `env` adds settings (a start-up admin's, say) to those the tests run with.

    Its output goes to a file in `cwd`, never to a pipe nobody reads (which could fill up
    and stall the server)."""
    port = free_port()
    log = cwd / "server.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "entrypoints.cli", "serve", "--port", str(port)],
            cwd=cwd,
            env=_environment(database_url, log_level, env),
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    server = RunningServer(f"http://127.0.0.1:{port}", process, log)
    try:
        _wait_until_healthy(server)
        yield server
    finally:
        _stop(process)
