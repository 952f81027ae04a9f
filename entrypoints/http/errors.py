"""Every error the API answers, as an RFC 9457 problem (`application/problem+json`).

This is the one place where errors become HTTP responses:

    DomainError
    ├── InvalidValue, InvalidQuery ........ 422  with `errors: [{field, message}]`
    ├── NotFound .......................... 404
    └── Conflict and its kinds ............ 409  (duplicate, stock, transition, version, ...)
    Unauthenticated ....................... 401  with WWW-Authenticate: Bearer; one body for
                                                 every wrong name or password
    Forbidden ............................. 403
    TooManyAttempts ....................... 429  with Retry-After (failed sign-ins)
    Unavailable (storage down or busy) .... 503  with Retry-After
    RequestValidationError ................ 422  (malformed JSON too), field errors, no input
                                                 echoed; a missing query parameter is shown
                                                 where it goes, in the operation's address
    BodyTooLarge .......................... 413  a request body over the configured limit
    Starlette HTTPException ............... its status (404 unknown route, 405 wrong method)
    anything else ......................... 500  bare: no detail, logged with the request id

The body is `{type, title, status, detail, errors?}`; `type` is a URN naming the kind of problem
(`about:blank` for plain HTTP errors). Unexpected exceptions are caught by `RequestIdMiddleware`
rather than by Starlette's server-error handler, which would re-raise them after answering.
"""

from __future__ import annotations

import json
import logging
import math
import secrets
from collections.abc import Iterable, Mapping, Sequence
from http import HTTPStatus
from typing import Any, Final

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from application.identity.sessions import TooManyAttempts
from application.shared.access import Forbidden, Unauthenticated
from application.shared.errors import ApplicationError, InvalidQuery, RequestInProgress, Unavailable
from domain.shared.errors import (
    Conflict,
    CycleDetected,
    DomainError,
    DuplicateValue,
    Inactive,
    InsufficientCredits,
    InsufficientStock,
    InUse,
    InvalidTransition,
    InvalidValue,
    NotFound,
    StaleVersion,
)
from entrypoints.logs import REQUEST_ID

__all__ = [
    "PROBLEM_MEDIA_TYPE",
    "REQUEST_ID_HEADER",
    "BodyTooLarge",
    "FieldError",
    "Problem",
    "RequestIdMiddleware",
    "body_too_large",
    "error_responses",
    "install_problem_handlers",
    "problem_response",
    "problem_schemas",
]

log = logging.getLogger(__name__)

PROBLEM_MEDIA_TYPE: Final = "application/problem+json"
REQUEST_ID_HEADER: Final = "X-Request-ID"
RETRY_AFTER_SECONDS: Final = 1
_TYPE_PREFIX: Final = "urn:storefront:problem:"
_MAX_FIELD_ERRORS: Final = 20
_MAX_FIELD_NAME: Final = 100

# Most specific first: the first class an error is an instance of decides its problem type.
_CONFLICT_TYPES: Final[Sequence[tuple[type[Conflict], str]]] = (
    (DuplicateValue, "duplicate-value"),
    (InsufficientStock, "insufficient-stock"),
    (InsufficientCredits, "insufficient-credits"),
    (InvalidTransition, "invalid-transition"),
    (StaleVersion, "stale-version"),
    (CycleDetected, "cycle-detected"),
    (Inactive, "inactive"),
    (InUse, "in-use"),
    (RequestInProgress, "request-in-progress"),
)


class FieldError(BaseModel):
    field: str = Field(description="The input at fault: a body field path or a query parameter.")
    message: str


class Problem(BaseModel):
    """An RFC 9457 problem details object."""

    model_config = ConfigDict(title="Problem")

    type: str = Field(description="A URI naming the kind of problem; about:blank for plain HTTP.")
    title: str
    status: int = Field(ge=400, le=599)
    detail: str
    errors: list[FieldError] | None = Field(
        default=None, description="Present on 422: which inputs were refused and why."
    )


