"""The HTTP API: FastAPI routers, pydantic schemas and problem details.

It sees use cases, query ports and domain errors, never an adapter: what it needs comes from
the `Services` the composition root provides (`request.app.state.services`). The app itself is
built by `entrypoints.http.app.create_app`.
"""
