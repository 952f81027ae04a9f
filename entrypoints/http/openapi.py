"""The OpenAPI document: FastAPI's own, plus the `Problem` schema that every documented
error response refers to (FastAPI only collects schemas of models it sees on routes).

Operation ids are the endpoint functions' names (`get_user`, `place_order`), and create
operations declare OpenAPI links to what can be done with what they created, so that clients
and stateful testers can follow them.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from entrypoints.http.errors import problem_schemas

__all__ = ["created", "install_openapi", "operation_id"]


def operation_id(route: APIRoute) -> str:
    """The endpoint function's name: unique across the app, and readable in generated clients."""
    return route.name


def created(description: str, **links: tuple[str, dict[str, str]]) -> dict[int | str, Any]:
    """The 201 response of a create operation, with links: `name=(operation_id, parameters)`,
    parameters mapping each target parameter to a runtime expression such as
    `$response.body#/id`."""
    return {
        201: {
            "description": description,
            "links": {
                name: {"operationId": target, "parameters": parameters}
                for name, (target, parameters) in links.items()
            },
        }
    }


def install_openapi(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                summary=app.summary,
                description=app.description,
                routes=app.routes,
            )
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            components.update(problem_schemas())
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
