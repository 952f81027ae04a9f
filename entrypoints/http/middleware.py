"""What holds for every request and every answer, whichever route takes it: three small ASGI
middlewares.

    BodyLimitMiddleware        a request body over `max_body_bytes` is a 413 problem, refused
                               before it is read: by its Content-Length when it declares one
                               (the route never runs), else by counting the chunks as they
                               are read, stopping at the first one past the limit
    HeadMiddleware             HEAD is answered for every GET route: as GET, without the body
    ResponseHeadersMiddleware  `X-Content-Type-Options: nosniff` on every answer, and
                               `Cache-Control: no-store` on every answer under a path that
                               carries personal data or tokens (`PERSONAL_PREFIXES`)

They are plain ASGI callables, not Starlette's `BaseHTTPMiddleware` (which runs the rest of
the app in another task and passes every message through a stream): each costs a request one
call and, at most, one wrapper around `receive` or `send`; only the start of an answer is
copied. FastAPI's own body limit is not used: it lets a route that reads no body run to the
end before answering 413, and a POST without a body can still change something.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from entrypoints.http.errors import BodyTooLarge, body_too_large

__all__ = [
    "PERSONAL_PREFIXES",
    "BodyLimitMiddleware",
    "HeadMiddleware",
    "ResponseHeadersMiddleware",
]

PERSONAL_PREFIXES: Final = (
    "/users/",
    "/orders/",
    "/exports/",
    "/auth/",
    "/items/",
    "/notifications/",
    "/transfers/",
    "/admin/",
)
"""Paths whose answers carry personal data (accounts, orders and addresses, a user's items,
notifications, credits and transfers, exports of users, the ledger's reconciliation) or
credentials (the access and refresh tokens of /auth, which OAuth2 requires be answered
`no-store`): no cache, shared or private, may keep them."""

_NOSNIFF: Final = (b"x-content-type-options", b"nosniff")
_NO_STORE: Final = (b"cache-control", b"no-store")


class BodyLimitMiddleware:
    """Refuse a request body over `max_body_bytes` with a 413 problem, without reading it."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_body_bytes
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await body_too_large(limit)(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            # A chunked body declares no length, and a declared one is checked again: the
            # count is what was actually read.
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # Answered by the problem handlers (errors.py) as a 413.
                    raise BodyTooLarge(limit)
            return message

        await self.app(scope, counted, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            # The server has refused a malformed one already; be safe all the same.
            return int(value) if value.isdigit() else None
    return None


class HeadMiddleware:
    """HEAD as GET, with the same status and headers (Content-Length too) and no body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def without_body(message: Message) -> None:
            if message["type"] == "http.response.body" and message.get("body"):
                message = {**message, "body": b""}
            await send(message)

        # Routes declare GET only (a HEAD operation each would double the OpenAPI document).
        await self.app({**scope, "method": "GET"}, receive, without_body)


class ResponseHeadersMiddleware:
    """Headers every answer carries, unless the route set them itself: `nosniff` everywhere,
    `no-store` under `personal_prefixes`."""

    def __init__(self, app: ASGIApp, personal_prefixes: Sequence[str] = PERSONAL_PREFIXES) -> None:
        self.app = app
        self.personal_prefixes = tuple(personal_prefixes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        personal = _route_path(scope).startswith(self.personal_prefixes)
        extra = (_NOSNIFF, _NO_STORE) if personal else (_NOSNIFF,)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {name for name, _ in headers}  # ASGI names are lower-case
                headers += [header for header in extra if header[0] not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


def _route_path(scope: Scope) -> str:
    """The path as the routes see it: behind a proxy's prefix (`root_path`), without it."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path
