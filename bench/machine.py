"""Facts about the machine and the software a run measured, for the results file."""

from __future__ import annotations

import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path

__all__ = ["PACKAGES", "git_revision", "machine_facts", "package_versions", "wrk_version"]

PACKAGES = (
    "fastapi",
    "starlette",
    "pydantic",
    "sqlalchemy",
    "asyncpg",
    "uvicorn",
    "uvloop",
    "httptools",
    "orjson",
    "dependency-injector",
)


def _first_line_with(path: str, prefix: str) -> str | None:
    try:
        lines = Path(path).read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        if line.startswith(prefix):
            return line.split(":", 1)[1].strip()
    return None


def machine_facts() -> dict[str, str]:
    memory_kib = _first_line_with("/proc/meminfo", "MemTotal")
    memory = f"{int(memory_kib.split()[0]) / 1024 / 1024:.1f} GiB" if memory_kib else "unknown"
    return {
        "CPUs (nproc)": str(len(os.sched_getaffinity(0))),
        "CPU model": _first_line_with("/proc/cpuinfo", "model name") or platform.processor(),
        "memory": memory,
        "kernel": f"{platform.system()} {platform.release()}",
        "python": f"{platform.python_implementation()} {platform.python_version()}",
    }


def package_versions() -> dict[str, str]:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def wrk_version() -> str:
    # `wrk -v` prints its version, then the usage, and exits 1.
    result = subprocess.run(
        ["wrk", "-v"],  # noqa: S607 - wrk from PATH, as the runner checked
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    )
    return (result.stdout or result.stderr).splitlines()[0].strip()


def git_revision(repository: Path) -> str:
    def git(*args: str) -> str:
        # A fixed git command on the runner's own repository.
        result = subprocess.run(  # noqa: S603
            ["git", *args],  # noqa: S607 - git from PATH
            cwd=repository,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
        return result.stdout.strip()

    revision = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--untracked-files=no")
    return f"{revision} (uncommitted changes present)" if dirty else revision
