"""/docs and /redoc in a real headless browser that can reach nothing but this machine.

Debian's `chromium` loads each page from a real server with every host name except 127.0.0.1
made unresolvable, so a script or style sheet from a CDN cannot load and its page stays blank;
the page must still show every operation of /openapi.json. Without chromium the tests are
skipped with one line saying how to get it (.ci/run installs it).
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.server import RunningServer, serving

pytestmark = pytest.mark.slow

# Every host name fails to resolve except 127.0.0.1: the page reaches the server under test
# and nothing else.
ONLY_LOOPBACK = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"
# Virtual time: the browser runs the page's scripts and fetches (the OpenAPI document) until
# they are done or this much page time has passed, then dumps the DOM. Not a wall-clock wait.
PAGE_TIME_MS = 20_000
BROWSER_TIMEOUT_S = 120


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.skip("chromium not installed: docs pages not checked (apt-get install chromium)")
    return found


def rendered(url: str, profile: Path) -> str:
    """The DOM of the page at `url` once its scripts have run, in a browser cut off from
    every host but this one."""
    result = subprocess.run(  # noqa: S603 - a fixed browser and a URL of ours
        [
            _chromium(),
            "--headless",
            "--no-sandbox",  # the tests may run as root, which chromium's sandbox refuses
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--disable-extensions",
            "--disable-background-networking",
            f"--user-data-dir={profile}",
            ONLY_LOOPBACK,
            f"--virtual-time-budget={PAGE_TIME_MS}",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=BROWSER_TIMEOUT_S,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with serving("memory://", cwd=tmp_path_factory.mktemp("docs")) as running:
        yield running


@pytest.fixture(scope="module")
def operations(server: RunningServer) -> list[tuple[str, str]]:
    """(tag, operation id) of every operation the API documents."""
    document = httpx.get(f"{server.base_url}/openapi.json", timeout=10).json()
    found = [
        (operation["tags"][0], operation["operationId"])
        for path in document["paths"].values()
        for operation in path.values()
    ]
    assert len(found) > 20
    return found


def test_swagger_ui_shows_every_operation_with_no_network_but_loopback(
    server: RunningServer, operations: list[tuple[str, str]], tmp_path: Path
) -> None:
    dom = rendered(f"{server.base_url}/docs", tmp_path / "profile")

    # Swagger UI gives each operation block the id `operations-<tag>-<operation id>`.
    missing = [op for tag, op in operations if f'id="operations-{tag}-{op}"' not in dom]
    assert 'class="opblock ' in dom, dom[-2000:]
    assert missing == []


def test_redoc_shows_every_operation_with_no_network_but_loopback(
    server: RunningServer, operations: list[tuple[str, str]], tmp_path: Path
) -> None:
    dom = rendered(f"{server.base_url}/redoc", tmp_path / "profile")

    # ReDoc links each operation as `#tag/<tag>/operation/<operation id>`.
    missing = [op for tag, op in operations if f"tag/{tag}/operation/{op}" not in dom]
    assert missing == []
