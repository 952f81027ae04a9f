"""One format for every log line of the process, uvicorn's and the access log included, each
carrying the id of the request it was written for:

    2026-11-23T10:15:02.114Z INFO uvicorn.error [-] Application startup complete.
    2026-11-23T10:15:03.520Z WARNING entrypoints.http.errors [9f2c] storage unavailable ...
    2026-11-23T10:15:03.521Z INFO uvicorn.access [9f2c] 127.0.0.1:52814 - "GET /health HTTP/1.1" 503

Invariant: a line written while a request is handled carries that request's id, the one its
answer has in X-Request-ID; a line written outside any request carries `-`. The id travels in
the context variable `REQUEST_ID`, which `RequestIdMiddleware` sets for the request; everything
the request awaits sees it, uvicorn's access log too (uvicorn writes it when the response
starts, from inside the app's `send`). A filter on the one handler copies it into each record.
Times are UTC.

`log_config(level)` is a `logging.config.dictConfig` dictionary, given to uvicorn as its
`log_config` by the CLI, so that uvicorn's loggers write through the same handler.
"""

from __future__ import annotations

import logging
import logging.config
import time
from contextvars import ContextVar
from typing import Any, Final

__all__ = [
    "LOG_FORMAT",
    "NO_REQUEST",
    "REQUEST_ID",
    "RequestIdFilter",
    "UtcFormatter",
    "configure_logging",
    "log_config",
]

NO_REQUEST: Final = "-"
REQUEST_ID: ContextVar[str] = ContextVar("request_id", default=NO_REQUEST)

LOG_FORMAT: Final = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"

# Loggers that say nothing an operator needs at INFO. Alembic's plugin registry announces each
# of its seven plugins whenever alembic is imported, even when nothing is to be migrated.
_QUIET: Final = {"alembic.runtime.plugins": "WARNING"}
# uvicorn's loggers; its own configuration gives them handlers and formats of their own.
_UVICORN: Final = ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi")


class RequestIdFilter(logging.Filter):
    """Gives each record the id of the request being handled (`-` outside requests)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True


class UtcFormatter(logging.Formatter):
    """ISO 8601 times in UTC, to the millisecond: 2026-11-23T10:15:02.114Z."""

    converter = staticmethod(time.gmtime)
    default_time_format = "%Y-%m-%dT%H:%M:%S"
    default_msec_format = "%s.%03dZ"


def log_config(level: str) -> dict[str, Any]:
    """Every logger of the process through one handler on stderr, in `LOG_FORMAT`."""
    return {
        "version": 1,
        # Loggers made before this (at import) must keep working.
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {"default": {"()": UtcFormatter, "fmt": LOG_FORMAT}},
        "handlers": {
            "default": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "default",
                "filters": ["request_id"],
            }
        },
        "root": {"level": level, "handlers": ["default"]},
        "loggers": {
            **{name: {"level": level, "handlers": [], "propagate": True} for name in _UVICORN},
            **{name: {"level": quiet} for name, quiet in _QUIET.items()},
        },
    }


def configure_logging(level: str) -> None:
    logging.config.dictConfig(log_config(level))
