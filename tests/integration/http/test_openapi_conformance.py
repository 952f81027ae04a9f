"""The API keeps the promises of its own OpenAPI document, whatever it is sent.

Schemathesis reads /openapi.json from the app in-process and, for every operation, sends
generated requests — valid ones and deliberately invalid ones (wrong types, out-of-range
numbers, unknown fields and parameters, control characters) — then runs its checks on each
answer: no server error, a status code and content type the operation documents, a body that
matches the documented schema, invalid input refused, wrong methods answered 405 with an
accurate Allow header. A second test follows the OpenAPI links (declared on the create
operations, plus those schemathesis infers) through sequences of calls.

Schema-valid input must be accepted (`positive_data_acceptance`): the schema says exactly what
the server takes wherever JSON Schema can. The few rules it cannot state are listed below in
`INEXPRESSIBLE`, each with its reason; a refusal of schema-valid input is forgiven only when
every field it names breaks one of them.

One check is switched off: `use_after_free` on `/users/{user_id}...`. Deleting a user
deactivates it (order history is never destroyed), so the user is still there afterwards, by
design.

The memory backend keeps it fast; the stateful scenarios each start from an empty store.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

import schemathesis
from dependency_injector import providers
from hypothesis import HealthCheck, settings
from schemathesis.core.failures import AcceptedNegativeData
from schemathesis.openapi.checks import RejectedPositiveData

from adapters.security import Argon2PasswordHasher
from application.shared.listing import MAX_FILTERS
from domain.identity.user import PasswordPolicy
from domain.shared.errors import InvalidValue
from domain.shared.text import Slug
from entrypoints.container import build_container
from entrypoints.http.app import create_app
from entrypoints.settings import Settings

container = build_container(Settings(_env_file=None, database_url="memory://"))
container.hasher.override(providers.Object(Argon2PasswordHasher.for_tests()))

CONFIG = schemathesis.Config.from_dict(
    {
        # Invalid input is the stateless test's business; sequences go deeper when every
        # step can succeed, e.g. create a product, order it, pay for the order.
        "phases": {"stateful": {"generation": {"mode": "positive"}}},
        "operations": [
            {
                "include-path-regex": r"^/users/\{user_id\}",
                "checks": {"use_after_free": {"enabled": False}},
            }
        ],
    }
)
schema = schemathesis.openapi.from_asgi(
    "/openapi.json", create_app(container=container), config=CONFIG
)


@dataclass(frozen=True)
class Inexpressible:
    """A rule the server holds input to that JSON Schema cannot state, and why it cannot.
    `broken_in` names the fields of a request that break it."""

    rule: str
    reason: str
    broken_in: Callable[[schemathesis.Case[Any]], Iterator[str]]


def _sort_keys_named_twice(case: schemathesis.Case[Any]) -> Iterator[str]:
    keys = [key.lstrip("-") for key in str((case.query or {}).get("sort", "")).split(",")]
    if len(keys) != len(set(keys)):
        yield "sort"


def _bodies(case: schemathesis.Case[Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """The body, or each user of a bulk body, with the prefix of its fields' names."""
    if not isinstance(case.body, dict):
        return
    users = case.body.get("users")
    if isinstance(users, list):
        yield from ((f"users.{n}.", one) for n, one in enumerate(users) if isinstance(one, dict))
    else:
        yield "", case.body


def _weak_passwords(case: schemathesis.Case[Any]) -> Iterator[str]:
    for prefix, body in _bodies(case):
        password = body.get("password")
        if isinstance(password, str) and PasswordPolicy.broken_rules(password):
            yield f"{prefix}password"


def _more_filters_than_allowed(case: schemathesis.Case[Any]) -> Iterator[str]:
    # Every query parameter of a list but the page, its size, the sort and the search is a
    # filter (a bare `field=value` included).
    others = {"page", "page_size", "sort", "search", "threshold"}
    if len([name for name in case.query or {} if name not in others]) > MAX_FILTERS:
        yield "filters"


def _names_without_a_slug(case: schemathesis.Case[Any]) -> Iterator[str]:
    for _, body in _bodies(case):
        name = body.get("name")
        if "slug" not in body and isinstance(name, str):
            try:
                Slug.from_name(name)
            except InvalidValue:
                yield "slug"


INEXPRESSIBLE = (
    Inexpressible(
        f"a list request takes at most {MAX_FILTERS} filters",
        "each filter is a parameter of its own; JSON Schema bounds each parameter, not how "
        "many of them a request sends",
        _more_filters_than_allowed,
    ),
    Inexpressible(
        "a list is sorted by each key once: `sort=price,-price` is refused",
        "a pattern over a comma-separated list cannot say that its items differ",
        _sort_keys_named_twice,
    ),
    Inexpressible(
        "a password has an upper-case letter and a digit",
        "they may be of any script (`str.isupper`, `str.isdigit`), and JSON Schema patterns "
        "have no portable class for either",
        _weak_passwords,
    ),
    Inexpressible(
        "a name sent without a slug must give one: some of its letters or digits must "
        "survive Unicode decomposition into ASCII (`Café` gives `cafe`, `日本` nothing)",
        "which characters decompose to ASCII letters is Unicode data, not a pattern",
        _names_without_a_slug,
    ),
)


@schema.hook
def filter_failure(
    context: Any, failure: Any, case: schemathesis.Case[Any], response: schemathesis.Response
) -> bool:
    """Keep every failure but a refusal of schema-valid input whose every named field breaks
    an inexpressible rule, and an acceptance of "invalid" input that could not be sent."""
    if isinstance(failure, AcceptedNegativeData):
        # A query parameter drawn as an object cannot be sent as one: a query string holds
        # text only, so what reaches the server is another request, a valid one (`{}` as a
        # name, or the parameter left out), and accepting it is right.
        return not any(isinstance(value, dict) for value in (case.query or {}).values())
    if not isinstance(failure, RejectedPositiveData):
        return True
    blamed = {error["field"] for error in response.json().get("errors", [])}
    broken = {field for rule in INEXPRESSIBLE for field in rule.broken_in(case)}
    return not blamed or not blamed <= broken


BOUNDED = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


@schema.parametrize()
@BOUNDED
def test_every_operation_answers_as_its_openapi_entry_promises(
    case: schemathesis.Case[Any],
) -> None:
    case.call_and_validate()


class LinkedCalls(schema.as_state_machine()):  # type: ignore[misc]
    calls: ClassVar[Counter[str]] = Counter()

    def setup(self) -> None:
        # Scenarios must not see each other's data, or hypothesis could not replay them.
        container.reset_singletons()  # a new store, and query adapters reading it

    def after_call(self, response: schemathesis.Response, case: schemathesis.Case[Any]) -> None:
        LinkedCalls.calls[f"{case.method} {case.path} -> {response.status_code}"] += 1


def test_sequences_of_linked_calls_keep_the_promises_too() -> None:
    LinkedCalls.calls.clear()
    LinkedCalls.run(
        settings=settings(
            max_examples=40,
            stateful_step_count=10,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
    )
    # Scenarios really ran, and links were followed from what they created.
    assert sum(LinkedCalls.calls.values()) >= 100
    assert LinkedCalls.calls["POST /users/ -> 201"] > 0
    assert any(
        call.startswith(("GET /users/{user_id}", "PATCH /users/{user_id}"))
        for call in LinkedCalls.calls
    )
