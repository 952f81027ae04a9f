"""What holds for every request, whichever route takes it: small ASGI middlewares.

    BodyLimitMiddleware        a request body over `max_body_bytes` is a 413 problem, refused
                               before it is read: by its Content-Length when it declares one
                               (the route never runs), else by counting the chunks as they
                               are read, stopping at the first one past the limit

They are plain ASGI callables, not Starlette's `BaseHTTPMiddleware` (which runs the rest of
the app in another task and passes every message through a stream): each costs a request one
call and, at most, one wrapper around `receive` or `send`. FastAPI's own body limit is not
used: it lets a route that reads no body run to the end before answering 413, and a POST
without a body can still change something.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from entrypoints.http.errors import BodyTooLarge, body_too_large

__all__ = ["BodyLimitMiddleware"]


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
