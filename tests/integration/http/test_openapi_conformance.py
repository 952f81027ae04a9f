"""The API keeps the promises of its own OpenAPI document, whatever it is sent, and by whom.

Schemathesis reads /openapi.json from the app in-process and, for every operation, sends
generated requests — valid ones and deliberately invalid ones (wrong types, out-of-range
numbers, unknown fields and parameters, control characters) — then runs its checks on each
answer: no server error, a status code and content type the operation documents, a body that
matches the documented schema, invalid input refused, wrong methods answered 405 with an
accurate Allow header. A second test follows the OpenAPI links (declared on the create
operations, plus those schemathesis infers) through sequences of calls.

Every request is signed in: each test runs once with an admin's access token and once with a
customer's, since the two see different answers (a customer's 403s and 404s must be
documented as well as an admin's 200s). The first time an operation that requires the token
answers 2xx, the `ignored_auth` check sends the request again without the token and with a
forged one, and expects 401 or 403: an operation that names the token but does not ask for
it fails. (Operations open to anyone document the token as optional; they are not probed.)
The document names the token as OAuth2's password flow, so that /docs can sign in; schemathesis
probes only `http` and `apiKey` schemes, so it is shown the same requirement as the `http`
bearer scheme it is on the wire (RFC 6750: `Authorization: Bearer <token>`).

Schema-valid input must be accepted (`positive_data_acceptance`): the schema says exactly what
the server takes wherever JSON Schema can. The few rules it cannot state are listed below in
`INEXPRESSIBLE`, each with its reason; a refusal of schema-valid input is forgiven only when
every field it names breaks one of them.

One check is switched off: `use_after_free` on `/users/{user_id}...`. Deleting a user
deactivates it (order history is never destroyed), so the user is still there afterwards, by
design.

The memory backend keeps it fast. Every case, and every scenario of linked calls, starts from
a copy of the same store (`fresh_store`): the default categories, the admin (user 1), the
customer (user 2), a product and the customer's order. The generated requests may well
deactivate the admin or demote them; a new copy undoes it, and lets hypothesis replay a case.
"""

from __future__ import annotations

import asyncio
import copy
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar, Final

import httpx
import schemathesis
from dependency_injector import providers
from fastapi.routing import APIRoute
from hypothesis import HealthCheck, settings
from schemathesis.core.failures import AcceptedNegativeData
from schemathesis.openapi.checks import RejectedPositiveData

from adapters.memory import InMemoryStore
from adapters.security import Argon2PasswordHasher
from application.catalog.commands import CreateProduct
from application.identity.commands import RegisterUser
from application.ordering.commands import PlaceOrder
from application.shared.access import Principal, Rule
from application.shared.listing import MAX_FILTERS
from application.wallet.commands import GrantCredits
from domain.identity.user import PasswordPolicy
from domain.ordering.order import OrderLine
from domain.shared.errors import InvalidValue
from domain.shared.text import Slug
from entrypoints.container import build_container, open_storage
from entrypoints.http.access import SCHEME_NAME, rule_of
from entrypoints.http.app import create_app
from entrypoints.settings import Settings


@dataclass(frozen=True)
class Account:
    id: int
    username: str
    email: str
    password: str


ADMIN: Final = Account(1, "admin", "admin@example.com", "Admin-Pass-1")
CUSTOMER: Final = Account(2, "customer", "customer@example.com", "Customer-Pass-1")

container = build_container(
    Settings(
        _env_file=None,
        database_url="memory://",
        # Fixed, so that a token signed in once holds in every new store (see `Bearer`).
        jwt_secret="conformance-test-signing-key-0123456789",
        # Longer than any run: a token must not run out half-way.
        access_token_minutes=24 * 60,
        storefront_admin_username=ADMIN.username,
        storefront_admin_email=ADMIN.email,
        storefront_admin_password=ADMIN.password,
    )
)
container.hasher.override(providers.Object(Argon2PasswordHasher.for_tests()))
app = create_app(container=container)


