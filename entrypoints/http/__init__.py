"""The HTTP API: FastAPI routers, pydantic schemas and problem details.

It sees use cases, query ports and domain errors, never an adapter: a route takes what it
needs from the `UseCases` container the composition root filled (`use_cases(request)`), and
answers through `respond`. The app itself is built by `entrypoints.http.app.create_app`.
"""
