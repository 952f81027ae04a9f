"""Adapters: the technology behind the ports of `domain` and `application`.

Each subpackage implements ports for one technology (`sqlalchemy`, `memory`, `security`,
`system`); nothing in the core imports them, and only the composition root names them.
"""
