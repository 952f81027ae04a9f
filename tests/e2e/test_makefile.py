"""The Makefile says what it offers, and does what the README says it does.

`make` runs with `-o .venv/.installed` (that file is taken as up to date), so that no test
ever installs anything.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def make(*args: str) -> subprocess.CompletedProcess[str]:
    found = shutil.which("make")
    if found is None:
        pytest.skip("make not installed: the Makefile is not checked")
    return subprocess.run(  # noqa: S603 - make, on this repository's Makefile
        [found, "--no-print-directory", "-o", ".venv/.installed", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_bare_make_lists_the_commands() -> None:
    result = make()

    assert result.returncode == 0, result.stderr
    listed = [line.split()[1] for line in result.stdout.splitlines() if line.startswith("  make ")]
    assert listed[:3] == ["help", "run", "test"]
    assert {"format", "lint", "types", "contracts", "pytest", "bench", "clean"} <= set(listed)


def test_make_run_runs_what_the_readme_says_it_runs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (documented,) = [
        line.split("#", 1)[0].strip()
        for line in readme.splitlines()
        if line.rstrip().endswith("# what `make run` runs")
    ]

    result = make("--dry-run", "run")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == documented
