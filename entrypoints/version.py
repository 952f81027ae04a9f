"""The service's name and version: what `storefront --version`, `/` and /openapi.json say.

Invariant: the version has one source, the installed package's metadata (pyproject.toml's
`version`); a checkout that was never installed says 0.0.0.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Final

__all__ = ["SERVICE_NAME", "service_version"]

SERVICE_NAME: Final = "storefront"


def service_version() -> str:
    try:
        return version(SERVICE_NAME)
    except PackageNotFoundError:  # running from a checkout that was never installed
        return "0.0.0"
