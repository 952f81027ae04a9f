"""Alembic migrations on SQLite and PostgreSQL: up, down, drift, data."""