async def _populate() -> InMemoryStore:
    """A new store, and in it what every case starts from."""
    container.memory.reset_override()
    container.reset_singletons()  # a new store, and query adapters reading it
    await open_storage(container)  # the default categories 1-4 and the admin, user 1
    use_cases = container.use_cases()
    customer = await use_cases.register_user()(
        Principal.anonymous(),
        RegisterUser(username=CUSTOMER.username, email=CUSTOMER.email, password=CUSTOMER.password),
    )
    assert customer.id == CUSTOMER.id, "the tokens of `Bearer` name users by id"
    product = await use_cases.create_product()(
        CreateProduct(
            name="Kettle", sku="KT-001", price=Decimal("25.00"), stock_quantity=100, category_id=1
        )
    )
    assert product.id is not None
    # Credits enough for any order, so that paying with them succeeds as the other methods do.
    await use_cases.grant_credits()(
        Principal.user(ADMIN.id, is_admin=True),
        GrantCredits(CUSTOMER.id, Decimal("9000000000.00"), "orders paid with credits"),
    )
    as_customer = Principal.user(CUSTOMER.id, is_admin=False)
    await use_cases.place_order()(as_customer, PlaceOrder(lines=(OrderLine(product.id, 1),)))
    store: InMemoryStore = container.memory()
    return store


# Copied for each case: a quarter of the time that building it again would take.
FIRST_STORE: Final = copy.deepcopy(asyncio.run(_populate()))


def fresh_store() -> None:
    """Put a new store in place, holding what the first one held, under the same ids."""
    container.memory.reset_override()  # overrides pile up otherwise, each one slower
    container.memory.override(providers.Object(copy.deepcopy(FIRST_STORE)))
    container.reset_singletons()  # query adapters reading the new store


async def _signed_in(account: Account) -> str:
    """An access token of `account`, signed in through POST /auth/token as a client does."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        answer = await client.post(
            "/auth/token", data={"username": account.username, "password": account.password}
        )
        assert answer.status_code == 200, answer.text
        token: str = answer.json()["access_token"]
        me = await client.get("/users/me", headers={"Authorization": f"Bearer {token}"})
    assert (me.json()["id"], me.json()["is_superuser"]) == (account.id, account is ADMIN)
    return token


def _as_sent_on_the_wire(document: dict[str, Any]) -> dict[str, Any]:
    """The document with its OAuth2 scheme stated as the bearer header it is sent as."""
    schemes = document["components"]["securitySchemes"]
    assert schemes[SCHEME_NAME]["type"] == "oauth2"
    schemes[SCHEME_NAME] = {"type": "http", "scheme": "bearer"}
    return document


fresh_store()
TOKENS: Final = {one.username: asyncio.run(_signed_in(one)) for one in (ADMIN, CUSTOMER)}
DOCUMENT: Final = app.openapi()


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
        name = body.get("title", body.get("name"))  # a post's slug comes from its title
        if "slug" not in body and isinstance(name, str):
            try:
                Slug.from_name(name)
            except InvalidValue:
                yield "slug"


def _credentials_changed(case: schemathesis.Case[Any]) -> Iterator[str]:
    for _, body in _bodies(case):
        if "password" in body or "email" in body:
            yield "current_password"


def _stock_adjustments(case: schemathesis.Case[Any]) -> Iterator[str]:
    if case.path.endswith("/stock-adjustments"):
        yield "stock_quantity"


def _transfers(case: schemathesis.Case[Any]) -> Iterator[str]:
    if case.path == "/transfers/" and case.method.upper() == "POST":
        yield "to_user_id"


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
        "a name (a post's title) sent without a slug must give one: some of its letters or "
        "digits must "
        "survive Unicode decomposition into ASCII (`Café` gives `cafe`, `日本` nothing)",
        "which characters decompose to ASCII letters is Unicode data, not a pattern",
        _names_without_a_slug,
    ),
    Inexpressible(
        "a stock adjustment leaves the stock between 0 and 2147483647",
        "where it leaves the stock depends on the stock at the time, not on the request",
        _stock_adjustments,
    ),
    Inexpressible(
        "whoever changes their own password or email gives their current password",
        "whose account it is and what its password is are the server's to know; a schema "
        "describes requests, not accounts",
        _credentials_changed,
    ),
    Inexpressible(
        "a transfer goes to another user than the caller",
        "who the caller is is the bearer token's to say; a schema describes the body alone",
        _transfers,
    ),
)


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


CONFIG = schemathesis.Config.from_dict(
    {
        # Invalid input is the stateless test's business; sequences go deeper when every
        # step can succeed, e.g. create a product, order it, pay for the order.
        "phases": {"stateful": {"generation": {"mode": "positive"}}},
        "checks": {"ignored_auth": {"enabled": True}},
        "operations": [
            {
                "include-path-regex": r"^/users/\{user_id\}",
                "checks": {"use_after_free": {"enabled": False}},
            }
        ],
    }
)


def signed_in_schema(account: Account) -> Any:
    """The schema to test with `account`'s bearer token on every request."""
    loaded = schemathesis.openapi.from_dict(
        _as_sent_on_the_wire(copy.deepcopy(DOCUMENT)), config=CONFIG
    )
    loaded.app = app
    loaded.location = "/openapi.json"

    class Bearer:
        """The account's token. Signed in once: every new store holds the account with the
        same id and token generation, and the signing key is fixed, so it holds in each."""

        def get(self, case: schemathesis.Case[Any], context: Any) -> str:
            return TOKENS[account.username]

        def set(self, case: schemathesis.Case[Any], data: str, context: Any) -> None:
            case.headers["Authorization"] = f"Bearer {data}"

    loaded.auth(refresh_interval=None)(Bearer)
    loaded.hook(filter_failure)
    return loaded


