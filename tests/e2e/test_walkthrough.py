"""The README's walk-through, word for word, against a real server on every backend.

The commands are read from README.md ("A first walk through the API") and run as they are
written, against a server started as a user would (`python -m entrypoints.cli serve`) on a
new in-memory store, a new SQLite file and a new PostgreSQL database. The admin comes first,
as the README says: from `storefront create-admin` on a SQL database, from the start-up
admin's settings on memory://. Each curl command is sent as the request it makes; a token
kept in a shell variable is read out of its answer by the README's own pipe, run by a shell,
and the variable is expanded where the README uses it. Each backend starts with the default
categories (a data migration, or the in-memory seeding), so the product in category 1 is
answered 201 on each. A change to the README's commands that this test does not know fails
it, and so does an answer that differs from the documented one.
"""

from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.server import RunningServer, run_cli, serving
from tests.support.databases import throwaway_postgres_database

pytestmark = pytest.mark.slow

README = Path(__file__).resolve().parents[2] / "README.md"
WALK_THROUGH_HEADING = "## A first walk through the API"
DOCUMENTED_ORIGIN = "http://127.0.0.1:8000"
JSON = {"Content-Type": "application/json"}
# What curl sends with `-d` when no Content-Type is given.
FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class Curl:
    """One curl command of the README, as the request it sends. `$NAME` in a header stands
    for a shell variable an earlier command set."""

    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None

    @property
    def step(self) -> str:
        return f"{self.method} {self.url.removeprefix(DOCUMENTED_ORIGIN)}"


@dataclass(frozen=True)
class Command:
    """A curl command, and when its answer is kept in a variable (`NAME=$(curl ... | pipe)`),
    the variable's name and the command the answer is piped through."""

    curl: Curl
    keeps: str | None = None
    pipe: str | None = None


def _curl(command: str) -> Curl:
    words = iter(shlex.split(command))
    assert next(words) == "curl", command
    method: str | None = None
    url: str | None = None
    headers: dict[str, str] = {}
    data: list[str] = []
    for word in words:
        if word == "-X":
            method = next(words)
        elif word == "-H":
            name, _, value = next(words).partition(":")
            headers[name.strip()] = value.strip()
        elif word == "-d":
            data.append(next(words))
        elif word == "-s":
            pass  # silent: no progress meter, the same request
        elif word.startswith("-"):
            raise AssertionError(f"curl option {word} is not known to this test: {command}")
        else:
            url = word
    assert url is not None, command
    # Several -d are sent as one body, joined by &, as a form unless told otherwise.
    body = "&".join(data) if data else None
    if body is not None and "Content-Type" not in headers:
        headers["Content-Type"] = FORM
    return Curl(method or ("POST" if body is not None else "GET"), url, headers, body)


KEPT = re.compile(r"(?P<name>[A-Z_]+)=\$\((?P<curl>curl .*?)\s\|\s(?P<pipe>.*)\)", re.DOTALL)


def _command(text: str) -> Command:
    kept = KEPT.fullmatch(text)
    if kept is None:
        return Command(_curl(text))
    return Command(_curl(kept["curl"]), kept["name"], kept["pipe"])


def _section() -> str:
    text = README.read_text(encoding="utf-8")
    assert WALK_THROUGH_HEADING in text, f"no {WALK_THROUGH_HEADING!r} in README.md"
    return text.split(WALK_THROUGH_HEADING, 1)[1].split("\n## ", 1)[0]


def _sh_blocks() -> list[str]:
    """The sh blocks of the section, a backslash at the end of a line continuing the
    command, as in the shell."""
    blocks = re.findall(r"```sh\n(.*?)```", _section(), re.DOTALL)
    assert blocks, f"no sh block under {WALK_THROUGH_HEADING!r} in README.md"
    return [block.replace("\\\n", " ").strip() for block in blocks]


def _sh_lines() -> list[str]:
    return [line for block in _sh_blocks() for line in block.splitlines()]


CURL_COMMAND = r"(?:[A-Z_]+=\$\()?curl "


def readme_walk_through() -> list[Command]:
    """The curl commands of the README's walk-through, in order."""
    (script,) = [block for block in _sh_blocks() if re.match(CURL_COMMAND, block)]
    return [_command(one) for one in re.split(rf"\n(?={CURL_COMMAND})", script)]


def _settings_and_words(line: str) -> tuple[dict[str, str], list[str]]:
    """The `NAME=value` settings a shell line starts with, and the command after them."""
    words = shlex.split(line)
    settings = {}
    while words and re.fullmatch(r"[A-Z_]+=.*", words[0]):
        name, _, value = words.pop(0).partition("=")
        settings[name] = value
    return settings, words


