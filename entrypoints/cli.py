"""The command line: `python -m entrypoints.cli serve|migrate`.

    serve      migrate the SQL database to the newest revision (unless DATABASE_URL is
               memory:// or --no-migrate is given), then serve the API with uvicorn on
               127.0.0.1:8000 (--host/--port), with uvloop and httptools when installed
    migrate    migrate the SQL database to the newest revision and exit

Settings come from the environment and `.env` (see `entrypoints.settings`).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import logging
import sys
from collections.abc import Sequence

from entrypoints.settings import Settings, redact_url

__all__ = ["main"]

log = logging.getLogger("entrypoints.cli")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m entrypoints.cli", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="migrate the database, then serve the HTTP API")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port to bind (8000)")
    serve.add_argument(
        "--no-migrate", action="store_true", help="serve without migrating the database first"
    )
    commands.add_parser("migrate", help="migrate the SQL database to the newest revision")
    return parser


def _migrate(settings: Settings) -> None:
    from entrypoints.container import prepare_storage

    if settings.backend == "memory":
        log.info("DATABASE_URL is memory://: nothing to migrate")
        return
    log.info("migrating %s to the newest revision", redact_url(settings.database_url))
    asyncio.run(prepare_storage(settings))


def _serve(settings: Settings, host: str, port: int) -> None:
    # Imported here, not at the top: `migrate` should not load the web stack.
    import uvicorn

    from entrypoints.http.app import create_app

    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        loop="uvloop" if importlib.util.find_spec("uvloop") else "asyncio",
        http="httptools" if importlib.util.find_spec("httptools") else "h11",
        log_level=settings.log_level.lower(),
        # No `server: uvicorn` on every answer: what serves the API is nobody's business.
        server_header=False,
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    settings = Settings()
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    if args.command == "migrate":
        _migrate(settings)
        return 0
    if not args.no_migrate:
        _migrate(settings)
    _serve(settings, args.host, args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
