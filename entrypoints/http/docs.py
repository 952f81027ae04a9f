"""The documentation pages, /docs (Swagger UI) and /redoc (ReDoc), served without a CDN.

    /docs                     Swagger UI over /openapi.json
    /docs/oauth2-redirect     Swagger UI's OAuth2 redirect page
    /redoc                    ReDoc over /openapi.json
    /docs/assets/...          their scripts, style sheet and icon

Invariant: the pages load nothing from another host. FastAPI's own pages take Swagger UI and
ReDoc from a public CDN (and ReDoc its fonts from Google), so on a machine without internet
they stay blank; here the same pages (FastAPI's `get_swagger_ui_html` and `get_redoc_html`)
take them from the files the pinned `fastapi-offline` package ships (Swagger UI 5, ReDoc 2),
served by the app itself. Upgrading the viewers is upgrading that pin.
"""

from __future__ import annotations

from typing import Final

from fastapi import FastAPI, Request
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from starlette.responses import HTMLResponse
from starlette.staticfiles import StaticFiles

__all__ = ["ASSETS_PACKAGE", "ASSETS_URL", "install_docs"]

# The package whose folder `static/` holds swagger-ui-bundle.js, swagger-ui.css,
# redoc.standalone.js and favicon.png.
ASSETS_PACKAGE: Final = "fastapi_offline"
ASSETS_URL: Final = "/docs/assets"
DOCS_URL: Final = "/docs"
OAUTH2_REDIRECT_URL: Final = "/docs/oauth2-redirect"
REDOC_URL: Final = "/redoc"


def install_docs(app: FastAPI) -> None:
    """Serve /docs and /redoc from local assets. The app must be made with `docs_url=None,
    redoc_url=None`, so that FastAPI's own CDN-backed pages are not there too."""
    if app.docs_url is not None or app.redoc_url is not None:
        raise ValueError("create the app with docs_url=None and redoc_url=None")
    openapi_url = app.openapi_url or "/openapi.json"

    def root(request: Request) -> str:
        # Behind a proxy that mounts the app under a prefix, every URL the page loads has it.
        return str(request.scope.get("root_path", "")).rstrip("/")

    async def swagger_ui(request: Request) -> HTMLResponse:
        prefix = root(request)
        return get_swagger_ui_html(
            openapi_url=prefix + openapi_url,
            title=f"{app.title} - Swagger UI",
            swagger_js_url=f"{prefix}{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{prefix}{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{prefix}{ASSETS_URL}/favicon.png",
            oauth2_redirect_url=prefix + OAUTH2_REDIRECT_URL,
            init_oauth=app.swagger_ui_init_oauth,
            swagger_ui_parameters=app.swagger_ui_parameters,
        )

    async def oauth2_redirect(_: Request) -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    async def redoc(request: Request) -> HTMLResponse:
        prefix = root(request)
        return get_redoc_html(
            openapi_url=prefix + openapi_url,
            title=f"{app.title} - ReDoc",
            redoc_js_url=f"{prefix}{ASSETS_URL}/redoc.standalone.js",
            redoc_favicon_url=f"{prefix}{ASSETS_URL}/favicon.png",
            with_google_fonts=False,
        )

    app.add_route(DOCS_URL, swagger_ui, include_in_schema=False)
    app.add_route(OAUTH2_REDIRECT_URL, oauth2_redirect, include_in_schema=False)
    app.add_route(REDOC_URL, redoc, include_in_schema=False)
    app.mount(ASSETS_URL, StaticFiles(packages=[(ASSETS_PACKAGE, "static")]), name="docs-assets")