def readme_create_admin() -> tuple[dict[str, str], list[str]]:
    """The settings and the arguments of the README's `storefront create-admin`."""
    (line,) = [line for line in _sh_lines() if "storefront create-admin" in line]
    settings, words = _settings_and_words(line)
    assert Path(words[0]).name == "storefront", line
    return settings, words[1:]


def readme_memory_admin() -> dict[str, str]:
    """The settings the README gives `make run` for an admin on memory://."""
    (line,) = [line for line in _sh_lines() if line.endswith("make run")]
    settings, words = _settings_and_words(line)
    assert words == ["make", "run"], line
    assert settings.pop("DATABASE_URL") == "memory://", line
    return settings


def readme_admin() -> dict[str, str]:
    """The admin's sign-in form, as the README creates the admin."""
    settings, arguments = readme_create_admin()
    username = arguments[arguments.index("--username") + 1]
    return {"username": username, "password": settings["STOREFRONT_ADMIN_PASSWORD"]}


def send(http: httpx.Client, curl: Curl, variables: dict[str, str]) -> httpx.Response:
    """The request of `curl`, with the shell variables it names expanded."""
    assert curl.url.startswith(DOCUMENTED_ORIGIN), curl.url

    def expand(value: str) -> str:
        return re.sub(r"\$([A-Z_]+)", lambda name: variables[name[1]], value)

    return http.request(
        curl.method,
        curl.url.removeprefix(DOCUMENTED_ORIGIN),
        headers={name: expand(value) for name, value in curl.headers.items()},
        content=curl.body.encode() if curl.body is not None else None,
    )


def piped(answer: str, pipe: str) -> str:
    """What the shell keeps of `answer` piped through `pipe`: its output, less the final
    newline. `python3` is the Python of the tests, as in a shell with .venv activated."""
    path = os.pathsep.join((str(Path(sys.executable).parent), os.environ.get("PATH", "")))
    result = subprocess.run(  # noqa: S603 - the README's own pipe, on a server's answer
        ["/bin/sh", "-c", pipe],
        input=answer,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "PATH": path},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.rstrip("\n")


# The answer each step of the walk-through documents, in order: the step, its status, then
# fields of its body.
SIGNED_IN = (200, {"token_type": "bearer", "expires_in": 15 * 60})
DOCUMENTED: list[tuple[str, int, dict[str, Any]]] = [
    ("POST /auth/token", *SIGNED_IN),
    (
        "POST /products/",
        201,
        {"id": 1, "price": "79.99", "stock_quantity": 50, "category_id": 1, "version": 1},
    ),
    (
        "POST /users/",
        201,
        {"id": 2, "username": "johndoe", "email": "john@example.com", "is_superuser": False},
    ),
    ("POST /auth/token", *SIGNED_IN),
    ("POST /orders/", 201, {"id": 1, "user_id": 2, "status": "pending", "total_amount": "159.98"}),
    ("GET /orders/1", 200, {"id": 1, "user_id": 2, "status": "pending"}),
    ("PATCH /orders/1/status?new_status=confirmed", 200, {"id": 1, "status": "confirmed"}),
    (
        "GET /orders/stats/summary",
        200,
        {
            "total_orders": 1,
            "total_revenue": "159.98",
            "orders_by_status": {
                "pending": 0,
                "confirmed": 1,
                "shipped": 0,
                "delivered": 0,
                "cancelled": 0,
            },
        },
    ),
]

