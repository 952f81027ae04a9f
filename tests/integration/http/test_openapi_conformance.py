"""The API keeps the promises of its own OpenAPI document, whatever it is sent.

Schemathesis reads /openapi.json from the app in-process and, for every operation, sends
generated requests — valid ones and deliberately invalid ones (wrong types, out-of-range
numbers, unknown fields and parameters, control characters) — then runs its checks on each
answer: no server error, a status code and content type the operation documents, a body that
matches the documented schema, invalid input refused, wrong methods answered 405 with an
accurate Allow header. A second test follows the OpenAPI links (declared on the create
operations, plus those schemathesis infers) through sequences of calls.

Two checks are switched off, each for a reason:

- `positive_data_acceptance` (schema-valid input must be accepted): some domain rules cannot be
  written in JSON Schema — a password needs an upper-case letter and a digit, a slug must be
  derivable from a name, a name may not be only spaces — so schema-valid input can rightly be
  a 422.
- `use_after_free` on `/users/{user_id}...`: deleting a user deactivates it (order
  history is never destroyed), so the user is still there afterwards, by design.

The memory backend keeps it fast; the stateful scenarios each start from an empty store.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, ClassVar

import schemathesis
from dependency_injector import providers
from hypothesis import HealthCheck, settings

from adapters.security import Argon2PasswordHasher
from entrypoints.container import build_container
from entrypoints.http.app import create_app
from entrypoints.settings import Settings

container = build_container(Settings(_env_file=None, database_url="memory://"))
container.hasher.override(providers.Object(Argon2PasswordHasher.for_tests()))

CONFIG = schemathesis.Config.from_dict(
    {
        "checks": {"positive_data_acceptance": {"enabled": False}},
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