as_admin = signed_in_schema(ADMIN)
as_customer = signed_in_schema(CUSTOMER)


def test_every_operation_that_needs_a_token_shows_schemathesis_where_it_goes() -> None:
    """`ignored_auth` probes only the credentials it can find in an operation's security
    requirement: without them it would pass without sending a single probe. An operation
    open to anyone names the token as optional, and is not probed."""
    rules = {
        (method, route.path_format): rule_of(route)
        for route in app.routes
        if isinstance(route, APIRoute)
        for method in route.methods or ()
    }
    operations = {
        (operation.method.upper(), operation.path): operation
        for operation in (result.ok() for result in as_admin.get_all_operations())
    }
    credentials = {
        label: [(one.location.value, one.name) for one in operation.security.iter_parameters()]
        for label, operation in operations.items()
    }
    needing = {label for label, rule in rules.items() if rule is not Rule.ANYONE}
    open_to_anyone = set(rules) - needing

    assert len(needing) > 20
    assert {label: credentials[label] for label in needing} == {
        label: [("header", "Authorization")] for label in needing
    }
    assert {label: operations[label].definition.raw["security"] for label in open_to_anyone} == {
        label: [{}, {SCHEME_NAME: []}] for label in open_to_anyone
    }


@as_admin.parametrize()
@BOUNDED
def test_every_operation_answers_an_admin_as_its_openapi_entry_promises(
    case: schemathesis.Case[Any],
) -> None:
    fresh_store()
    case.call_and_validate()


@as_customer.parametrize()
@BOUNDED
def test_every_operation_answers_a_customer_as_its_openapi_entry_promises(
    case: schemathesis.Case[Any],
) -> None:
    fresh_store()
    case.call_and_validate()


def linked_calls(schema: Any) -> Any:
    """A state machine over `schema`'s links that counts the calls it makes."""

    class LinkedCalls(schema.as_state_machine()):  # type: ignore[misc]
        calls: ClassVar[Counter[str]] = Counter()

        def setup(self) -> None:
            # Scenarios must not see each other's data, or hypothesis could not replay them.
            fresh_store()

        def after_call(self, response: schemathesis.Response, case: schemathesis.Case[Any]) -> None:
            LinkedCalls.calls[f"{case.method} {case.path} -> {response.status_code}"] += 1

    return LinkedCalls


def run_linked_calls(schema: Any) -> Counter[str]:
    machine = linked_calls(schema)
    machine.run(
        settings=settings(
            max_examples=40,
            stateful_step_count=10,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
    )
    calls: Counter[str] = machine.calls
    return calls


def test_sequences_of_linked_calls_keep_the_promises_to_an_admin() -> None:
    calls = run_linked_calls(as_admin)

    # Scenarios really ran, and links were followed from what they created.
    assert sum(calls.values()) >= 100
    assert calls["POST /users/ -> 201"] > 0
    assert any(
        call.startswith(("GET /users/{user_id}", "PATCH /users/{user_id}"))
        and call.endswith("-> 200")
        for call in calls
    )


def test_sequences_of_linked_calls_keep_the_promises_to_a_customer() -> None:
    calls = run_linked_calls(as_customer)

    # The customer's own order was read and paid for; an admin's operations were refused.
    assert sum(calls.values()) >= 100
    assert calls["GET /orders/{order_id} -> 200"] > 0
    assert calls["POST /orders/{order_id}/payments -> 201"] > 0
    assert calls["POST /products/{product_id}/stock-adjustments -> 403"] > 0