BACKENDS = [
    pytest.param("memory", id="memory"),
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
async def database_url(
    backend: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    if backend == "memory":
        yield "memory://"
    elif backend == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('e2e') / 'walkthrough.db'}"
    else:
        async with throwaway_postgres_database() as url:
            yield url


@pytest.fixture(scope="module")
def server(
    backend: str, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningServer]:
    """The server, with an admin made as the README makes one on this backend."""
    cwd = tmp_path_factory.mktemp("server")
    if backend == "memory":
        with serving(database_url, cwd=cwd, env=readme_memory_admin()) as running:
            yield running
        return
    settings, arguments = readme_create_admin()
    created = run_cli(*arguments, database_url=database_url, cwd=cwd, env=settings)
    assert created.returncode == 0, created.stderr
    with serving(database_url, cwd=cwd) as running:
        yield running


@pytest.fixture(scope="module")
def http(server: RunningServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, timeout=10.0) as client:
        yield client


def bearer(http: httpx.Client, form: dict[str, str]) -> dict[str, str]:
    """The Authorization header of whoever signs in with `form`."""
    signed_in = http.post("/auth/token", data=form)
    assert signed_in.status_code == 200, signed_in.text
    return {"Authorization": f"Bearer {signed_in.json()['access_token']}"}


def test_the_readme_walk_through_is_the_one_this_test_checks() -> None:
    commands = readme_walk_through()

    assert [command.curl.step for command in commands] == [step for step, _, _ in DOCUMENTED]
    assert [command.keeps for command in commands if command.keeps] == [
        "ADMIN_TOKEN",
        "CUSTOMER_TOKEN",
    ]
    assert readme_create_admin()[1] == [
        "create-admin",
        "--username",
        "admin",
        "--email",
        "admin@example.com",
    ]
    # The same admin on memory:// as on a SQL database.
    settings, _ = readme_create_admin()
    assert readme_memory_admin() == {
        "STOREFRONT_ADMIN_USERNAME": "admin",
        "STOREFRONT_ADMIN_EMAIL": "admin@example.com",
        **settings,
    }


def test_the_readme_walk_through_gives_the_documented_answers(
    http: httpx.Client, backend: str
) -> None:
    variables: dict[str, str] = {}
    for command, (step, status, fields) in zip(readme_walk_through(), DOCUMENTED, strict=True):
        response = send(http, command.curl, variables)
        assert response.status_code == status, (step, response.text)
        body = response.json()
        assert {name: body.get(name) for name in fields} == fields, step
        assert "password" not in response.text
        if command.keeps is not None:
            assert command.pipe is not None
            variables[command.keeps] = piped(response.text, command.pipe)
            assert variables[command.keeps] == body["access_token"]

    # What the steps did, seen from elsewhere.
    admin = {"Authorization": f"Bearer {variables['ADMIN_TOKEN']}"}
    (item,) = http.get("/orders/1", headers=admin).json()["items"]
    assert (item["product_id"], item["quantity"], item["unit_price"]) == (1, 2, "79.99")
    assert http.get("/products/1").json()["stock_quantity"] == 48
    health = http.get("/health").json()
    assert (health["status"], health["database"]["backend"]) == ("healthy", backend)


def test_callers_are_refused_as_the_readme_says(http: httpx.Client) -> None:
    """Without a token, the catalog and the figures are 401; with a customer's, 403; and
    another customer's order is not there at all."""
    admin = bearer(http, readme_admin())
    customers = {}
    for name in ("alice", "bob"):
        account = {"username": name, "email": f"{name}@example.com", "password": "SecurePass789"}
        assert http.post("/users/", json=account).status_code == 201
        customers[name] = bearer(http, account)
    cable = {"name": "Cable", "sku": "CB-001", "price": "9.99", "stock_quantity": 5}
    made = http.post("/products/", headers=admin, json={**cable, "category_id": 1})
    ordered = http.post(
        "/orders/",
        headers=customers["alice"],
        json={"items": [{"product_id": made.json()["id"], "quantity": 1}]},
    )
    order = f"/orders/{ordered.json()['id']}"
    another = {**cable, "sku": "CB-002", "name": "Another cable"}

    assert (made.status_code, ordered.status_code) == (201, 201)
    assert http.post("/products/", json=another).status_code == 401
    assert http.post("/products/", headers=customers["alice"], json=another).status_code == 403
    assert http.get("/orders/stats/summary").status_code == 401
    assert http.get("/orders/stats/summary", headers=customers["alice"]).status_code == 403
    assert http.get(order, headers=customers["alice"]).status_code == 200
    assert http.get(order, headers=customers["bob"]).status_code == 404
    assert http.get(order, headers=admin).status_code == 200


def test_the_default_categories_are_there_as_the_readme_says(http: httpx.Client) -> None:
    electronics = http.post(
        "/categories/",
        headers={**JSON, **bearer(http, readme_admin())},
        json={"name": "Electronics", "slug": "electronics", "description": "Electronic devices"},
    )

    assert electronics.status_code == 409
    assert electronics.headers["content-type"] == "application/problem+json"
    assert electronics.json()["type"] == "urn:storefront:problem:duplicate-value"
    names = [http.get(f"/categories/{n}").json()["name"] for n in (1, 2, 3, 4)]
    assert names == ["Electronics", "Clothing", "Books", "Home & Garden"]


def test_the_docs_and_the_openapi_document_are_served(http: httpx.Client) -> None:
    assert http.get("/docs").status_code == 200
    assert "/orders/{order_id}/status" in http.get("/openapi.json").json()["paths"]


def test_the_served_app_does_not_name_its_server_and_answers_head(http: httpx.Client) -> None:
    got = http.get("/products/")
    head = http.head("/products/")

    assert "server" not in got.headers
    assert head.status_code == 200
    assert head.headers["content-length"] == got.headers["content-length"]
    assert head.content == b""


def test_the_server_shuts_down_gracefully_on_sigterm(tmp_path: Path) -> None:
    with serving(
        f"sqlite+aiosqlite:///{tmp_path / 'stop.db'}", cwd=tmp_path, log_level="INFO"
    ) as running:
        pass

    # uvicorn finishes the lifespan (engines disposed), then re-raises the signal it caught.
    assert running.process.returncode in (0, -signal.SIGTERM)
    output = running.output()
    assert "Application shutdown complete" in output
    assert "Finished server process" in output
