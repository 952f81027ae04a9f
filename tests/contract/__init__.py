"""One suite per port, run against the in-memory fake, SQLite and PostgreSQL alike."""