def problem_response(
    status: int,
    detail: str,
    *,
    kind: str | None = None,
    title: str | None = None,
    errors: Iterable[Mapping[str, str]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    if title is None:
        title = kind.replace("-", " ").capitalize() if kind else HTTPStatus(status).phrase
    body: dict[str, Any] = {
        "type": f"{_TYPE_PREFIX}{kind}" if kind else "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = list(errors)
    return Response(
        content=json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=dict(headers) if headers else None,
    )


class BodyTooLarge(StarletteHTTPException):
    """A request body grew past `limit` bytes while it was read (entrypoints/http/middleware.py).

    An HTTP exception, so that FastAPI lets it out of its body reading as it is, instead of
    calling it a body it could not parse."""

    def __init__(self, limit: int) -> None:
        super().__init__(413)
        self.limit = limit


def body_too_large(limit: int) -> Response:
    return problem_response(
        413,
        f"The request body is larger than the {limit} bytes this server accepts.",
        kind="body-too-large",
    )


# ----------------------------------------------------------------------------- handlers
async def _domain_error(_: Request, exc: Exception) -> Response:
    if isinstance(exc, InvalidValue):
        kind = "invalid-query" if isinstance(exc, InvalidQuery) else "invalid-value"
        return problem_response(
            422,
            exc.detail,
            kind=kind,
            errors=[{"field": exc.field, "message": exc.reason}],
        )
    if isinstance(exc, NotFound):
        return problem_response(404, exc.detail, kind="not-found")
    if isinstance(exc, Conflict):
        kind = next((name for cls, name in _CONFLICT_TYPES if isinstance(exc, cls)), "conflict")
        errors = (
            [{"field": exc.field, "message": "already exists"}]
            if isinstance(exc, DuplicateValue)
            else None
        )
        return problem_response(409, exc.detail, kind=kind, errors=errors)
    assert isinstance(exc, DomainError)
    return problem_response(422, exc.detail, kind="invalid-request")


async def _application_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApplicationError)
    request_id = getattr(request.state, "request_id", "-")
    if isinstance(exc, Unauthenticated):
        return problem_response(
            401, exc.detail, kind="unauthenticated", headers={"WWW-Authenticate": "Bearer"}
        )
    if isinstance(exc, Forbidden):
        return problem_response(403, exc.detail, kind="forbidden")
    if isinstance(exc, TooManyAttempts):
        seconds = max(1, math.ceil(exc.retry_after.total_seconds()))
        return problem_response(
            429,
            f"{exc.detail} (in {seconds} s)",
            kind="too-many-attempts",
            headers={"Retry-After": str(seconds)},
        )
    if isinstance(exc, Unavailable):
        log.warning("storage unavailable [request id %s]: %s", request_id, exc.detail)
        return problem_response(
            503,
            "The storage cannot serve the request right now; nothing was changed. Retry shortly.",
            kind="unavailable",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    log.error("unexpected %s [request id %s]", type(exc).__name__, request_id, exc_info=exc)
    return _unexpected()


def _field_name(loc: Sequence[int | str]) -> str:
    # The first element says where the input was (body, query, path): the message and the
    # operation's documentation make that plain, so the name is the path inside it.
    parts = [str(part) for part in loc[1:]] if len(loc) > 1 else [str(p) for p in loc]
    return ".".join(parts)[:_MAX_FIELD_NAME]


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = []
    malformed = False
    for error in exc.errors()[:_MAX_FIELD_ERRORS]:
        loc = tuple(error.get("loc", ()))
        if error.get("type") == "json_invalid":
            malformed = True
            position = error.get("loc", ("body", "?"))[-1]
            reason = error.get("ctx", {}).get("error", "invalid JSON")
            errors.append({"field": "body", "message": f"{reason} (at character {position})"})
        elif error.get("type") == "missing" and len(loc) == 2 and loc[0] == "query":
            errors.append({"field": str(loc[1]), "message": _missing_query(request, str(loc[1]))})
        else:
            # Deliberately not `input`: a refused value is not echoed back.
            errors.append({"field": _field_name(error.get("loc", ())), "message": error["msg"]})
    detail = (
        "The request body is not valid JSON."
        if malformed
        else "The request does not match what this operation accepts."
    )
    return problem_response(422, detail, kind="validation-error", errors=errors)


def _missing_query(request: Request, name: str) -> str:
    # "Field required" leaves a client that sent the value in the body none the wiser: say
    # where it goes, with the operation's own address.
    example = _query_example(request, name)
    return f"{name} is a query parameter: {request.method} {request.url.path}?{name}={example}"


def _query_example(request: Request, name: str) -> str:
    """The first example the operation declares for the query parameter `name`, or `...`."""
    route = request.scope.get("route")
    dependants = [route.dependant] if isinstance(route, APIRoute) else []
    while dependants:
        dependant = dependants.pop()
        for field in dependant.query_params:
            if field.alias == name and field.field_info.examples:
                return str(field.field_info.examples[0])
        dependants.extend(dependant.dependencies)
    return "..."


_HTTP_DETAILS: Final[Mapping[int, str]] = {
    404: "There is nothing at this address.",
    405: "This address does not accept that method.",
}


async def _body_too_large(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, BodyTooLarge)
    return body_too_large(exc.limit)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers or {})
    if exc.status_code == 400:
        # Starlette's only 400 is a body it could not decode: for clients that is invalid input.
        return problem_response(
            422,
            "The request body could not be decoded.",
            kind="validation-error",
            errors=[{"field": "body", "message": "could not be decoded"}],
        )
    if exc.status_code == 405:
        headers["Allow"] = ", ".join(_allowed_methods(request))
    detail = _HTTP_DETAILS.get(exc.status_code, HTTPStatus(exc.status_code).phrase)
    return problem_response(exc.status_code, detail, headers=headers)


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route offers at this path (the router names only the first route's);
    HEAD wherever GET is (entrypoints/http/middleware.py answers it)."""
    methods: set[str] = set()
    scope = {**request.scope, "method": "\x00"}  # a method no route has: path matches only
    for route in iter_route_contexts(request.app.routes):
        match, _ = route.matches(scope)
        if match is not Match.NONE:
            methods |= route.methods or set()
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


def _unexpected() -> Response:
    # Bare on purpose: what went wrong is in the log, under the request id, not in the answer.
    return problem_response(
        500, "The server could not complete the request; it has been logged.", kind="internal"
    )


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(ApplicationError, _application_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(BodyTooLarge, _body_too_large)
    app.add_exception_handler(StarletteHTTPException, _http_error)


# ----------------------------------------------------------------------------- request ids
class RequestIdMiddleware:
    """Give every request an id (or keep a sane incoming one), echo it in `X-Request-ID`, put
    it on every log line of the request (`entrypoints.logs.REQUEST_ID`), and turn any
    exception that escapes the app into a bare 500 problem, logged with that id."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _incoming_request_id(scope) or secrets.token_hex(16)
        scope.setdefault("state", {})["request_id"] = request_id
        # Every log line of this request, uvicorn's access line included, carries the id.
        request_id_token = REQUEST_ID.set(request_id)
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", []))
                headers.append((REQUEST_ID_HEADER.lower().encode(), request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            log.exception(
                "unhandled error in %s %s [request id %s]",
                scope.get("method"),
                scope.get("path"),
                request_id,
            )
            if started:  # too late for a problem response: the client sees a cut-off body
                raise
            await _unexpected()(scope, receive, send_with_id)
        finally:
            REQUEST_ID.reset(request_id_token)


def _incoming_request_id(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"x-request-id":
            text: str = value.decode("latin-1")
            if 0 < len(text) <= 64 and all(c.isalnum() or c in "-_.:" for c in text):
                return text
            return None
    return None


# ----------------------------------------------------------------------------- OpenAPI
_DESCRIPTIONS: Final[Mapping[int, str]] = {
    401: "No valid bearer token, or wrong credentials (problem details).",
    403: "Signed in, but not allowed to do this (problem details).",
    404: "Not found: no such resource, or not yours to see (problem details).",
    409: "Conflict with the current state (problem details).",
    413: "Request body larger than the server accepts (problem details).",
    422: "Invalid input: malformed JSON, a refused field or query parameter (problem details).",
    500: "Unexpected error, logged with the request id (problem details, no internals).",
    503: "Storage unavailable or busy; retry after the Retry-After delay (problem details).",
}
_PROBLEM_REF: Final = {"$ref": "#/components/schemas/Problem"}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The `responses=` entries documenting these error statuses as problem details."""
    return {
        status: {
            "description": _DESCRIPTIONS.get(status, HTTPStatus(status).phrase),
            "content": {PROBLEM_MEDIA_TYPE: {"schema": _PROBLEM_REF}},
        }
        for status in statuses
    }


def problem_schemas() -> dict[str, Any]:
    """The OpenAPI component schemas the error responses refer to (`Problem`, `FieldError`)."""
    problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    return {**problem.pop("$defs", {}), "Problem": problem}
