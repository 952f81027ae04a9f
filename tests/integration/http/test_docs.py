"""/docs and /redoc name only the app's own files, and the app serves each of them.

The browser check of the same pages is tests/e2e/test_docs_offline.py (it needs chromium).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest

from entrypoints.container import build_container
from entrypoints.http.app import create_app
from entrypoints.settings import Settings

# Every URL a page loads: src= and href= attributes, and the OpenAPI document it is given.
_LOADED = re.compile(r"""(?:src|href)="([^"]+)"|url: '([^']+)'|spec-url="([^"]+)\"""")


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(container=build_container(Settings(_env_file=None, database_url="memory://")))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        ) as client,
    ):
        yield client


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
async def test_a_documentation_page_loads_only_files_the_app_serves(
    client: httpx.AsyncClient, page: str
) -> None:
    html = (await client.get(page)).text
    loaded = sorted({next(url for url in found if url) for found in _LOADED.findall(html)})

    assert "/openapi.json" in loaded
    assert [url for url in loaded if not url.startswith("/")] == []  # no CDN, no other host
    for url in loaded:
        response = await client.get(url)
        assert response.status_code == 200, url
        assert response.content, url


async def test_the_oauth2_redirect_page_of_swagger_ui_is_served(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/docs/oauth2-redirect")

    assert response.status_code == 200
    assert "oauth2" in response.text
